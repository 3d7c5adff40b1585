// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "credentials/sealer.h"

#include <sodium.h>

#include <cstring>
#include <vector>

#include "iam/error.h"
#include "iam/random.h"

namespace iam::internal {

absl::StatusOr<Sealer> Sealer::Create(std::map<std::string, std::string> keys,
                                      std::string current) {
  InitCrypto();
  for (const auto& [id, key] : keys) {
    if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES || id.empty() ||
        id.find(':') != std::string::npos) {
      return InvalidField("host_key", "host_key.invalid",
                          "host_key: each key must be 32 bytes with an id without ':'");
    }
  }
  if (!keys.count(current)) {
    return InvalidField("host_key_id", "host_key.unknown", "host_key_id: no such key");
  }
  Sealer sealer;
  sealer.keys_ = std::move(keys);
  sealer.current_ = std::move(current);
  return sealer;
}

Sealer::~Sealer() {
  for (auto& [id, key] : keys_) WipeString(key);
}

std::string Sealer::Seal(absl::string_view plaintext, absl::string_view context) const {
  const std::string& key = keys_.at(current_);
  std::vector<uint8_t> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                           crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const uint8_t*>(context.data()), context.size(), nullptr, out.data(),
      reinterpret_cast<const uint8_t*>(key.data()));
  std::string b64(sodium_base64_ENCODED_LEN(out.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), out.data(), out.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(std::strlen(b64.c_str()));
  return current_ + ":" + b64;
}

absl::StatusOr<Secret> Sealer::Open(absl::string_view sealed, absl::string_view context) const {
  auto corrupt = [] {
    return MakeError(absl::StatusCode::kDataLoss, "sealed", "sealed.corrupt",
                     "a sealed value could not be opened (wrong key or tampered)");
  };
  const size_t colon = sealed.find(':');
  if (colon == absl::string_view::npos) return corrupt();
  auto key = keys_.find(std::string(sealed.substr(0, colon)));
  if (key == keys_.end()) return corrupt();
  const absl::string_view b64 = sealed.substr(colon + 1);
  std::vector<uint8_t> raw(b64.size());
  size_t raw_len = 0;
  if (sodium_base642bin(raw.data(), raw.size(), b64.data(), b64.size(), nullptr, &raw_len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      raw_len < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                    crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return corrupt();
  }
  std::string plain(raw_len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
                        crypto_aead_xchacha20poly1305_ietf_ABYTES,
                    '\0');
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(plain.data()), &plain_len, nullptr,
          raw.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          raw_len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const uint8_t*>(context.data()), context.size(), raw.data(),
          reinterpret_cast<const uint8_t*>(key->second.data())) != 0) {
    return corrupt();
  }
  plain.resize(plain_len);
  return Secret(std::move(plain));
}

std::vector<std::string> Sealer::key_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, key] : keys_) ids.push_back(id);
  return ids;
}

std::string Sealer::DeriveKey(absl::string_view purpose, absl::string_view key_id) const {
  const std::string& key = keys_.at(key_id.empty() ? current_ : std::string(key_id));
  uint8_t out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const uint8_t*>(purpose.data()),
                     purpose.size(), reinterpret_cast<const uint8_t*>(key.data()), key.size());
  std::string derived(reinterpret_cast<const char*>(out), sizeof out);
  sodium_memzero(out, sizeof out);
  return derived;
}

absl::StatusOr<KeyedHash> KeyedHash::Create(const Sealer& sealer, absl::string_view purpose) {
  KeyedHash out;
  out.current_ = sealer.current_key_id();
  for (const std::string& id : sealer.key_ids()) {
    std::string key = sealer.DeriveKey(purpose, id);
    absl::StatusOr<TokenHasher> hasher = TokenHasher::Create(key);
    WipeString(key);
    if (!hasher.ok()) return hasher.status();
    out.hashers_.emplace(id, *hasher);
  }
  return out;
}

std::string KeyedHash::Hash(absl::string_view value) const {
  return current_ + ":" + hashers_.at(current_).Hash(value);
}

std::vector<std::string> KeyedHash::Candidates(absl::string_view value) const {
  std::vector<std::string> out;
  out.push_back(Hash(value));
  for (const auto& [id, hasher] : hashers_) {
    if (id != current_) out.push_back(id + ":" + hasher.Hash(value));
  }
  for (const auto& [id, hasher] : hashers_) out.push_back(hasher.Hash(value));
  return out;
}

bool KeyedHash::Matches(absl::string_view stored, absl::string_view value) const {
  const size_t colon = stored.find(':');
  if (colon == absl::string_view::npos) {
    // Untagged, from before tags: any known key may have made it.
    bool any = false;
    for (const auto& [id, hasher] : hashers_) any |= hasher.Matches(stored, value);
    return any;
  }
  auto it = hashers_.find(std::string(stored.substr(0, colon)));
  return it != hashers_.end() && it->second.Matches(stored.substr(colon + 1), value);
}

}  // namespace iam::internal
