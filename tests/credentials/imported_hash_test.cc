// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Foreign hashes, verified against strings made by other implementations
// (imported_hash_vectors.h says which).
#include "iam/imported_hash.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/password_hash.h"
#include "imported_hash_vectors.h"

namespace iam {
namespace {

using ::iam::testing::HashVector;
using ::iam::testing::kPassword;
using ::iam::testing::kVectors;

TEST(ImportedHash, EveryFormatVerifiesItsPasswordAndOnlyIt) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  for (const HashVector& v : kVectors) {
    SCOPED_TRACE(v.hash);
    absl::StatusOr<std::string> canonical = CanonicalImportedHash(v.hash, "password_hash");
    ASSERT_TRUE(canonical.ok()) << canonical.status();
    EXPECT_EQ(*canonical, v.hash);
    EXPECT_EQ(ImportedHashScheme(v.hash), v.scheme);
    EXPECT_TRUE(VerifyImportedHash(*canonical, v.password));
    EXPECT_FALSE(VerifyImportedHash(*canonical, absl::StrCat(v.password, "x")));
    EXPECT_FALSE(VerifyImportedHash(*canonical, ""));
    // The hasher verifies them too, and wants every one replaced.
    EXPECT_TRUE(hasher.Verify(*canonical, v.password));
    EXPECT_TRUE(hasher.NeedsRehash(*canonical));
  }
}

TEST(ImportedHash, DjangoArgon2LosesItsPrefix) {
  absl::StatusOr<std::string> canonical = CanonicalImportedHash(
      "argon2$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4",
      "password_hash");
  ASSERT_TRUE(canonical.ok()) << canonical.status();
  EXPECT_EQ(
      *canonical,
      "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$IMit9qkFULCMA/ViizL57cnTLOa5DiVM9eMwpAvPwr4");
  EXPECT_TRUE(VerifyImportedHash(*canonical, "password"));
}

TEST(ImportedHash, BcryptReadsOnlyTheFirst72Bytes) {
  // passlib, truncate_error=False, of 72 "a" followed by "tail".
  const char* hash = "$2b$04$GBPl0SwEpjAPSkgNoeogr.VC10GgaUV5Il0tuwlAM72ElpBrbfiby";
  const std::string first72(72, 'a');
  EXPECT_TRUE(VerifyImportedHash(hash, first72 + "tail"));
  EXPECT_TRUE(VerifyImportedHash(hash, first72 + "anything else"));
  EXPECT_TRUE(VerifyImportedHash(hash, first72));
  EXPECT_FALSE(VerifyImportedHash(hash, std::string(71, 'a')));
}

TEST(ImportedHash, AnArgon2idOfThisLibraryNeedsNoRehashUnderItsParameters) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  absl::StatusOr<std::string> own = hasher.Hash(kPassword);
  ASSERT_TRUE(own.ok());
  ASSERT_TRUE(CanonicalImportedHash(*own, "password_hash").ok());
  EXPECT_FALSE(hasher.NeedsRehash(*own));
  EXPECT_TRUE(VerifyImportedHash(*own, kPassword));
}

TEST(ImportedHash, UnknownMalformedAndTooCostlyAreNamedErrors) {
  const struct {
    const char* hash;
    const char* reason;
  } cases[] = {
      {"", "password_hash.unknown_scheme"},
      {"5f4dcc3b5aa765d61d8327deb882cf99", "password_hash.unknown_scheme"},  // bare MD5
      {"$1$saltsalt$hash", "password_hash.unknown_scheme"},                  // md5-crypt
      {"{SSHA}abcdef", "password_hash.unknown_scheme"},
      {"$2b$05$short", "password_hash.malformed"},
      {"$2b$03$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS", "password_hash.malformed"},
      {"$2b$19$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS", "password_hash.too_costly"},
      {"$6$9ATirduo6G1UqGkd$tooshort", "password_hash.malformed"},
      {"$6$rounds=99999999$y8VpZgAELVFT9.fU$cPdH6R7v5uDt8iwMne2DB2c1RTzvZMaKgGseay572fuCMkGDQEwfdWS"
       "0BRyPyIdMXUMlBkfz3YL4oRNEvdwoR.",
       "password_hash.too_costly"},
      {"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$!!", "password_hash.malformed"},
      {"pbkdf2_sha256$0$salt$6pyioVXdth5EmUCU0LlAhEqs3ZfSoPxAFu5ZVsNdYlA=",
       "password_hash.malformed"},
      {"pbkdf2_sha256$1000$salt$c2hvcnQ=", "password_hash.malformed"},  // 5 bytes, not 32
      {"pbkdf2_sha256$20000000$salt$6pyioVXdth5EmUCU0LlAhEqs3ZfSoPxAFu5ZVsNdYlA=",
       "password_hash.too_costly"},
      {"pbkdf2_sha256$1000$jahbHLsxN9ym", "password_hash.malformed"},
      {"$pbkdf2-sha256$1000$wLj3PkeodW5tjXHuXau1lg$***", "password_hash.malformed"},
      {"$scrypt$ln=25,r=8,p=1$OGfMGUOIUeod4zxnLEVozQ$IDCdZncl19VXNR5cHlb2Mmhh0Rej4eROeBCDVieNff8",
       "password_hash.too_costly"},
      {"$scrypt$ln=10,r=8$OGfMGUOIUeod4zxnLEVozQ$IDCdZncl19VXNR5cHlb2Mmhh0Rej4eROeBCDVieNff8",
       "password_hash.malformed"},
      {"$argon2id$v=19$m=2097152,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
       "password_hash.too_costly"},
      {"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ", "password_hash.malformed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.hash);
    absl::StatusOr<std::string> got = CanonicalImportedHash(c.hash, "rows[3].password_hash");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(got.status()), c.reason);
    EXPECT_EQ(ErrorField(got.status()), "rows[3].password_hash");
    // The message names the field and never echoes the hash.
    if (std::string(c.hash).size() > 8) {
      EXPECT_EQ(got.status().message().find(c.hash), absl::string_view::npos);
    }
    EXPECT_FALSE(VerifyImportedHash(c.hash, kPassword));
  }
}

TEST(ImportedHash, APasswordWithANulByteNeverMatchesACryptHash) {
  EXPECT_FALSE(VerifyImportedHash("$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS",
                                  absl::string_view("Tr0ub4dor&3\0x", 13)));
}

}  // namespace
}  // namespace iam
