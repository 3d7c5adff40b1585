// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Foreign password hashes: one table row per encoding, one parser and one
// verifier per kind of computation.
#include "iam/imported_hash.h"

#include <crypt.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/error.h"
#include "iam/secret.h"

namespace iam {
namespace {

enum class Kind : uint8_t { kArgon2, kCrypt, kPbkdf2Django, kPbkdf2Passlib, kScryptPasslib };

struct Scheme {
  const char* prefix;
  const char* name;
  Kind kind;
  const EVP_MD* (*digest)();  // PBKDF2 only
};

constexpr Scheme kSchemes[] = {
    {"$argon2id$", "argon2id", Kind::kArgon2, nullptr},
    {"$argon2i$", "argon2i", Kind::kArgon2, nullptr},
    {"$2a$", "bcrypt", Kind::kCrypt, nullptr},
    {"$2b$", "bcrypt", Kind::kCrypt, nullptr},
    {"$2y$", "bcrypt", Kind::kCrypt, nullptr},
    {"$6$", "sha512-crypt", Kind::kCrypt, nullptr},
    {"$y$", "yescrypt", Kind::kCrypt, nullptr},
    {"$7$", "scrypt", Kind::kCrypt, nullptr},
    {"$scrypt$", "scrypt", Kind::kScryptPasslib, nullptr},
    {"pbkdf2_sha256$", "pbkdf2-sha256", Kind::kPbkdf2Django, EVP_sha256},
    {"pbkdf2_sha512$", "pbkdf2-sha512", Kind::kPbkdf2Django, EVP_sha512},
    {"$pbkdf2-sha256$", "pbkdf2-sha256", Kind::kPbkdf2Passlib, EVP_sha256},
    {"$pbkdf2-sha512$", "pbkdf2-sha512", Kind::kPbkdf2Passlib, EVP_sha512},
};

constexpr uint64_t kMaxMemoryBytes = uint64_t{1} << 30;
constexpr uint64_t kMaxIterations = 10'000'000;
constexpr int kMaxBcryptCost = 18;
constexpr char kDjangoArgon2[] = "argon2$";

const Scheme* SchemeOf(absl::string_view hash) {
  for (const Scheme& s : kSchemes) {
    if (absl::StartsWith(hash, s.prefix)) return &s;
  }
  return nullptr;
}

absl::string_view WithoutDjangoPrefix(absl::string_view hash) {
  if (absl::StartsWith(hash, absl::StrCat(kDjangoArgon2, "argon2"))) {
    hash.remove_prefix(sizeof kDjangoArgon2 - 2);  // keep the '$'
  }
  return hash;
}

// Decodes base64 of `variant`; passlib's "ab64" is base64 with '.' for '+'.
bool Decode(absl::string_view text, int variant, bool ab64, std::vector<unsigned char>* out) {
  if (text.empty()) return false;
  std::string copy(text);
  if (ab64) std::replace(copy.begin(), copy.end(), '.', '+');
  out->assign(copy.size(), 0);
  size_t len = 0;
  if (sodium_base642bin(out->data(), out->size(), copy.data(), copy.size(), nullptr, &len, nullptr,
                        variant) != 0) {
    return false;
  }
  out->resize(len);
  return len > 0;
}

bool InRange(absl::string_view text, uint64_t min, uint64_t max, uint64_t* out) {
  return absl::SimpleAtoi(text, out) && *out >= min && *out <= max;
}

// The parts a PBKDF2 or passlib-scrypt hash computes from.
struct Derivation {
  const Scheme* scheme = nullptr;
  uint64_t iterations = 0;       // PBKDF2
  uint64_t n = 0, r = 0, p = 0;  // scrypt
  std::vector<unsigned char> salt;
  std::vector<unsigned char> expected;
};

// "" when well-formed, else the reason; `costly` tells a too-expensive one.
std::string ParsePbkdf2(const Scheme& s, absl::string_view hash, Derivation* d) {
  std::vector<absl::string_view> parts = absl::StrSplit(hash, '$');
  const bool passlib = s.kind == Kind::kPbkdf2Passlib;
  if (passlib) parts.erase(parts.begin());  // the empty text before the first '$'
  if (parts.size() != 4) return "malformed";
  if (!InRange(parts[1], 1, UINT64_MAX, &d->iterations)) return "malformed";
  if (d->iterations > kMaxIterations) return "too_costly";
  if (passlib) {
    if (!Decode(parts[2], sodium_base64_VARIANT_ORIGINAL_NO_PADDING, true, &d->salt)) {
      return "malformed";
    }
  } else {
    if (parts[2].empty()) return "malformed";
    d->salt.assign(parts[2].begin(), parts[2].end());
  }
  const int variant =
      passlib ? sodium_base64_VARIANT_ORIGINAL_NO_PADDING : sodium_base64_VARIANT_ORIGINAL;
  if (!Decode(parts[3], variant, passlib, &d->expected) ||
      d->expected.size() != static_cast<size_t>(EVP_MD_get_size(s.digest()))) {
    return "malformed";
  }
  d->scheme = &s;
  return "";
}

std::string ParseScrypt(absl::string_view hash, Derivation* d) {
  std::vector<absl::string_view> parts = absl::StrSplit(hash, '$');
  if (parts.size() != 5) return "malformed";
  uint64_t ln = 0;
  int seen = 0;
  for (absl::string_view kv : absl::StrSplit(parts[2], ',')) {
    std::pair<absl::string_view, absl::string_view> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (p.first == "ln" && InRange(p.second, 1, 62, &ln)) {
      seen |= 1;
    } else if (p.first == "r" && InRange(p.second, 1, 1u << 20, &d->r)) {
      seen |= 2;
    } else if (p.first == "p" && InRange(p.second, 1, 1u << 20, &d->p)) {
      seen |= 4;
    } else {
      return "malformed";
    }
  }
  if (seen != 7) return "malformed";
  if (ln > 30 || (uint64_t{128} * d->r << ln) > kMaxMemoryBytes || d->p * d->r > 1024) {
    return "too_costly";
  }
  d->n = uint64_t{1} << ln;
  if (!Decode(parts[3], sodium_base64_VARIANT_ORIGINAL_NO_PADDING, false, &d->salt) ||
      !Decode(parts[4], sodium_base64_VARIANT_ORIGINAL_NO_PADDING, false, &d->expected) ||
      d->expected.size() < 16 || d->expected.size() > 64) {
    return "malformed";
  }
  return "";
}

std::string ParseArgon2(absl::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return "malformed";
  char buffer[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buffer);
  // needs_rehash answers -1 for a string it cannot read.
  const int readable = absl::StartsWith(hash, "$argon2id$")
                           ? crypto_pwhash_argon2id_str_needs_rehash(buffer, 1, 8192)
                           : crypto_pwhash_argon2i_str_needs_rehash(buffer, 1, 8192);
  if (readable < 0) return "malformed";
  for (absl::string_view part : absl::StrSplit(hash, '$')) {
    if (!absl::StartsWith(part, "m=")) continue;
    for (absl::string_view kv : absl::StrSplit(part, ',')) {
      uint64_t value = 0;
      if (absl::StartsWith(kv, "m=") && absl::SimpleAtoi(kv.substr(2), &value) &&
          value * 1024 > kMaxMemoryBytes) {
        return "too_costly";
      }
      if (absl::StartsWith(kv, "t=") && absl::SimpleAtoi(kv.substr(2), &value) && value > 64) {
        return "too_costly";
      }
    }
    return "";
  }
  return "malformed";
}

bool IsCryptBase64(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
  });
}

std::string ParseCrypt(absl::string_view hash) {
  const std::string copy(hash);
  const int check = crypt_checksalt(copy.c_str());
  if (check != CRYPT_SALT_OK && check != CRYPT_SALT_METHOD_LEGACY &&
      check != CRYPT_SALT_TOO_CHEAP) {
    return "malformed";
  }
  const size_t last = hash.rfind('$');
  const absl::string_view digest = hash.substr(last + 1);
  if (!IsCryptBase64(digest)) return "malformed";
  if (hash[1] == '2') {  // $2b$NN$ + 53 characters of salt and digest
    int cost = 0;
    if (hash.size() != 60 || hash[6] != '$' || !absl::SimpleAtoi(hash.substr(4, 2), &cost) ||
        cost < 4) {
      return "malformed";
    }
    return cost > kMaxBcryptCost ? "too_costly" : "";
  }
  if (hash[1] == '6') {
    if (digest.size() != 86) return "malformed";
    constexpr absl::string_view kRounds = "$6$rounds=";
    uint64_t rounds = 0;
    if (absl::StartsWith(hash, kRounds)) {
      const absl::string_view value = hash.substr(kRounds.size());
      if (!absl::SimpleAtoi(value.substr(0, value.find('$')), &rounds)) return "malformed";
      if (rounds > kMaxIterations) return "too_costly";
    }
    return "";
  }
  return digest.size() == 43 ? "" : "malformed";  // yescrypt and $7$: 256 bits
}

std::string Parse(const Scheme& s, absl::string_view hash, Derivation* d) {
  switch (s.kind) {
    case Kind::kArgon2:
      return ParseArgon2(hash);
    case Kind::kCrypt:
      return ParseCrypt(hash);
    case Kind::kPbkdf2Django:
    case Kind::kPbkdf2Passlib:
      return ParsePbkdf2(s, hash, d);
    case Kind::kScryptPasslib:
      return ParseScrypt(hash, d);
  }
  return "malformed";
}

bool SameBytes(const unsigned char* a, const unsigned char* b, size_t n) {
  return sodium_memcmp(a, b, n) == 0;
}

bool VerifyCrypt(absl::string_view hash, absl::string_view password) {
  if (password.find('\0') != absl::string_view::npos) return false;
  const Secret phrase{std::string(password)};
  const std::string setting(hash);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* out = crypt_rn(phrase.data(), setting.c_str(), data.get(), sizeof(crypt_data));
  const bool match =
      out != nullptr && std::strlen(out) == setting.size() &&
      SameBytes(reinterpret_cast<const unsigned char*>(out),
                reinterpret_cast<const unsigned char*>(setting.data()), setting.size());
  sodium_memzero(data.get(), sizeof(crypt_data));
  return match;
}

bool VerifyDerivation(const Derivation& d, absl::string_view password) {
  std::vector<unsigned char> got(d.expected.size());
  int ok = 0;
  if (d.scheme != nullptr) {
    ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), d.salt.data(),
                           static_cast<int>(d.salt.size()), static_cast<int>(d.iterations),
                           d.scheme->digest(), static_cast<int>(got.size()), got.data());
  } else {
    ok = EVP_PBE_scrypt(password.data(), password.size(), d.salt.data(), d.salt.size(), d.n, d.r,
                        d.p, kMaxMemoryBytes + (uint64_t{1} << 20), got.data(), got.size());
  }
  const bool match = ok == 1 && SameBytes(got.data(), d.expected.data(), got.size());
  sodium_memzero(got.data(), got.size());
  return match;
}

}  // namespace

absl::StatusOr<std::string> CanonicalImportedHash(absl::string_view hash, absl::string_view field) {
  const absl::string_view canonical = WithoutDjangoPrefix(hash);
  const Scheme* scheme = SchemeOf(canonical);
  if (scheme == nullptr) {
    return InvalidField(field, "password_hash.unknown_scheme",
                        absl::StrCat(field,
                                     ": not a hash iamcore reads (argon2id, argon2i, bcrypt, "
                                     "sha512-crypt, yescrypt, scrypt, pbkdf2-sha256, "
                                     "pbkdf2-sha512)"));
  }
  Derivation d;
  const std::string problem = Parse(*scheme, canonical, &d);
  if (problem == "too_costly") {
    return InvalidField(field, "password_hash.too_costly",
                        absl::StrCat(field, ": ", scheme->name,
                                     " work factor above iamcore's bound (a login would take "
                                     "too long)"));
  }
  if (!problem.empty()) {
    return InvalidField(field, "password_hash.malformed",
                        absl::StrCat(field, ": not a well-formed ", scheme->name, " hash"));
  }
  return std::string(canonical);
}

std::string ImportedHashScheme(absl::string_view hash) {
  const Scheme* scheme = SchemeOf(WithoutDjangoPrefix(hash));
  return scheme == nullptr ? "" : scheme->name;
}

bool VerifyImportedHash(absl::string_view hash, absl::string_view password) {
  const Scheme* scheme = SchemeOf(hash);
  if (scheme == nullptr) return false;
  Derivation d;
  if (!Parse(*scheme, hash, &d).empty()) return false;
  switch (scheme->kind) {
    case Kind::kArgon2: {
      char buffer[crypto_pwhash_STRBYTES] = {};
      std::copy(hash.begin(), hash.end(), buffer);
      return crypto_pwhash_str_verify(buffer, password.data(), password.size()) == 0;
    }
    case Kind::kCrypt:
      return VerifyCrypt(hash, password);
    case Kind::kPbkdf2Django:
    case Kind::kPbkdf2Passlib:
    case Kind::kScryptPasslib:
      return VerifyDerivation(d, password);
  }
  return false;
}

}  // namespace iam
