// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Password rules: huawei (seeds 000 and 004: 6-32 characters, two of four
// classes, the listed specials and space, not the username or its reversal,
// not containing the mobile number or email), tencent (all four classes),
// nist (15 single-factor / 8 with MFA, 64 accepted, code points, NFKC), and
// the tenant knobs (max_repeat, blocklist, custom pattern).
#include "iam/password_policy.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
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

// Huawei's special characters, exactly as seed 000 lists them, plus space.
constexpr absl::string_view kHuaweiSeedSpecials = "!\"#$%&'()*+,-./:;<=>?@[]^`{_|}~ ";

// A string of every byte of a literal, embedded NULs included.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::shared_ptr<const PasswordChecker> CheckerFor(absl::string_view profile) {
  return MakeChecker(ProfileNamed(profile).password);
}

std::vector<std::string> Reasons(const Violations& v) {
  std::vector<std::string> out;
  for (const Violation& each : v) out.push_back(each.reason);
  return out;
}

bool HasReason(const Violations& v, absl::string_view reason) {
  for (const Violation& each : v) {
    if (each.reason == reason) return true;
  }
  return false;
}

// Checks `password` and asserts IsValid(), Validate() and Check() agree.
Violations CheckAll(const PasswordChecker& checker, absl::string_view password,
                    const PasswordContext& context = {}) {
  Violations v = checker.Check(password, context);
  EXPECT_EQ(checker.IsValid(password, context), v.empty()) << "password=\"" << password << "\"";
  const absl::Status s = checker.Validate(password, context);
  EXPECT_EQ(s.ok(), v.empty());
  if (!v.empty()) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorReason(s), v[0].reason);
    EXPECT_EQ(ErrorField(s), "password");
  }
  return v;
}

// --------------------------------------------------------- huawei length

TEST(HuaweiPassword, LengthBoundaries) {
  auto checker = CheckerFor("huawei");
  EXPECT_EQ(Reasons(CheckAll(*checker, "Abc12")), std::vector<std::string>{"password.too_short"});
  EXPECT_TRUE(CheckAll(*checker, "Abc123").empty());
  EXPECT_TRUE(CheckAll(*checker, "A" + std::string(31, 'b')).empty());  // 32
  EXPECT_EQ(Reasons(CheckAll(*checker, "A" + std::string(32, 'b'))),    // 33
            std::vector<std::string>{"password.too_long"});
  EXPECT_EQ(checker->effective_min_length(), 6);
  EXPECT_TRUE(HasReason(CheckAll(*checker, ""), "password.too_short"));
}

TEST(HuaweiPassword, TwoClassesRequired) {
  auto checker = CheckerFor("huawei");
  // One class each: rejected.
  for (absl::string_view one : {"abcdefgh", "ABCDEFGH", "12345678", "!@#$%^&*", "        "}) {
    EXPECT_EQ(Reasons(CheckAll(*checker, one)),
              std::vector<std::string>{"password.too_few_classes"})
        << one;
  }
  // Each pair of classes: accepted.
  for (absl::string_view two : {"abcdeF", "abcde1", "abcde!", "ABCDE1", "ABCDE!", "12345!",
                                "abcde ", "ABCDE ", "12345 ", "abc def"}) {
    EXPECT_TRUE(CheckAll(*checker, two).empty()) << two;
  }
}

TEST(HuaweiPassword, EverySeedSpecialCharacterCountsAsSpecial) {
  auto checker = CheckerFor("huawei");
  ASSERT_EQ(kHuaweiSeedSpecials.size(), 32u);  // 31 punctuation characters and space
  for (char c : kHuaweiSeedSpecials) {
    EXPECT_EQ(checker->ClassOf(static_cast<unsigned char>(c)), kClassSpecial) << c;
    const std::string password = std::string("abcde") + c;  // lower + special
    EXPECT_TRUE(CheckAll(*checker, password).empty()) << "special '" << c << "'";
    const std::string only = std::string(6, c);  // special only: one class
    EXPECT_EQ(Reasons(CheckAll(*checker, only)),
              std::vector<std::string>{"password.too_few_classes"})
        << "special '" << c << "'";
  }
}

TEST(HuaweiPassword, ClassTable) {
  auto checker = CheckerFor("huawei");
  EXPECT_EQ(checker->ClassOf('A'), kClassUpper);
  EXPECT_EQ(checker->ClassOf('Z'), kClassUpper);
  EXPECT_EQ(checker->ClassOf('a'), kClassLower);
  EXPECT_EQ(checker->ClassOf('z'), kClassLower);
  EXPECT_EQ(checker->ClassOf('0'), kClassDigit);
  EXPECT_EQ(checker->ClassOf('9'), kClassDigit);
  EXPECT_EQ(checker->ClassOf('\\'), 0);
  EXPECT_EQ(checker->ClassOf('\t'), 0);
  EXPECT_EQ(checker->ClassOf(0), 0);
  EXPECT_EQ(checker->ClassOf(0x80), 0);
}

TEST(HuaweiPassword, BackslashIsNotInTheSeedList) {
  auto checker = CheckerFor("huawei");
  EXPECT_EQ(Reasons(CheckAll(*checker, "abc1\\de")),
            std::vector<std::string>{"password.invalid_character"});
  // A backslash does not count as the second class either.
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcde\\")),
            (std::vector<std::string>{"password.invalid_character", "password.too_few_classes"}));
}

TEST(HuaweiPassword, OtherInvalidCharacters) {
  auto checker = CheckerFor("huawei");
  const std::vector<std::string> bad = {"abc1\tde", "abc1\nde", "abc1\x7f", "abc1d\xc3\xa9",
                                        Bytes("abc1\0de")};
  for (const std::string& each : bad) {
    EXPECT_TRUE(HasReason(CheckAll(*checker, each), "password.invalid_character"));
  }
}

// ---------------------------------------------------- username / contacts

TEST(HuaweiPassword, UsernameAndReversalFromSeed) {
  auto checker = CheckerFor("huawei");
  const PasswordContext ctx{"A12345", "", ""};
  EXPECT_EQ(Reasons(CheckAll(*checker, "A12345", ctx)),
            std::vector<std::string>{"password.equals_username"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "a12345", ctx)),
            std::vector<std::string>{"password.equals_username"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "54321A", ctx)),
            std::vector<std::string>{"password.reversed_username"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "54321a", ctx)),
            std::vector<std::string>{"password.reversed_username"});
  // Not the username nor its reversal.
  EXPECT_TRUE(CheckAll(*checker, "A123456", ctx).empty());
  EXPECT_TRUE(CheckAll(*checker, "A12354", ctx).empty());
  EXPECT_TRUE(CheckAll(*checker, "12345A", ctx).empty());
  // Without a known username, the same password is fine.
  EXPECT_TRUE(CheckAll(*checker, "A12345").empty());
}

TEST(HuaweiPassword, UsernameRuleCanBeTurnedOff) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.forbid_username = false;
  auto checker = MakeChecker(policy);
  EXPECT_TRUE(CheckAll(*checker, "A12345", {"A12345", "", ""}).empty());
  EXPECT_TRUE(CheckAll(*checker, "54321a", {"A12345", "", ""}).empty());
}

TEST(HuaweiPassword, ContainsEmailCaseInsensitive) {
  auto checker = CheckerFor("huawei");
  const PasswordContext ctx{"", "Bob@Example.com", ""};
  EXPECT_EQ(Reasons(CheckAll(*checker, "x1bob@example.com", ctx)),
            std::vector<std::string>{"password.contains_email"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "BOB@EXAMPLE.COM!", ctx)),
            std::vector<std::string>{"password.contains_email"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "Bob@Example.com", ctx)),
            std::vector<std::string>{"password.contains_email"});
  // Part of the address is not the address.
  EXPECT_TRUE(CheckAll(*checker, "bob@example1", ctx).empty());
  EXPECT_TRUE(CheckAll(*checker, "Example.com1", ctx).empty());
}

TEST(HuaweiPassword, ContainsMobileNumber) {
  auto checker = CheckerFor("huawei");
  const PasswordContext ctx{"", "", "13800138000"};
  EXPECT_EQ(Reasons(CheckAll(*checker, "ab13800138000", ctx)),
            std::vector<std::string>{"password.contains_phone"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "13800138000x", ctx)),
            std::vector<std::string>{"password.contains_phone"});
  EXPECT_TRUE(CheckAll(*checker, "ab1380013800", ctx).empty());  // one digit short
  EXPECT_TRUE(CheckAll(*checker, "1380x0138000", ctx).empty());
}

TEST(HuaweiPassword, ContactRuleCanBeTurnedOff) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.forbid_contact = false;
  auto checker = MakeChecker(policy);
  const PasswordContext ctx{"", "bob@example.com", "13800138000"};
  EXPECT_TRUE(CheckAll(*checker, "x1bob@example.com", ctx).empty());
  EXPECT_TRUE(CheckAll(*checker, "ab13800138000", ctx).empty());
}

// ------------------------------------------------------------ tenant knobs

TEST(PasswordPolicyKnobs, MaxRepeat) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.max_repeat = 3;
  auto checker = MakeChecker(policy);
  EXPECT_TRUE(CheckAll(*checker, "aaab12").empty());
  EXPECT_TRUE(CheckAll(*checker, "aaa1aaa").empty());
  EXPECT_EQ(Reasons(CheckAll(*checker, "aaaab1")),
            std::vector<std::string>{"password.too_many_repeats"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "ab11111")),
            std::vector<std::string>{"password.too_many_repeats"});
  // 0 = unlimited.
  EXPECT_TRUE(CheckAll(*CheckerFor("huawei"), "aaaaaaaaaa1").empty());
}

TEST(PasswordPolicyKnobs, BlocklistCaseInsensitive) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.blocklist = Blocklist::FromEntries({"Password1", "qwerty123", "iloveyou!"});
  auto checker = MakeChecker(policy);
  for (absl::string_view blocked :
       {"Password1", "password1", "PASSWORD1", "pAsSwOrD1", "QWERTY123", "ILoveYou!"}) {
    EXPECT_EQ(Reasons(CheckAll(*checker, blocked)),
              std::vector<std::string>{"password.blocklisted"})
        << blocked;
  }
  EXPECT_TRUE(CheckAll(*checker, "Password12").empty());
  EXPECT_TRUE(CheckAll(*checker, "assword1").empty());
  EXPECT_TRUE(CheckAll(*checker, "qwerty1234").empty());
}

TEST(PasswordPolicyKnobs, CustomPatternWithDescription) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.custom_pattern = ".*[0-9]{2}.*";
  policy.custom_pattern_description = "must contain two digits in a row";
  auto checker = MakeChecker(policy);
  EXPECT_TRUE(CheckAll(*checker, "abc12de").empty());
  const Violations v = CheckAll(*checker, "abc1de2");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].reason, "password.pattern_mismatch");
  EXPECT_EQ(v[0].message, "must contain two digits in a row");
  EXPECT_EQ(v[0].field, "password");
}

TEST(PasswordPolicyKnobs, CustomPatternMustMatchWholePassword) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.custom_pattern = "[a-z]+[0-9]";
  auto checker = MakeChecker(policy);
  EXPECT_TRUE(CheckAll(*checker, "abcdef1").empty());
  // A partial match is not enough.
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcdef1X")),
            std::vector<std::string>{"password.pattern_mismatch"});
  // Without a description, a generic sentence is used.
  EXPECT_FALSE(CheckAll(*checker, "abcdef1X")[0].message.empty());
}

TEST(PasswordPolicyKnobs, InvalidCustomPatternRejectedAtCreate) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.custom_pattern = "([a-z]+";
  auto checker = PasswordChecker::Create(policy);
  ASSERT_FALSE(checker.ok());
  EXPECT_EQ(checker.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(checker.status()), "password_policy.custom_pattern");
  EXPECT_EQ(ErrorReason(checker.status()), "password_policy.invalid");
}

TEST(PasswordPolicyKnobs, InvalidPolicyBoundsRejected) {
  const PasswordPolicy base = ProfileNamed("huawei").password;
  struct Case {
    const char* field;
    void (*mutate)(PasswordPolicy&);
  };
  const Case cases[] = {
      {"password_policy.min_length", [](PasswordPolicy& p) { p.min_length = 0; }},
      {"password_policy.max_length", [](PasswordPolicy& p) { p.max_length = 5; }},
      {"password_policy.max_length", [](PasswordPolicy& p) { p.max_length = 5000; }},
      {"password_policy.mfa_min_length", [](PasswordPolicy& p) { p.mfa_min_length = -1; }},
      {"password_policy.min_classes", [](PasswordPolicy& p) { p.min_classes = 5; }},
      {"password_policy.required_classes", [](PasswordPolicy& p) { p.required_classes = 0x10; }},
      {"password_policy.special_chars", [](PasswordPolicy& p) { p.special_chars = "!a"; }},
      {"password_policy.special_chars", [](PasswordPolicy& p) { p.special_chars = "!\t"; }},
      {"password_policy.max_repeat", [](PasswordPolicy& p) { p.max_repeat = -1; }},
      {"password_policy.history_count", [](PasswordPolicy& p) { p.history_count = 65; }},
      {"password_policy.min_age", [](PasswordPolicy& p) { p.min_age = absl::Seconds(-1); }},
      {"password_policy.validity_days", [](PasswordPolicy& p) { p.validity_days = -1; }},
  };
  for (const Case& c : cases) {
    PasswordPolicy policy = base;
    c.mutate(policy);
    auto checker = PasswordChecker::Create(policy);
    ASSERT_FALSE(checker.ok()) << c.field;
    EXPECT_EQ(ErrorField(checker.status()), c.field);
  }
  EXPECT_TRUE(PasswordChecker::Create(base).ok());
}

TEST(PasswordPolicyKnobs, ExpiresAt) {
  const absl::Time set_at = absl::FromUnixSeconds(1700000000);
  EXPECT_EQ(CheckerFor("huawei")->ExpiresAt(set_at), absl::InfiniteFuture());
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.validity_days = 90;
  EXPECT_EQ(MakeChecker(policy)->ExpiresAt(set_at), set_at + absl::Hours(24 * 90));
}

// ------------------------------------------------------------ stable order

TEST(PasswordViolationOrder, EveryViolationInDocumentedOrder) {
  PasswordPolicy policy = ProfileNamed("huawei").password;
  policy.min_classes = 3;
  policy.required_classes = kClassUpper | kClassLower | kClassDigit | kClassSpecial;
  policy.max_repeat = 2;
  policy.blocklist = Blocklist::FromEntries({"aaa\\a"});
  policy.custom_pattern = "Z.*";
  auto checker = MakeChecker(policy);

  // Lower case and a backslash only, 5 characters: the reversal of the
  // username, containing the "email", a run of three, blocklisted.
  const PasswordContext reversed{"a\\aaa", "aa", "555"};
  const Violations v = CheckAll(*checker, "aaa\\a", reversed);
  EXPECT_EQ(Reasons(v), (std::vector<std::string>{
                            "password.too_short",
                            "password.invalid_character",
                            "password.too_few_classes",
                            "password.missing_uppercase",
                            "password.missing_digit",
                            "password.missing_special",
                            "password.reversed_username",
                            "password.contains_email",
                            "password.too_many_repeats",
                            "password.blocklisted",
                            "password.pattern_mismatch",
                        }));
  for (const Violation& each : v) {
    EXPECT_EQ(each.field, "password");
    EXPECT_FALSE(each.message.empty()) << each.reason;
  }

  // 33 digits: too long, equal to the username, containing the phone.
  const std::string sevens(33, '7');
  const PasswordContext equal{sevens, "", "777"};
  EXPECT_EQ(Reasons(CheckAll(*checker, sevens, equal)), (std::vector<std::string>{
                                                            "password.too_long",
                                                            "password.too_few_classes",
                                                            "password.missing_uppercase",
                                                            "password.missing_lowercase",
                                                            "password.missing_special",
                                                            "password.equals_username",
                                                            "password.contains_phone",
                                                            "password.too_many_repeats",
                                                            "password.pattern_mismatch",
                                                        }));
}

TEST(PasswordViolationOrder, FieldIsPassedThrough) {
  auto checker = CheckerFor("huawei");
  const Violations v = checker->Check("abc", {}, "user.password");
  ASSERT_FALSE(v.empty());
  for (const Violation& each : v) EXPECT_EQ(each.field, "user.password");
  const absl::Status s = checker->Validate("abc", {}, "user.password");
  EXPECT_EQ(ErrorField(s), "user.password");
  EXPECT_EQ(ErrorReason(s), "password.too_short");
}

TEST(PasswordViolationOrder, IsValidAgreesWithCheck) {
  // A fixed corpus plus deterministic random strings, over every profile and
  // a policy with every knob turned on.
  std::vector<std::string> corpus = {
      "",
      "a",
      "Abc123",
      "abcdef",
      "ABCDEF12",
      "A12345",
      "54321a",
      "Password1",
      "password1",
      "aaaa1111",
      "Abcdef1!",
      "Abcdefg1",
      "abc\\def1",
      "x1bob@example.com",
      "ab13800138000",
      std::string(33, 'x') + "1",
      std::string(15, 'z'),
      std::string(64, 'y'),
      std::string(65, 'y'),
      "caf\xc3\xa9 au lait 123",
      "\xff\xfe"
      "abcdefghijklmnop",
      Bytes("abcdefghijkl\0mnopq"),
      "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
      "abcdefghijklmn",
  };
  auto random = NewDeterministicRandom(7);
  std::string alphabet;
  for (int c = 0x20; c < 0x7f; ++c) alphabet.push_back(static_cast<char>(c));
  alphabet += "\t\x80\xc3\xa9";
  for (int i = 0; i < 400; ++i) {
    uint8_t len = 0;
    random->Fill(&len, 1);
    std::string s(len % 40, '\0');
    DrawFromAlphabet(*random, alphabet, s.size(), s.data());
    corpus.push_back(s);
  }

  std::vector<std::shared_ptr<const PasswordChecker>> checkers;
  for (const Profile* p : AllProfiles()) checkers.push_back(MakeChecker(p->password));
  PasswordPolicy knobs = ProfileNamed("huawei").password;
  knobs.max_repeat = 2;
  knobs.blocklist = Blocklist::FromEntries({"Password1", "abcdef"});
  knobs.custom_pattern = ".*[0-9].*";
  checkers.push_back(MakeChecker(knobs));

  const PasswordContext contexts[] = {
      {}, {"A12345", "bob@example.com", "13800138000"}, {"abcdef", "", ""}};
  int rejected = 0;
  int accepted = 0;
  for (const auto& checker : checkers) {
    for (const PasswordContext& ctx : contexts) {
      for (const std::string& pw : corpus) {
        const bool empty = checker->Check(pw, ctx).empty();
        ASSERT_EQ(checker->IsValid(pw, ctx), empty)
            << checker->policy().min_length << " \"" << pw << "\"";
        ASSERT_EQ(checker->Validate(pw, ctx).ok(), empty);
        (empty ? accepted : rejected)++;
      }
    }
  }
  // The corpus exercises both outcomes.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
}

// ---------------------------------------------------------------- tencent

TEST(TencentPassword, AllFourClassesRequired) {
  auto checker = CheckerFor("tencent");
  EXPECT_TRUE(CheckAll(*checker, "Abcdef1!").empty());
  EXPECT_EQ(Reasons(CheckAll(*checker, "Abcdefg1")),
            (std::vector<std::string>{"password.too_few_classes", "password.missing_special"}));
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcdef1!")),
            (std::vector<std::string>{"password.too_few_classes", "password.missing_uppercase"}));
  EXPECT_EQ(Reasons(CheckAll(*checker, "ABCDEF1!")),
            (std::vector<std::string>{"password.too_few_classes", "password.missing_lowercase"}));
  EXPECT_EQ(Reasons(CheckAll(*checker, "Abcdefg!")),
            (std::vector<std::string>{"password.too_few_classes", "password.missing_digit"}));
  EXPECT_EQ(Reasons(CheckAll(*checker, "Abc1!xy")),  // 7 characters, all four classes
            std::vector<std::string>{"password.too_short"});
}

// ------------------------------------------------------------------- nist

TEST(NistPassword, FifteenSingleFactorEightWithMfa) {
  auto single = CheckerFor("nist");
  EXPECT_EQ(single->effective_min_length(), 15);
  EXPECT_EQ(Reasons(CheckAll(*single, std::string(14, 'q'))),
            std::vector<std::string>{"password.too_short"});
  EXPECT_TRUE(CheckAll(*single, std::string(15, 'q')).empty());  // no composition rules

  PasswordPolicy mfa_policy = ProfileNamed("nist").password;
  mfa_policy.second_factor = true;
  auto mfa = MakeChecker(mfa_policy);
  EXPECT_EQ(mfa->effective_min_length(), 8);
  EXPECT_EQ(Reasons(CheckAll(*mfa, "qwertyu")), std::vector<std::string>{"password.too_short"});
  EXPECT_TRUE(CheckAll(*mfa, "qwertyui").empty());
}

TEST(NistPassword, SixtyFourAccepted) {
  auto checker = CheckerFor("nist");
  EXPECT_TRUE(CheckAll(*checker, std::string(64, 'q')).empty());
  EXPECT_EQ(Reasons(CheckAll(*checker, std::string(65, 'q'))),
            std::vector<std::string>{"password.too_long"});
}

TEST(NistPassword, AnyPrintableAsciiAndSpace) {
  auto checker = CheckerFor("nist");
  EXPECT_TRUE(CheckAll(*checker, "correct horse battery staple").empty());
  EXPECT_TRUE(CheckAll(*checker, "back\\slash and tilde~").empty());
  EXPECT_FALSE(CheckAll(*checker, "tab\there is not printable").empty());
}

TEST(NistPassword, UnicodeCountedByCodePoint) {
  auto checker = CheckerFor("nist");
  auto repeat = [](absl::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
    return out;
  };
  const absl::string_view kCjk = "\xe5\xaf\x86";  // 密, 3 bytes
  EXPECT_EQ(Reasons(CheckAll(*checker, repeat(kCjk, 14))),
            std::vector<std::string>{"password.too_short"});
  EXPECT_TRUE(CheckAll(*checker, repeat(kCjk, 15)).empty());  // 45 bytes
  EXPECT_TRUE(CheckAll(*checker, repeat(kCjk, 64)).empty());  // 192 bytes
  EXPECT_EQ(Reasons(CheckAll(*checker, repeat(kCjk, 65))),
            std::vector<std::string>{"password.too_long"});
  // Mixed: 10 ASCII + 5 two-byte characters = 15 code points.
  EXPECT_TRUE(CheckAll(*checker, "abcdefghij" + repeat("\xc3\xa9", 5)).empty());
  EXPECT_FALSE(CheckAll(*checker, "abcdefghi" + repeat("\xc3\xa9", 5)).empty());
}

TEST(NistPassword, NfkcNormalization) {
  auto checker = CheckerFor("nist");
  // Full-width digits １２３ normalize to ASCII.
  absl::StatusOr<std::string> n = checker->Normalize("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "123");
  // NFD and NFC spellings normalize alike.
  EXPECT_EQ(*checker->Normalize("cafe\xcc\x81"), *checker->Normalize("caf\xc3\xa9"));
  EXPECT_EQ(*checker->Normalize("caf\xc3\xa9"), "caf\xc3\xa9");
  // Huawei does not normalize.
  EXPECT_EQ(*CheckerFor("huawei")->Normalize("\xef\xbc\x91"), "\xef\xbc\x91");
  // Invalid UTF-8 cannot be normalized.
  absl::StatusOr<std::string> bad = checker->Normalize("abc\xff");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorReason(bad.status()), "password.invalid_utf8");
}

TEST(NistPassword, RulesApplyToTheNormalizedForm) {
  PasswordPolicy policy = ProfileNamed("nist").password;
  policy.blocklist = Blocklist::FromEntries({"123456789012345"});
  auto checker = MakeChecker(policy);
  // ０-９ are U+FF10..U+FF19 (EF BC 90..99).
  std::string fullwidth;
  for (char c : std::string("123456789012345")) {
    fullwidth += "\xef\xbc";
    fullwidth.push_back(static_cast<char>(0x90 + (c - '0')));
  }
  EXPECT_EQ(Reasons(CheckAll(*checker, "123456789012345")),
            std::vector<std::string>{"password.blocklisted"});
  EXPECT_EQ(Reasons(CheckAll(*checker, fullwidth)),
            std::vector<std::string>{"password.blocklisted"});
  // The username rule sees the normalized form too.
  EXPECT_EQ(Reasons(CheckAll(*checker, fullwidth, {"123456789012345", "", ""})),
            (std::vector<std::string>{"password.equals_username", "password.blocklisted"}));
}

TEST(NistPassword, InvalidUtf8AndNulRejected) {
  auto checker = CheckerFor("nist");
  for (absl::string_view bad :
       {absl::string_view("abcdefghijklmnop\xff"), absl::string_view("abcdefghijklmnop\xc3"),
        absl::string_view("abcdefghijklmno\xed\xa0\x80"),
        absl::string_view("\xc0\xaf"
                          "abcdefghijklmnop")}) {
    EXPECT_EQ(Reasons(CheckAll(*checker, bad)), std::vector<std::string>{"password.invalid_utf8"});
  }
  // An embedded NUL is refused, with or without other non-ASCII text.
  const std::string nul_ascii = Bytes("abcdefgh\0ijklmnopq");
  EXPECT_FALSE(checker->IsValid(nul_ascii, {}));
  EXPECT_FALSE(CheckAll(*checker, nul_ascii).empty());
  const std::string nul_unicode = Bytes("caf\xc3\xa9 abcdefgh\0ijklmnop");
  EXPECT_FALSE(checker->IsValid(nul_unicode, {}));
  EXPECT_EQ(Reasons(CheckAll(*checker, nul_unicode)),
            std::vector<std::string>{"password.invalid_utf8"});
}

TEST(NistPassword, MaxRepeatCountsCharactersNotBytes) {
  PasswordPolicy policy = ProfileNamed("nist").password;
  policy.max_repeat = 2;
  auto checker = MakeChecker(policy);
  // é is two bytes; three in a row is a run of three characters.
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcdefghijklm\xc3\xa9\xc3\xa9\xc3\xa9")),
            std::vector<std::string>{"password.too_many_repeats"});
  EXPECT_TRUE(CheckAll(*checker, "abcdefghijklm\xc3\xa9\xc3\xa9x").empty());
  // NFD spelling: e + U+0301 three times composes to three é.
  EXPECT_EQ(Reasons(CheckAll(*checker,
                             "abcdefghijklme\xcc\x81"
                             "e\xcc\x81"
                             "e\xcc\x81")),
            std::vector<std::string>{"password.too_many_repeats"});
  // 耀 (U+8000, E8 80 80) repeats a byte but is one character.
  policy.max_repeat = 1;
  auto strict = MakeChecker(policy);
  EXPECT_TRUE(CheckAll(*strict, "abcdefghijklmn\xe8\x80\x80").empty());
  EXPECT_EQ(Reasons(CheckAll(*strict, "abcdefghijklmn\xe8\x80\x80\xe8\x80\x80")),
            std::vector<std::string>{"password.too_many_repeats"});
  EXPECT_EQ(Reasons(CheckAll(*strict, "abcdefghijklmnn")),
            std::vector<std::string>{"password.too_many_repeats"});
}

TEST(NistPassword, InvisibleCodePointsRejected) {
  auto checker = CheckerFor("nist");
  // U+200B ZERO WIDTH SPACE and U+0085 NEL inside an otherwise long password.
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcdefghijklmnop\xe2\x80\x8b")),
            std::vector<std::string>{"password.invalid_character"});
  EXPECT_EQ(Reasons(CheckAll(*checker, "abcdefghijklmnop\xc2\x85")),
            std::vector<std::string>{"password.invalid_character"});
}

}  // namespace
}  // namespace iam
