// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/token.h"

#include <sodium.h>

#include "iam/error.h"

namespace iam {

Secret NewToken(RandomSource* random) {
  if (random == nullptr) random = SystemRandom();
  uint8_t bytes[kTokenBytes];
  random->Fill(bytes, sizeof bytes);
  // The first character comes from the top 6 bits of bytes[0]; 62 and 63 encode
  // '-' and '_'. Redraw that byte so a token never reads as a command-line
  // option (`openstack token revoke -abc...`). Costs 0.05 of 256 bits.
  while ((bytes[0] >> 2) >= 62) random->Fill(bytes, 1);
  char encoded[sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  Secret token{absl::string_view(encoded)};
  sodium_memzero(bytes, sizeof bytes);
  sodium_memzero(encoded, sizeof encoded);
  return token;
}

absl::StatusOr<TokenHasher> TokenHasher::Create(absl::string_view key) {
  if (key.size() != kTokenKeyBytes) {
    return InvalidField("token_key", "token_key.invalid_length",
                        "token_key: must be exactly 32 bytes");
  }
  InitCrypto();
  TokenHasher hasher;
  std::copy(key.begin(), key.end(), hasher.key_.begin());
  return hasher;
}

TokenHasher::~TokenHasher() { sodium_memzero(key_.data(), key_.size()); }

std::string TokenHasher::Hash(absl::string_view token) const {
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const uint8_t*>(token.data()),
                     token.size(), key_.data(), key_.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

bool TokenHasher::Matches(absl::string_view stored, absl::string_view token) const {
  const std::string computed = Hash(token);
  if (stored.size() != computed.size()) return false;
  return sodium_memcmp(stored.data(), computed.data(), computed.size()) == 0;
}

}  // namespace iam
