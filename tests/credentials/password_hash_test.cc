// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Argon2id hashing, rehash detection and the reuse rules. Every test uses
// Argon2Params::ForTests() except one, which makes a single OWASP hash.
#include "iam/password_hash.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/profile.h"
#include "test_util.h"

namespace iam {
namespace {

using ::iam::testing::MakeChecker;

std::string MustHash(const PasswordHasher& hasher, absl::string_view password) {
  absl::StatusOr<std::string> hash = hasher.Hash(password);
  if (!hash.ok()) {
    ADD_FAILURE() << hash.status();
    std::abort();
  }
  return *hash;
}

TEST(PasswordHasher, RoundTrip) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  const std::string hash = MustHash(hasher, "correct horse");
  EXPECT_TRUE(absl::StartsWith(hash, "$argon2id$v=19$")) << hash;
  EXPECT_TRUE(hasher.Verify(hash, "correct horse"));
  EXPECT_FALSE(hasher.Verify(hash, "correct horsf"));
  EXPECT_FALSE(hasher.Verify(hash, "Correct horse"));
  EXPECT_FALSE(hasher.Verify(hash, "correct horse "));
  EXPECT_FALSE(hasher.Verify(hash, ""));
  // The hash does not contain the password.
  EXPECT_FALSE(absl::StrContains(hash, "correct"));
}

TEST(PasswordHasher, SaltedEveryTime) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  const std::string a = MustHash(hasher, "same password");
  const std::string b = MustHash(hasher, "same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(hasher.Verify(a, "same password"));
  EXPECT_TRUE(hasher.Verify(b, "same password"));
}

TEST(PasswordHasher, EmbeddedNulAndUnicode) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  const std::string with_nul("ab\0cd", 5);
  const std::string hash = MustHash(hasher, with_nul);
  EXPECT_TRUE(hasher.Verify(hash, with_nul));
  EXPECT_FALSE(hasher.Verify(hash, "ab"));  // not truncated at the NUL
  EXPECT_FALSE(hasher.Verify(hash, std::string("ab\0ce", 5)));
  const std::string unicode = MustHash(hasher, "caf\xc3\xa9");
  EXPECT_TRUE(hasher.Verify(unicode, "caf\xc3\xa9"));
  EXPECT_FALSE(hasher.Verify(unicode, "cafe\xcc\x81"));  // hash the normalized form
}

TEST(PasswordHasher, VerifyRejectsMalformedStored) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  const std::string hash = MustHash(hasher, "pw");
  EXPECT_FALSE(hasher.Verify("", "pw"));
  EXPECT_FALSE(hasher.Verify("not a hash", "pw"));
  EXPECT_FALSE(hasher.Verify(hash.substr(0, hash.size() - 4), "pw"));
  EXPECT_FALSE(hasher.Verify(hash + std::string(200, 'A'), "pw"));
  // A string of NULs as long as a real hash.
  EXPECT_FALSE(hasher.Verify(std::string(hash.size(), '\0'), "pw"));
}

TEST(PasswordHasher, NeedsRehash) {
  const Argon2Params cheap = Argon2Params::ForTests();
  const PasswordHasher hasher(cheap);
  const std::string hash = MustHash(hasher, "pw");
  EXPECT_FALSE(hasher.NeedsRehash(hash));
  EXPECT_FALSE(PasswordHasher(cheap).NeedsRehash(hash));  // equal parameters

  Argon2Params more_passes = cheap;
  more_passes.ops_limit += 1;
  EXPECT_TRUE(PasswordHasher(more_passes).NeedsRehash(hash));
  Argon2Params more_memory = cheap;
  more_memory.mem_limit *= 2;
  EXPECT_TRUE(PasswordHasher(more_memory).NeedsRehash(hash));
  // And back: a hash made with more passes needs a rehash under the cheap one.
  const std::string stronger = MustHash(PasswordHasher(more_passes), "pw");
  EXPECT_TRUE(hasher.NeedsRehash(stronger));
  EXPECT_TRUE(hasher.Verify(stronger, "pw"));

  EXPECT_TRUE(hasher.NeedsRehash(""));
  EXPECT_TRUE(hasher.NeedsRehash("garbage"));
  EXPECT_TRUE(hasher.NeedsRehash(std::string(300, '$')));
  // Argon2i (not id) needs a rehash.
  EXPECT_TRUE(
      hasher.NeedsRehash("$argon2i$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                         "ZHVtbXloYXNoZHVtbXloYXNoZHVtbXloYXNoZHVtbXk"));
}

TEST(PasswordHasher, DummyHash) {
  const PasswordHasher hasher(Argon2Params::ForTests());
  const std::string& dummy = hasher.DummyHash();
  ASSERT_FALSE(dummy.empty());
  EXPECT_TRUE(absl::StartsWith(dummy, "$argon2id$")) << dummy;
  EXPECT_FALSE(hasher.NeedsRehash(dummy));
  EXPECT_FALSE(hasher.Verify(dummy, ""));
  EXPECT_FALSE(hasher.Verify(dummy, "password"));
  // Each hasher draws its own.
  EXPECT_NE(dummy, PasswordHasher(Argon2Params::ForTests()).DummyHash());
}

TEST(PasswordHasher, InvalidParams) {
  Argon2Params zero_passes = Argon2Params::ForTests();
  zero_passes.ops_limit = 0;
  absl::StatusOr<std::string> h1 = PasswordHasher(zero_passes).Hash("pw");
  ASSERT_FALSE(h1.ok());
  EXPECT_EQ(h1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(h1.status()), "argon2.invalid_params");

  Argon2Params tiny_memory = Argon2Params::ForTests();
  tiny_memory.mem_limit = 1024;
  absl::StatusOr<std::string> h2 = PasswordHasher(tiny_memory).Hash("pw");
  ASSERT_FALSE(h2.ok());
  EXPECT_EQ(h2.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PasswordHasher, OwaspDefaults) {
  // The one OWASP-cost hash of the suite: the default hasher's dummy hash.
  const Argon2Params owasp = Argon2Params::Owasp();
  EXPECT_EQ(owasp.ops_limit, 2u);
  EXPECT_EQ(owasp.mem_limit, 19u * 1024u * 1024u);
  const absl::Time start = absl::Now();
  const PasswordHasher hasher;
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(hasher.params().ops_limit, 2u);
  EXPECT_TRUE(absl::StartsWith(hasher.DummyHash(), "$argon2id$v=19$m=19456,t=2,p=1$"))
      << hasher.DummyHash();
  EXPECT_FALSE(hasher.NeedsRehash(hasher.DummyHash()));
  EXPECT_TRUE(PasswordHasher(Argon2Params::ForTests()).NeedsRehash(hasher.DummyHash()));
  EXPECT_LT(took, absl::Seconds(5));
}

// ----------------------------------------------------------------- reuse

class PasswordReuse : public ::testing::Test {
 protected:
  PasswordReuse() : hasher_(Argon2Params::ForTests()) {
    PasswordPolicy policy = FindProfile("huawei")->password;
    policy.history_count = 2;
    policy.min_age = absl::Hours(24);
    checker_ = MakeChecker(policy);
    // Newest first.
    history_ = {MustHash(hasher_, "Newest-1"), MustHash(hasher_, "Middle-2"),
                MustHash(hasher_, "Oldest-3")};
  }

  absl::Status Reuse(absl::string_view password, absl::Duration since_change) const {
    return CheckPasswordReuse(*checker_, hasher_, password, history_, now_ - since_change, now_);
  }

  PasswordHasher hasher_;
  std::shared_ptr<const PasswordChecker> checker_;
  std::vector<std::string> history_;
  const absl::Time now_ = absl::FromUnixSeconds(1750000000);
};

TEST_F(PasswordReuse, History) {
  const absl::Duration old_enough = absl::Hours(48);
  EXPECT_TRUE(Reuse("Brand-new-4", old_enough).ok());
  for (absl::string_view recent : {"Newest-1", "Middle-2"}) {
    const absl::Status s = Reuse(recent, old_enough);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << recent;
    EXPECT_EQ(ErrorReason(s), "password.reused") << recent;
    EXPECT_EQ(ErrorField(s), "password");
    EXPECT_FALSE(absl::StrContains(s.message(), recent));  // no secrets in errors
  }
  // Only the newest history_count hashes count.
  EXPECT_TRUE(Reuse("Oldest-3", old_enough).ok());
  // Comparison is exact.
  EXPECT_TRUE(Reuse("newest-1", old_enough).ok());
}

TEST_F(PasswordReuse, MinAge) {
  const absl::Status s = Reuse("Brand-new-4", absl::Hours(1));
  EXPECT_EQ(ErrorReason(s), "password.too_recent");
  EXPECT_EQ(ErrorField(s), "password");
  EXPECT_EQ(ErrorReason(Reuse("Brand-new-4", absl::Hours(24) - absl::Seconds(1))),
            "password.too_recent");
  EXPECT_TRUE(Reuse("Brand-new-4", absl::Hours(24)).ok());
  // The age rule is checked first.
  EXPECT_EQ(ErrorReason(Reuse("Newest-1", absl::Minutes(5))), "password.too_recent");
}

TEST_F(PasswordReuse, RulesOff) {
  PasswordPolicy policy = FindProfile("huawei")->password;  // history 0, min_age 0
  auto checker = MakeChecker(policy);
  EXPECT_TRUE(CheckPasswordReuse(*checker, hasher_, "Newest-1", history_, now_, now_).ok());
  policy.history_count = 5;  // more than the history holds
  checker = MakeChecker(policy);
  EXPECT_EQ(ErrorReason(CheckPasswordReuse(*checker, hasher_, "Oldest-3", history_, now_, now_)),
            "password.reused");
  EXPECT_TRUE(CheckPasswordReuse(*checker, hasher_, "Other-5", history_, now_, now_).ok());
  EXPECT_TRUE(CheckPasswordReuse(*checker, hasher_, "Other-5", {}, now_, now_).ok());
}

}  // namespace
}  // namespace iam
