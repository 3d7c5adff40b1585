// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Secret: move-only, wiped when moved from, cleared or reassigned.
//
// Some tests look at a string's buffer after it was emptied, through data():
// the bytes stay inside the string's own storage (its capacity), so the reads
// are in bounds; they show that the old contents are gone, not just hidden.
#include "iam/secret.h"

#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace iam {
namespace {

static_assert(!std::is_copy_constructible_v<Secret>, "a Secret must not be copied by accident");
static_assert(!std::is_copy_assignable_v<Secret>, "a Secret must not be copied by accident");
static_assert(std::is_nothrow_move_constructible_v<Secret>);
static_assert(std::is_nothrow_move_assignable_v<Secret>);

// True when the first `n` bytes at `p` are all zero.
bool AllZero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != '\0') return false;
  }
  return true;
}

const char kLong[] = "a long secret that does not fit in small-string storage";
const char kShort[] = "hunter2";

TEST(Secret, HoldsTheValue) {
  const Secret s{absl::string_view(kLong)};
  EXPECT_EQ(s.view(), kLong);
  EXPECT_EQ(s.size(), sizeof kLong - 1);
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s.Reveal(), kLong);
  EXPECT_EQ(std::string(s.data(), s.size()), kLong);
  EXPECT_TRUE(Secret().empty());
  EXPECT_EQ(Secret().size(), 0u);
}

TEST(Secret, ConstructingFromAnRvalueWipesTheArgument) {
  std::string value = kLong;
  const char* buffer = value.data();
  const size_t n = value.size();
  const Secret s(std::move(value));
  EXPECT_EQ(s.view(), kLong);
  EXPECT_TRUE(value.empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  // The argument kept its buffer, now zeroed.
  ASSERT_EQ(value.data(), buffer);
  EXPECT_TRUE(AllZero(buffer, n));
  // The secret does not share the argument's buffer.
  EXPECT_NE(s.data(), buffer);
}

TEST(Secret, MoveConstructionWipesTheSource) {
  Secret source{absl::string_view(kShort)};
  Secret target(std::move(source));
  EXPECT_EQ(target.view(), kShort);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(source.size(), 0u);
  EXPECT_EQ(source.Reveal(), "");
  // A short secret lives inside the object; its old bytes are gone.
  EXPECT_TRUE(AllZero(source.data(), sizeof kShort - 1));

  Secret long_source{absl::string_view(kLong)};
  Secret long_target(std::move(long_source));
  EXPECT_EQ(long_target.view(), kLong);
  EXPECT_TRUE(long_source.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(Secret, MoveAssignmentWipesTheSource) {
  Secret source{absl::string_view(kShort)};
  Secret target{absl::string_view(kLong)};
  target = std::move(source);
  EXPECT_EQ(target.view(), kShort);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(AllZero(source.data(), sizeof kShort - 1));

  // Long into long.
  Secret a{absl::string_view(kLong)};
  Secret b{absl::string_view(std::string(kLong) + " (b)")};
  a = std::move(b);
  EXPECT_EQ(a.view(), std::string(kLong) + " (b)");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.Reveal(), "");
}

TEST(Secret, SelfMoveAssignmentKeepsTheValue) {
  Secret s{absl::string_view(kLong)};
  Secret& alias = s;
  s = std::move(alias);
  EXPECT_EQ(s.view(), kLong);
}

TEST(Secret, ClearWipesAndEmpties) {
  Secret s{absl::string_view(kLong)};
  const char* buffer = s.data();
  s.Clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.view(), "");
  // Clear keeps the buffer (a string's capacity does not shrink) and zeroes it.
  ASSERT_EQ(s.data(), buffer);
  EXPECT_TRUE(AllZero(buffer, sizeof kLong - 1));
  s.Clear();  // idempotent
  EXPECT_TRUE(s.empty());

  Secret short_secret{absl::string_view(kShort)};
  short_secret.Clear();
  EXPECT_TRUE(short_secret.empty());
  EXPECT_TRUE(AllZero(short_secret.data(), sizeof kShort - 1));
}

TEST(Secret, EmbeddedNulKept) {
  const Secret s{absl::string_view("a\0b", 3)};
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.Reveal(), std::string("a\0b", 3));
}

TEST(WipeString, ZeroesTheWholeBufferAndClears) {
  std::string s = kLong;
  s.resize(5);  // the tail past size() still holds old bytes
  const char* buffer = s.data();
  WipeString(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), buffer);
  EXPECT_TRUE(AllZero(buffer, sizeof kLong - 1));

  std::string empty;
  WipeString(empty);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace iam
