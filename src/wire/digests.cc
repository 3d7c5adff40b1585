// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "wire/digests.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace iam::wire {

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

bool ConstantTimeEqual(absl::string_view a, absl::string_view b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// A hash that cannot be computed must not become "" (every signature over it
// would then match): the process stops instead.
[[noreturn]] void CryptoFailed(const char* what) {
  std::fprintf(stderr, "iamcore: libcrypto failed: %s\n", what);
  std::abort();
}

}  // namespace

std::string HexSha256(absl::string_view data) {
  // OpenSSL's SHA-256 uses the CPU's SHA extensions; fetched once, since an
  // implicit fetch per call costs more than the hash of a request.
  static EVP_MD* const sha256 = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) CryptoFailed("no SHA-256");
    return md;
  }();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, sha256, nullptr) != 1 || size != 32) {
    CryptoFailed("SHA-256");
  }
  return Hex(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);  // the state holds the keyed pads
  std::string out(reinterpret_cast<const char*>(mac), sizeof mac);
  sodium_memzero(mac, sizeof mac);
  return out;
}

std::string HmacSha1(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr ||
      size != 20) {
    CryptoFailed("HMAC-SHA1");
  }
  std::string out(reinterpret_cast<const char*>(mac), size);
  sodium_memzero(mac, sizeof mac);
  return out;
}

}  // namespace iam::wire
