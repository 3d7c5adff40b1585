// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// One-time tokens for first-login links and password resets: 32 random bytes,
// URL-safe base64 without padding (43 characters), never starting with '-' or
// '_' so that a token is safe as a command-line argument. Only a keyed BLAKE2b hash
// of a token is stored; verification recomputes it and compares in constant
// time.
//
//   iam::TokenHasher hasher(host_key);           // 32-byte key from the host
//   iam::Secret token = iam::NewToken();         // send once, by email
//   std::string stored = hasher.Hash(token.view());
//   hasher.Matches(stored, presented);           // constant time
//
// Thread-safety: TokenHasher is immutable and safe to share.
#ifndef IAM_TOKEN_H_
#define IAM_TOKEN_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/random.h"
#include "iam/secret.h"

namespace iam {

inline constexpr size_t kTokenBytes = 32;
inline constexpr size_t kTokenKeyBytes = 32;

// `random` is not owned; null = SystemRandom().
IAM_EXPORT Secret NewToken(RandomSource* random = nullptr);

class IAM_EXPORT TokenHasher {
 public:
  // `key` must be kTokenKeyBytes long.
  static absl::StatusOr<TokenHasher> Create(absl::string_view key);
  TokenHasher(const TokenHasher&) = default;
  TokenHasher& operator=(const TokenHasher&) = default;
  ~TokenHasher();

  // 64 lowercase hex characters.
  std::string Hash(absl::string_view token) const;
  // Constant-time comparison of Hash(token) with `stored`.
  bool Matches(absl::string_view stored, absl::string_view token) const;

 private:
  TokenHasher() = default;
  std::array<uint8_t, kTokenKeyBytes> key_{};
};

}  // namespace iam

#endif  // IAM_TOKEN_H_
