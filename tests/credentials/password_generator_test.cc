// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Generated passwords (seed 000: "randomly generates a 10-character
// password"; tencent: 32 characters of all four classes) always satisfy the
// policy that generated them and are never on the blocklist.
#include "iam/password_generator.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/blocklist.h"
#include "iam/error.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "test_util.h"

namespace iam {
namespace {

using ::iam::testing::MakeChecker;
using ::iam::testing::ProfileNamed;

uint8_t ClassesOf(const PasswordChecker& checker, absl::string_view s) {
  uint8_t mask = 0;
  for (unsigned char c : s) mask |= checker.ClassOf(c);
  return mask;
}

TEST(GeneratePassword, HuaweiTenThousandValidAndDistinct) {
  const Profile& p = ProfileNamed("huawei");
  auto checker = MakeChecker(p.password);
  absl::flat_hash_set<std::string> seen;
  seen.reserve(10000);
  for (int i = 0; i < 10000; ++i) {
    absl::StatusOr<Secret> pw = GeneratePassword(p, *checker);
    ASSERT_TRUE(pw.ok()) << pw.status();
    ASSERT_EQ(pw->size(), 10u);
    ASSERT_TRUE(checker->IsValid(pw->view(), {})) << i;
    // Only letters, digits and the profile's generator specials.
    for (char c : pw->view()) {
      ASSERT_TRUE(absl::string_view(kAlnum).find(c) != absl::string_view::npos ||
                  p.generator_specials.find(c) != absl::string_view::npos)
          << c;
    }
    ASSERT_TRUE(seen.insert(pw->Reveal()).second) << "duplicate at " << i;
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(GeneratePassword, DefaultLengths) {
  struct Case {
    const char* profile;
    size_t length;
  };
  for (const Case& c :
       {Case{"huawei", 10}, Case{"tencent", 32}, Case{"alibaba", 12}, Case{"nist", 16}}) {
    const Profile& p = ProfileNamed(c.profile);
    auto checker = MakeChecker(p.password);
    for (int i = 0; i < 50; ++i) {
      absl::StatusOr<Secret> pw = GeneratePassword(p, *checker);
      ASSERT_TRUE(pw.ok()) << c.profile << ": " << pw.status();
      EXPECT_EQ(pw->size(), c.length) << c.profile;
      EXPECT_TRUE(checker->IsValid(pw->view(), {})) << c.profile;
    }
  }
}

TEST(GeneratePassword, TencentHasAllFourClasses) {
  const Profile& p = ProfileNamed("tencent");
  auto checker = MakeChecker(p.password);
  for (int i = 0; i < 500; ++i) {
    absl::StatusOr<Secret> pw = GeneratePassword(p, *checker);
    ASSERT_TRUE(pw.ok()) << pw.status();
    ASSERT_EQ(pw->size(), 32u);
    EXPECT_EQ(ClassesOf(*checker, pw->view()),
              kClassUpper | kClassLower | kClassDigit | kClassSpecial)
        << pw->view();
  }
}

TEST(GeneratePassword, ExplicitLengthWithinPolicy) {
  const Profile& p = ProfileNamed("huawei");
  auto checker = MakeChecker(p.password);
  for (int length : {6, 7, 20, 31, 32}) {
    GenerateOptions options;
    options.length = length;
    absl::StatusOr<Secret> pw = GeneratePassword(p, *checker, options);
    ASSERT_TRUE(pw.ok()) << length << ": " << pw.status();
    EXPECT_EQ(pw->size(), static_cast<size_t>(length));
    EXPECT_TRUE(checker->IsValid(pw->view(), {}));
  }
}

TEST(GeneratePassword, LengthOutsidePolicyRejected) {
  const Profile& p = ProfileNamed("huawei");
  auto checker = MakeChecker(p.password);
  for (int length : {1, 5, 33, 100, -1, -10}) {
    GenerateOptions options;
    options.length = length;
    absl::StatusOr<Secret> pw = GeneratePassword(p, *checker, options);
    ASSERT_FALSE(pw.ok()) << length;
    EXPECT_EQ(pw.status().code(), absl::StatusCode::kInvalidArgument) << length;
    EXPECT_EQ(ErrorField(pw.status()), "length") << length;
  }
  // NIST: 15 single-factor, 8 with a second factor.
  const Profile& nist = ProfileNamed("nist");
  auto single = MakeChecker(nist.password);
  GenerateOptions options;
  options.length = 14;
  EXPECT_FALSE(GeneratePassword(nist, *single, options).ok());
  options.length = 8;
  EXPECT_FALSE(GeneratePassword(nist, *single, options).ok());
  PasswordPolicy mfa = nist.password;
  mfa.second_factor = true;
  EXPECT_TRUE(GeneratePassword(nist, *MakeChecker(mfa), options).ok());
}

TEST(GeneratePassword, DefaultLengthFollowsATenantPolicy) {
  // A tenant's Account Settings may tighten the bounds; a caller who asks for
  // the default length gets a password the policy accepts, not an error about
  // a length it never gave.
  const Profile& p = ProfileNamed("huawei");
  PasswordPolicy longer = p.password;
  longer.min_length = 14;
  auto long_checker = MakeChecker(longer);
  absl::StatusOr<Secret> pw = GeneratePassword(p, *long_checker);
  ASSERT_TRUE(pw.ok()) << pw.status();
  EXPECT_EQ(pw->size(), 14u);
  EXPECT_TRUE(long_checker->IsValid(pw->view(), {}));

  PasswordPolicy shorter = p.password;
  shorter.max_length = 8;
  auto short_checker = MakeChecker(shorter);
  pw = GeneratePassword(p, *short_checker);
  ASSERT_TRUE(pw.ok()) << pw.status();
  EXPECT_EQ(pw->size(), 8u);
  EXPECT_TRUE(short_checker->IsValid(pw->view(), {}));

  // An explicit length is still held to the bounds.
  GenerateOptions options;
  options.length = 10;
  EXPECT_EQ(ErrorField(GeneratePassword(p, *long_checker, options).status()), "length");
}

TEST(GeneratePassword, LengthTooShortForRequiredClasses) {
  const Profile& p = ProfileNamed("huawei");
  PasswordPolicy policy = p.password;
  policy.min_length = 1;
  policy.required_classes = kClassUpper | kClassLower | kClassDigit;
  auto checker = MakeChecker(policy);
  GenerateOptions options;
  options.length = 2;
  absl::StatusOr<Secret> pw = GeneratePassword(p, *checker, options);
  ASSERT_FALSE(pw.ok());
  EXPECT_EQ(ErrorField(pw.status()), "length");
  options.length = 3;
  EXPECT_TRUE(GeneratePassword(p, *checker, options).ok());
}

TEST(GeneratePassword, UnsatisfiablePolicy) {
  // NIST's generator draws no specials, so a policy requiring one cannot be met.
  const Profile& nist = ProfileNamed("nist");
  PasswordPolicy policy = nist.password;
  policy.required_classes = kClassSpecial;
  absl::StatusOr<Secret> pw = GeneratePassword(nist, *MakeChecker(policy));
  ASSERT_FALSE(pw.ok());
  EXPECT_EQ(pw.status().code(), absl::StatusCode::kFailedPrecondition);

  // A custom pattern no drawn password can match.
  const Profile& huawei = ProfileNamed("huawei");
  PasswordPolicy never = huawei.password;
  never.custom_pattern = "\\\\+";
  absl::StatusOr<Secret> none = GeneratePassword(huawei, *MakeChecker(never));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(GeneratePassword, DeterministicRandomIsReproducible) {
  const Profile& p = ProfileNamed("huawei");
  auto checker = MakeChecker(p.password);
  auto a = NewDeterministicRandom(1234);
  auto b = NewDeterministicRandom(1234);
  auto c = NewDeterministicRandom(1235);
  GenerateOptions oa, ob, oc;
  oa.random = a.get();
  ob.random = b.get();
  oc.random = c.get();
  std::vector<std::string> from_a, from_b, from_c;
  for (int i = 0; i < 20; ++i) {
    from_a.push_back(GeneratePassword(p, *checker, oa)->Reveal());
    from_b.push_back(GeneratePassword(p, *checker, ob)->Reveal());
    from_c.push_back(GeneratePassword(p, *checker, oc)->Reveal());
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_c);
  // Successive draws from one source differ.
  EXPECT_NE(from_a[0], from_a[1]);
}

TEST(GeneratePassword, NeverOnTheBlocklist) {
  // Replay a deterministic source: the first password it yields is put on the
  // blocklist (in another case), so the replay must skip it.
  const Profile& p = ProfileNamed("huawei");
  auto plain = MakeChecker(p.password);
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    auto first_source = NewDeterministicRandom(seed);
    GenerateOptions options;
    options.random = first_source.get();
    absl::StatusOr<Secret> first = GeneratePassword(p, *plain, options);
    ASSERT_TRUE(first.ok());

    std::string upper = first->Reveal();
    for (char& ch : upper) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    }
    PasswordPolicy policy = p.password;
    policy.blocklist = Blocklist::FromEntries({upper});
    auto blocking = MakeChecker(policy);
    ASSERT_FALSE(blocking->IsValid(first->view(), {}));

    auto replay = NewDeterministicRandom(seed);
    options.random = replay.get();
    absl::StatusOr<Secret> second = GeneratePassword(p, *blocking, options);
    ASSERT_TRUE(second.ok());
    EXPECT_NE(second->view(), first->view()) << "seed " << seed;
    EXPECT_FALSE(policy.blocklist->Contains(second->view()));
    EXPECT_TRUE(blocking->IsValid(second->view(), {}));
  }
}

TEST(GeneratePassword, BlocklistHeavyPolicy) {
  // Block the first 2000 six-character passwords a seeded source yields, then
  // replay the same source: its early candidates are all on the blocklist and
  // none may come out.
  const Profile& p = ProfileNamed("huawei");
  auto random = NewDeterministicRandom(99);
  auto plain = MakeChecker(p.password);
  std::vector<std::string> blocked;
  GenerateOptions options;
  options.length = 6;
  options.random = random.get();
  for (int i = 0; i < 2000; ++i) blocked.push_back(GeneratePassword(p, *plain, options)->Reveal());
  PasswordPolicy policy = p.password;
  policy.blocklist = Blocklist::FromEntries(blocked);
  auto checker = MakeChecker(policy);
  auto replay = NewDeterministicRandom(99);
  options.random = replay.get();
  for (int i = 0; i < 2000; ++i) {
    absl::StatusOr<Secret> pw = GeneratePassword(p, *checker, options);
    ASSERT_TRUE(pw.ok());
    ASSERT_FALSE(policy.blocklist->Contains(pw->view())) << pw->view();
  }
}

TEST(GeneratePassword, NeverTheUsername) {
  // Replay a deterministic source with the first password as the username.
  const Profile& p = ProfileNamed("huawei");
  auto checker = MakeChecker(p.password);
  for (uint64_t seed = 100; seed < 120; ++seed) {
    auto source = NewDeterministicRandom(seed);
    GenerateOptions options;
    options.random = source.get();
    const std::string first = GeneratePassword(p, *checker, options)->Reveal();

    auto replay = NewDeterministicRandom(seed);
    options.random = replay.get();
    options.context.username = first;
    absl::StatusOr<Secret> second = GeneratePassword(p, *checker, options);
    ASSERT_TRUE(second.ok());
    EXPECT_NE(second->view(), first);
    EXPECT_TRUE(checker->IsValid(second->view(), options.context));
  }
}

}  // namespace
}  // namespace iam
