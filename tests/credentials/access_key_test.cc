// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Access key pairs in each provider's format (seed 000: "Download the
// generated key"): Alibaba LTAI + 20 alphanumerics / 30; Tencent AKID + 32 /
// 32; AWS AKIA + 16 of [A-Z2-7] / 40; Huawei 20 upper-case alphanumerics / 40.
#include "iam/access_key.h"

#include <re2/re2.h>

#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "test_util.h"

namespace iam {
namespace {

using ::iam::testing::ProfileNamed;

struct Case {
  const char* name;
  const AccessKeyFormat* format;
  const char* id_regex;  // spelled out here, independent of the tables
  const char* secret_regex;
};

std::vector<Case> Cases() {
  return {
      {"alibaba", &ProfileNamed("alibaba").access_key, "LTAI[A-Za-z0-9]{20}", "[A-Za-z0-9]{30}"},
      {"tencent", &ProfileNamed("tencent").access_key, "AKID[A-Za-z0-9]{32}", "[A-Za-z0-9]{32}"},
      {"aws", &AwsAccessKeyFormat(), "AKIA[A-Z2-7]{16}", "[A-Za-z0-9+/]{40}"},
      {"huawei", &ProfileNamed("huawei").access_key, "[A-Z0-9]{20}", "[A-Za-z0-9]{40}"},
  };
}

TEST(AccessKey, FormatsOfEachProvider) {
  for (const Case& c : Cases()) {
    const RE2 id_re(c.id_regex);
    const RE2 secret_re(c.secret_regex);
    ASSERT_TRUE(id_re.ok() && secret_re.ok());
    for (int i = 0; i < 200; ++i) {
      const AccessKey key = GenerateAccessKey(*c.format);
      EXPECT_TRUE(RE2::FullMatch(key.id, id_re)) << c.name << ": " << key.id;
      EXPECT_TRUE(RE2::FullMatch(key.secret.Reveal(), secret_re)) << c.name;
      EXPECT_TRUE(MatchesFormat(c.format->id, key.id)) << c.name;
      EXPECT_TRUE(MatchesFormat(c.format->secret, key.secret.view())) << c.name;
    }
  }
}

TEST(AccessKey, Lengths) {
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("alibaba").access_key).id.size(), 24u);
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("alibaba").access_key).secret.size(), 30u);
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("tencent").access_key).id.size(), 36u);
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("tencent").access_key).secret.size(), 32u);
  EXPECT_EQ(GenerateAccessKey(AwsAccessKeyFormat()).id.size(), 20u);
  EXPECT_EQ(GenerateAccessKey(AwsAccessKeyFormat()).secret.size(), 40u);
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("huawei").access_key).id.size(), 20u);
  EXPECT_EQ(GenerateAccessKey(ProfileNamed("huawei").access_key).secret.size(), 40u);
  // NIST uses the AWS-style format.
  EXPECT_EQ(ProfileNamed("nist").access_key.id.prefix, "AKIA");
}

TEST(AccessKey, Distinct) {
  for (const Case& c : Cases()) {
    absl::flat_hash_set<std::string> ids;
    absl::flat_hash_set<std::string> secrets;
    for (int i = 0; i < 2000; ++i) {
      const AccessKey key = GenerateAccessKey(*c.format);
      EXPECT_TRUE(ids.insert(key.id).second) << c.name;
      EXPECT_TRUE(secrets.insert(key.secret.Reveal()).second) << c.name;
      EXPECT_NE(key.id, key.secret.view());
    }
  }
}

TEST(AccessKey, DeterministicSource) {
  const AccessKeyFormat& format = ProfileNamed("tencent").access_key;
  auto a = NewDeterministicRandom(5);
  auto b = NewDeterministicRandom(5);
  const AccessKey ka = GenerateAccessKey(format, a.get());
  const AccessKey kb = GenerateAccessKey(format, b.get());
  EXPECT_EQ(ka.id, kb.id);
  EXPECT_EQ(ka.secret.view(), kb.secret.view());
  // The secret is not derived from the same bytes as the id.
  EXPECT_NE(ka.id.substr(4), ka.secret.view());
  const AccessKey next = GenerateAccessKey(format, a.get());
  EXPECT_NE(next.id, ka.id);
}

TEST(MatchesFormat, RejectsWrongPrefixLengthAndAlphabet) {
  const IdFormat& alibaba = ProfileNamed("alibaba").access_key.id;
  EXPECT_TRUE(MatchesFormat(alibaba, "LTAI" + std::string(20, 'a')));
  EXPECT_TRUE(MatchesFormat(alibaba, "LTAI5tAbCdEfGhIjKlMnOpQr"));
  EXPECT_FALSE(MatchesFormat(alibaba, "LTAI" + std::string(19, 'a')));
  EXPECT_FALSE(MatchesFormat(alibaba, "LTAI" + std::string(21, 'a')));
  EXPECT_FALSE(MatchesFormat(alibaba, "LTAX" + std::string(20, 'a')));
  EXPECT_FALSE(MatchesFormat(alibaba, "ltai" + std::string(20, 'a')));
  EXPECT_FALSE(MatchesFormat(alibaba, "LTAI" + std::string(19, 'a') + "-"));
  EXPECT_FALSE(MatchesFormat(alibaba, "LTAI" + std::string(19, 'a') + std::string(1, '\0')));
  EXPECT_FALSE(MatchesFormat(alibaba, ""));

  const IdFormat& aws = AwsAccessKeyFormat().id;
  EXPECT_TRUE(MatchesFormat(aws, "AKIAIOSFODNN7EXAMPLE"));
  EXPECT_FALSE(MatchesFormat(aws, "AKIAIOSFODNN8EXAMPLE"));  // 8 is not base32
  EXPECT_FALSE(MatchesFormat(aws, "AKIAIOSFODNN1EXAMPLE"));  // nor 1
  EXPECT_FALSE(MatchesFormat(aws, "AKIAiOSFODNN7EXAMPLE"));  // lower case

  const IdFormat& huawei = ProfileNamed("huawei").access_key.id;
  EXPECT_TRUE(MatchesFormat(huawei, "HPUAL2KVCXZ0YCCQ9ZPM"));
  EXPECT_FALSE(MatchesFormat(huawei, "hpual2kvcxz0yccq9zpm"));
}

TEST(GenerateId, PrefixPlusAlphabet) {
  const IdFormat format{"ou_", "ab", 8};
  auto random = NewDeterministicRandom(3);
  bool saw_a = false;
  bool saw_b = false;
  for (int i = 0; i < 50; ++i) {
    const std::string id = GenerateId(format, random.get());
    ASSERT_EQ(id.size(), 11u);
    EXPECT_EQ(id.substr(0, 3), "ou_");
    EXPECT_TRUE(MatchesFormat(format, id));
    saw_a |= id.find('a', 3) != std::string::npos;
    saw_b |= id.find('b', 3) != std::string::npos;
  }
  EXPECT_TRUE(saw_a && saw_b);
}

}  // namespace
}  // namespace iam
