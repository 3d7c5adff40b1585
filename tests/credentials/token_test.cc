// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// One-time tokens (seed 000: "a one-time login link through email"): 43
// URL-safe characters; only a keyed BLAKE2b hash (64 hex) is stored.
#include "iam/token.h"

#include <re2/re2.h>

#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/random.h"

namespace iam {
namespace {

const std::string kKey(32, 'k');

TokenHasher MakeHasher(const std::string& key = kKey) {
  absl::StatusOr<TokenHasher> hasher = TokenHasher::Create(key);
  if (!hasher.ok()) {
    ADD_FAILURE() << hasher.status();
    std::abort();
  }
  return *hasher;
}

TEST(NewToken, FortyThreeUrlSafeCharacters) {
  const RE2 re("[A-Za-z0-9_-]{43}");
  absl::flat_hash_set<std::string> seen;
  bool saw_dash = false;
  bool saw_underscore = false;
  for (int i = 0; i < 2000; ++i) {
    const Secret token = NewToken();
    ASSERT_EQ(token.size(), 43u);
    ASSERT_TRUE(RE2::FullMatch(token.Reveal(), re)) << token.view();
    ASSERT_TRUE(seen.insert(token.Reveal()).second);
    saw_dash |= token.view().find('-') != absl::string_view::npos;
    saw_underscore |= token.view().find('_') != absl::string_view::npos;
  }
  // URL-safe base64: '-' and '_' replace '+' and '/'.
  EXPECT_TRUE(saw_dash);
  EXPECT_TRUE(saw_underscore);
}

// A source whose first byte would encode '-' (0xF8 >> 2 == 62), then '_'.
class LeadingDashRandom : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t size) override {
    for (size_t i = 0; i < size; ++i) out[i] = calls_ == 0 ? 0xF8 : calls_ == 1 ? 0xFC : 0x00;
    ++calls_;
  }

 private:
  int calls_ = 0;
};

TEST(NewToken, NeverStartsLikeACommandLineOption) {
  LeadingDashRandom random;
  const Secret token = NewToken(&random);
  EXPECT_EQ(token.view().substr(0, 2), "AP") << token.view();  // 0x00, then 0xF8's low bits
  for (int i = 0; i < 4000; ++i) {
    const Secret drawn = NewToken();
    ASSERT_NE(drawn.view()[0], '-') << drawn.view();
    ASSERT_NE(drawn.view()[0], '_') << drawn.view();
  }
}

TEST(NewToken, DeterministicSource) {
  auto a = NewDeterministicRandom(8);
  auto b = NewDeterministicRandom(8);
  EXPECT_EQ(NewToken(a.get()).view(), NewToken(b.get()).view());
  EXPECT_NE(NewToken(a.get()).view(), NewToken(NewDeterministicRandom(9).get()).view());
}

TEST(TokenHasher, HashIs64LowercaseHex) {
  const TokenHasher hasher = MakeHasher();
  const Secret token = NewToken();
  const std::string hash = hasher.Hash(token.view());
  EXPECT_TRUE(RE2::FullMatch(hash, "[0-9a-f]{64}")) << hash;
  EXPECT_EQ(hasher.Hash(token.view()), hash);  // deterministic
  EXPECT_NE(hasher.Hash("other"), hash);
  EXPECT_EQ(hasher.Hash("").size(), 64u);
}

TEST(TokenHasher, Matches) {
  const TokenHasher hasher = MakeHasher();
  const Secret token = NewToken();
  const std::string stored = hasher.Hash(token.view());
  EXPECT_TRUE(hasher.Matches(stored, token.view()));
  EXPECT_FALSE(hasher.Matches(stored, NewToken().view()));
  EXPECT_FALSE(hasher.Matches(stored, token.view().substr(1)));
  EXPECT_FALSE(hasher.Matches(stored, ""));
  EXPECT_FALSE(hasher.Matches("", token.view()));
  EXPECT_FALSE(hasher.Matches(stored.substr(0, 63), token.view()));
  EXPECT_FALSE(hasher.Matches(stored + "0", token.view()));
  std::string flipped = stored;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_FALSE(hasher.Matches(flipped, token.view()));
}

TEST(TokenHasher, KeyedHash) {
  const TokenHasher a = MakeHasher(std::string(32, 'a'));
  const TokenHasher b = MakeHasher(std::string(32, 'b'));
  const std::string stored = a.Hash("token");
  EXPECT_NE(stored, b.Hash("token"));
  EXPECT_FALSE(b.Matches(stored, "token"));
  // A copy keeps the key.
  const TokenHasher copy = a;
  EXPECT_TRUE(copy.Matches(stored, "token"));
}

TEST(TokenHasher, WrongKeyLengthRejected) {
  for (size_t length : {0u, 16u, 31u, 33u, 64u}) {
    absl::StatusOr<TokenHasher> hasher = TokenHasher::Create(std::string(length, 'k'));
    ASSERT_FALSE(hasher.ok()) << length;
    EXPECT_EQ(hasher.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorField(hasher.status()), "token_key");
    EXPECT_EQ(ErrorReason(hasher.status()), "token_key.invalid_length");
  }
  EXPECT_TRUE(TokenHasher::Create(std::string(kTokenKeyBytes, '\0')).ok());
}

}  // namespace
}  // namespace iam
