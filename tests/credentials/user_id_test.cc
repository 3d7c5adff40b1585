// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// User ids (seed 004: Keystone's 32 lowercase hex "614d1d2fb86940faab8f350bf1b9dbac";
// seed 003: "user_" + 26 of [a-z2-7]; tencent: a 12-digit UIN) and request
// ids (seed 003: "0441BD79-92F3-53AA-8657-F8CE4A2B912A").
#include "iam/user_id.h"

#include <re2/re2.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/access_key.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "test_util.h"

namespace iam {
namespace {

using ::iam::testing::ProfileNamed;

TEST(NewUserId, FormatOfEachProfile) {
  struct Case {
    const char* profile;
    const char* regex;
  };
  for (const Case& c : {Case{"huawei", "[0-9a-f]{32}"}, Case{"alibaba", "user_[a-z2-7]{26}"},
                        Case{"tencent", "[0-9]{12}"}, Case{"nist", "[0-9a-f]{32}"}}) {
    const Profile& p = ProfileNamed(c.profile);
    const RE2 re(c.regex);
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
      const std::string id = NewUserId(p);
      ASSERT_TRUE(RE2::FullMatch(id, re)) << c.profile << ": " << id;
      ASSERT_TRUE(MatchesFormat(p.user_id, id)) << c.profile << ": " << id;
      ASSERT_TRUE(seen.insert(id).second) << c.profile << ": duplicate " << id;
    }
  }
}

TEST(NewUserId, SeedExamplesMatchTheFormats) {
  EXPECT_TRUE(MatchesFormat(ProfileNamed("huawei").user_id, "614d1d2fb86940faab8f350bf1b9dbac"));
  EXPECT_FALSE(MatchesFormat(ProfileNamed("huawei").user_id, "614D1D2FB86940FAAB8F350BF1B9DBAC"));
  // Seed 003's example, with its "xxxx" redaction replaced by base32 letters.
  EXPECT_TRUE(MatchesFormat(ProfileNamed("alibaba").user_id, "user_d6sbsuumeta4h66ec3il7yabcd"));
  EXPECT_FALSE(MatchesFormat(ProfileNamed("alibaba").user_id, "user_d6sbsuumeta4h66ec3il7y0189"));
  EXPECT_TRUE(MatchesFormat(ProfileNamed("tencent").user_id, "100000546533"));
}

TEST(NewUserId, TencentUinHasNoLeadingZero) {
  const Profile& p = ProfileNamed("tencent");
  for (int i = 0; i < 200; ++i) EXPECT_NE(NewUserId(p)[0], '0');
}

TEST(NewUserId, DeterministicSource) {
  const Profile& p = ProfileNamed("alibaba");
  auto a = NewDeterministicRandom(11);
  auto b = NewDeterministicRandom(11);
  EXPECT_EQ(NewUserId(p, a.get()), NewUserId(p, b.get()));
  EXPECT_NE(NewUserId(p, a.get()), NewUserId(p, NewDeterministicRandom(12).get()));
}

TEST(NewRequestId, UpperCaseUuidV4) {
  const RE2 re("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
  // The seed's example has this shape (its version nibble is 5, so only the shape).
  EXPECT_TRUE(RE2::FullMatch("0441BD79-92F3-53AA-8657-F8CE4A2B912A",
                             "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"));
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 36u);
    ASSERT_TRUE(RE2::FullMatch(id, re)) << id;
    ASSERT_TRUE(seen.insert(id).second) << id;
  }
}

// A source that always yields one byte value.
class ConstantRandom : public RandomSource {
 public:
  explicit ConstantRandom(uint8_t value) : value_(value) {}
  void Fill(uint8_t* out, size_t size) override {
    for (size_t i = 0; i < size; ++i) out[i] = value_;
  }

 private:
  uint8_t value_;
};

TEST(NewRequestId, VersionAndVariantBitsForced) {
  ConstantRandom ones(0xFF);
  EXPECT_EQ(NewRequestId(&ones), "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF");
  ConstantRandom zeros(0x00);
  EXPECT_EQ(NewRequestId(&zeros), "00000000-0000-4000-8000-000000000000");
}

}  // namespace
}  // namespace iam
