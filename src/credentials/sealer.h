// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Sealer encrypts values at rest with XChaCha20-Poly1305 under a host key,
// tagged with the key's id so keys can rotate: Seal uses the current key,
// Open uses whichever key the value names. Also derives the keyed-hash key
// for tokens and request fingerprints, so one host key serves both; KeyedHash
// tags each hash with the key that made it, so hashes survive rotation too.
#ifndef IAM_SRC_CREDENTIALS_SEALER_H_
#define IAM_SRC_CREDENTIALS_SEALER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/secret.h"
#include "iam/token.h"

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
  // A 32-byte subkey for `purpose`, derived from the key `key_id` (must be
  // known; "" = the current key).
  std::string DeriveKey(absl::string_view purpose, absl::string_view key_id = "") const;
  const std::string& current_key_id() const { return current_; }
  std::vector<std::string> key_ids() const;

 private:
  Sealer() = default;
  std::map<std::string, std::string> keys_;
  std::string current_;
};

// Keyed hashes that survive host-key rotation (tokens, request fingerprints):
// Hash() answers "<key id>:<64 hex>" under the current key; Candidates() lists
// every form a value may be stored under (tagged under each known key, then
// untagged as written before tags); Matches() checks a stored hash against
// the key it names, in constant time. Immutable, safe to share.
class KeyedHash {
 public:
  static absl::StatusOr<KeyedHash> Create(const Sealer& sealer, absl::string_view purpose);

  std::string Hash(absl::string_view value) const;
  std::vector<std::string> Candidates(absl::string_view value) const;
  bool Matches(absl::string_view stored, absl::string_view value) const;

 private:
  KeyedHash() = default;
  std::string current_;
  std::map<std::string, TokenHasher> hashers_;
};

}  // namespace iam::internal

#endif  // IAM_SRC_CREDENTIALS_SEALER_H_
