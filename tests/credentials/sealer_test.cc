// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "credentials/sealer.h"

#include <string>

#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam::internal {
namespace {

const std::string kOld(32, 'o');
const std::string kNew(32, 'n');

Sealer Make(std::map<std::string, std::string> keys, const std::string& current) {
  absl::StatusOr<Sealer> s = Sealer::Create(std::move(keys), current);
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

TEST(SealerTest, SealsUnderTheCurrentKeyAndOpensWithIt) {
  Sealer s = Make({{"k1", kOld}}, "k1");
  const std::string sealed = s.Seal("SK-secret", "AK1");
  EXPECT_EQ(sealed.rfind("k1:", 0), 0u);
  EXPECT_EQ(sealed.find("SK-secret"), std::string::npos);
  EXPECT_NE(s.Seal("SK-secret", "AK1"), sealed);  // a fresh nonce each time
  absl::StatusOr<Secret> opened = s.Open(sealed, "AK1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->view(), "SK-secret");
}

TEST(SealerTest, ContextIsBoundAndTamperingIsDetected) {
  Sealer s = Make({{"k1", kOld}}, "k1");
  std::string sealed = s.Seal("SK-secret", "AK1");
  EXPECT_EQ(ErrorReason(s.Open(sealed, "AK2").status()), "sealed.corrupt");
  sealed[sealed.size() - 3] = sealed[sealed.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorReason(s.Open(sealed, "AK1").status()), "sealed.corrupt");
  EXPECT_EQ(ErrorReason(s.Open("no-colon", "AK1").status()), "sealed.corrupt");
  EXPECT_EQ(ErrorReason(s.Open("k9:AAAA", "AK1").status()), "sealed.corrupt");
}

TEST(SealerTest, RotationOpensOldValuesAndSealsNewOnesUnderTheNewKey) {
  const std::string old_value = Make({{"k1", kOld}}, "k1").Seal("before", "ctx");
  Sealer rotated = Make({{"k1", kOld}, {"k2", kNew}}, "k2");
  absl::StatusOr<Secret> opened = rotated.Open(old_value, "ctx");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->view(), "before");
  EXPECT_EQ(rotated.Seal("after", "ctx").rfind("k2:", 0), 0u);
  EXPECT_FALSE(Make({{"k2", kNew}}, "k2").Open(old_value, "ctx").ok());
}

TEST(SealerTest, RefusesBadKeys) {
  EXPECT_EQ(ErrorReason(Sealer::Create({{"k1", "short"}}, "k1").status()), "host_key.invalid");
  EXPECT_EQ(ErrorReason(Sealer::Create({{"k:1", kOld}}, "k:1").status()), "host_key.invalid");
  EXPECT_EQ(ErrorReason(Sealer::Create({{"k1", kOld}}, "k2").status()), "host_key.unknown");
}

TEST(SealerTest, DerivedKeysDifferByPurposeAndByKey) {
  Sealer s = Make({{"k1", kOld}, {"k2", kNew}}, "k2");
  EXPECT_EQ(s.DeriveKey("tokens").size(), 32u);
  EXPECT_EQ(s.DeriveKey("tokens"), s.DeriveKey("tokens", "k2"));
  EXPECT_NE(s.DeriveKey("tokens", "k1"), s.DeriveKey("tokens", "k2"));
  EXPECT_NE(s.DeriveKey("tokens"), s.DeriveKey("fingerprints"));
}

TEST(KeyedHashTest, HashesCarryTheirKeyAndMatchAfterRotation) {
  Sealer before = Make({{"k1", kOld}}, "k1");
  absl::StatusOr<KeyedHash> old_hash = KeyedHash::Create(before, "tokens");
  ASSERT_TRUE(old_hash.ok());
  const std::string stored = old_hash->Hash("token-value");
  EXPECT_EQ(stored.rfind("k1:", 0), 0u);
  EXPECT_EQ(stored.size(), 3u + 64u);

  Sealer after = Make({{"k1", kOld}, {"k2", kNew}}, "k2");
  absl::StatusOr<KeyedHash> new_hash = KeyedHash::Create(after, "tokens");
  ASSERT_TRUE(new_hash.ok());
  EXPECT_EQ(new_hash->Hash("token-value").rfind("k2:", 0), 0u);
  EXPECT_TRUE(new_hash->Matches(stored, "token-value"));
  EXPECT_FALSE(new_hash->Matches(stored, "token-valuf"));
  const std::vector<std::string> candidates = new_hash->Candidates("token-value");
  EXPECT_EQ(candidates.front(), new_hash->Hash("token-value"));
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), stored), candidates.end());
  // Untagged hashes, written before tags, are found and matched too.
  const std::string untagged = stored.substr(3);
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), untagged), candidates.end());
  EXPECT_TRUE(new_hash->Matches(untagged, "token-value"));
  // Another purpose gives another hash; a forgotten key matches nothing.
  EXPECT_NE(KeyedHash::Create(after, "fingerprints")->Hash("token-value"),
            new_hash->Hash("token-value"));
  absl::StatusOr<KeyedHash> forgotten = KeyedHash::Create(Make({{"k2", kNew}}, "k2"), "tokens");
  EXPECT_FALSE(forgotten->Matches(stored, "token-value"));
}

}  // namespace
}  // namespace iam::internal
