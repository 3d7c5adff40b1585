// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Sealer encrypts values at rest with XChaCha20-Poly1305 under a host key,
// tagged with the key's id so keys can rotate: Seal uses the current key,
// Open uses whichever key the value names. Also derives the keyed-hash key
// for tokens and request fingerprints, so one host key serves both.
#ifndef IAM_SRC_CREDENTIALS_SEALER_H_
#define IAM_SRC_CREDENTIALS_SEALER_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/secret.h"

namespace iam::internal {

class Sealer {
 public:
  // `keys`: key id -> 32-byte key; `current` must be one of them.
  static absl::StatusOr<Sealer> Create(std::map<std::string, std::string> keys,
                                       std::string current);
  Sealer(const Sealer&) = default;
  Sealer& operator=(const Sealer&) = default;
  ~Sealer();

  // "<key id>:<base64url(nonce || ciphertext)>"; `context` is bound as
  // associated data (e.g. the record id), so a value cannot be moved.
  std::string Seal(absl::string_view plaintext, absl::string_view context) const;
  absl::StatusOr<Secret> Open(absl::string_view sealed, absl::string_view context) const;
  // A 32-byte subkey for `purpose`, derived from the current key.
  std::string DeriveKey(absl::string_view purpose) const;

 private:
  Sealer() = default;
  std::map<std::string, std::string> keys_;
  std::string current_;
};

}  // namespace iam::internal

#endif  // IAM_SRC_CREDENTIALS_SEALER_H_
