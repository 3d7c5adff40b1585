// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Username rules (seed 004: huawei 5-32, - _ . only, no leading digit; seed
// 003: alibaba up to 256 of letters, digits, _ . @ -; tencent CAM 1-64 of
// letters, digits, + = , . @ _ -; nist Unicode names) and canonical forms.
#include "iam/username.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/profile.h"
#include "test_util.h"

namespace iam {
namespace {

using ::iam::testing::ProfileNamed;

std::vector<std::string> Reasons(const Violations& v) {
  std::vector<std::string> out;
  for (const Violation& each : v) out.push_back(each.reason);
  return out;
}

// The first violation's reason, or "" when the name is valid.
std::string FirstReason(const Profile& profile, absl::string_view name) {
  return ErrorReason(ValidateUsername(profile, name));
}

// Asserts that the fast path and the full check agree, and returns the verdict.
bool Valid(const Profile& profile, absl::string_view name) {
  const bool fast = IsValidUsername(profile, name);
  const bool full = CheckUsername(profile, name).empty();
  const bool status = ValidateUsername(profile, name).ok();
  EXPECT_EQ(fast, full) << profile.name << " name=\"" << name << "\"";
  EXPECT_EQ(fast, status) << profile.name << " name=\"" << name << "\"";
  return fast;
}

// ---------------------------------------------------------------- huawei

TEST(HuaweiUsername, LengthBoundaries) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_FALSE(Valid(p, "abcd"));  // 4
  EXPECT_EQ(FirstReason(p, "abcd"), "username.too_short");
  EXPECT_TRUE(Valid(p, "abcde"));                // 5
  EXPECT_TRUE(Valid(p, std::string(32, 'a')));   // 32
  EXPECT_FALSE(Valid(p, std::string(33, 'a')));  // 33
  EXPECT_EQ(FirstReason(p, std::string(33, 'a')), "username.too_long");
}

TEST(HuaweiUsername, Empty) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_FALSE(Valid(p, ""));
  const Violations v = CheckUsername(p, "");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].reason, "username.empty");
  EXPECT_EQ(v[0].field, "username");
}

TEST(HuaweiUsername, LeadingDigit) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_FALSE(Valid(p, "1alice"));
  EXPECT_EQ(FirstReason(p, "1alice"), "username.leading_digit");
  EXPECT_FALSE(Valid(p, "9abcde"));
  // Digits elsewhere are fine.
  EXPECT_TRUE(Valid(p, "alice1"));
  EXPECT_TRUE(Valid(p, "a1234"));
}

TEST(HuaweiUsername, AllowedSpecialCharacters) {
  const Profile& p = ProfileNamed("huawei");
  for (char c : std::string("-_.")) {
    const std::string name = std::string("ali") + c + "ce";
    EXPECT_TRUE(Valid(p, name)) << name;
  }
  // A name may also start with a special character (only digits are banned).
  EXPECT_TRUE(Valid(p, "_alice"));
  EXPECT_TRUE(Valid(p, "a-b_c.d"));
}

TEST(HuaweiUsername, DisallowedCharacters) {
  const Profile& p = ProfileNamed("huawei");
  for (absl::string_view bad : {"ali ce", "ali@ce", "ali+ce", "ali/ce", "ali\\ce", "ali,ce",
                                "ali=ce", "ali!ce", "ali#ce", "ali$ce", "ali~ce", "alicé",
                                "ali\xe4\xb8\xad"
                                "ce"}) {
    EXPECT_FALSE(Valid(p, bad)) << bad;
    EXPECT_EQ(FirstReason(p, bad), "username.invalid_character") << bad;
  }
}

TEST(HuaweiUsername, ControlCharactersAndNul) {
  const Profile& p = ProfileNamed("huawei");
  for (char c : {'\x01', '\t', '\n', '\r', '\x1f', '\x7f'}) {
    const std::string name = std::string("ali") + c + "ce";
    EXPECT_FALSE(Valid(p, name)) << static_cast<int>(c);
    EXPECT_EQ(FirstReason(p, name), "username.invisible_character") << static_cast<int>(c);
  }
  const std::string nul("ali\0ce", 6);
  EXPECT_FALSE(Valid(p, nul));
  EXPECT_EQ(FirstReason(p, nul), "username.invalid_utf8");
}

TEST(HuaweiUsername, InvalidUtf8) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_FALSE(Valid(p, "alice\xff"));
  EXPECT_EQ(FirstReason(p, "alice\xff"), "username.invalid_utf8");
}

TEST(HuaweiUsername, EveryViolationInOrder) {
  const Profile& p = ProfileNamed("huawei");
  const Violations v = CheckUsername(p, "1 \x01", "user.name");
  EXPECT_EQ(Reasons(v), (std::vector<std::string>{"username.too_short", "username.leading_digit",
                                                  "username.invalid_character",
                                                  "username.invisible_character"}));
  for (const Violation& each : v) EXPECT_EQ(each.field, "user.name");
  const absl::Status s = ValidateUsername(p, "1 \x01", "user.name");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(s), "user.name");
  EXPECT_EQ(ErrorReason(s), "username.too_short");
}

TEST(HuaweiUsername, ValidIsOk) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_TRUE(ValidateUsername(p, "IAMUser").ok());
  EXPECT_TRUE(CheckUsername(p, "jamesdoe").empty());
}

// --------------------------------------------------------------- alibaba

TEST(AlibabaUsername, LengthBoundaries) {
  const Profile& p = ProfileNamed("alibaba");
  EXPECT_FALSE(Valid(p, ""));
  EXPECT_TRUE(Valid(p, "a"));
  EXPECT_TRUE(Valid(p, std::string(256, 'a')));
  EXPECT_FALSE(Valid(p, std::string(257, 'a')));
  EXPECT_EQ(FirstReason(p, std::string(257, 'a')), "username.too_long");
}

TEST(AlibabaUsername, Characters) {
  const Profile& p = ProfileNamed("alibaba");
  EXPECT_TRUE(Valid(p, "user_001"));
  EXPECT_TRUE(Valid(p, "a_b.c@d-e"));
  EXPECT_TRUE(Valid(p, "1user"));  // no leading-digit rule in seed 003
  for (absl::string_view bad : {"a+b", "a b", "a/b", "a=b", "a,b", "a#b", "caf\xc3\xa9"}) {
    EXPECT_FALSE(Valid(p, bad)) << bad;
    EXPECT_EQ(FirstReason(p, bad), "username.invalid_character") << bad;
  }
  EXPECT_FALSE(Valid(p, std::string("a\0b", 3)));
}

// --------------------------------------------------------------- tencent

TEST(TencentUsername, LengthBoundaries) {
  const Profile& p = ProfileNamed("tencent");
  EXPECT_FALSE(Valid(p, ""));
  EXPECT_TRUE(Valid(p, "a"));
  EXPECT_TRUE(Valid(p, std::string(64, 'a')));
  EXPECT_FALSE(Valid(p, std::string(65, 'a')));
}

TEST(TencentUsername, Characters) {
  const Profile& p = ProfileNamed("tencent");
  for (char c : std::string("+=,.@_-")) {
    const std::string name = std::string("dev") + c + "ops";
    EXPECT_TRUE(Valid(p, name)) << name;
  }
  EXPECT_TRUE(Valid(p, "+=,.@_-"));
  for (absl::string_view bad : {"a b", "a/b", "a#b", "a!b", "a:b", "a\\b", "\xe5\xbc\xa0"}) {
    EXPECT_FALSE(Valid(p, bad)) << bad;
  }
}

// ------------------------------------------------------------------ nist

TEST(NistUsername, UnicodeLettersAccepted) {
  const Profile& p = ProfileNamed("nist");
  EXPECT_TRUE(Valid(p, "caf\xc3\xa9"));                       // café (NFC)
  EXPECT_TRUE(Valid(p, "cafe\xcc\x81"));                      // café (NFD, combining mark)
  EXPECT_TRUE(Valid(p, "\xe5\xbc\xa0\xe4\xb8\x89"));          // 张三
  EXPECT_TRUE(Valid(p, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"));  // Иван
  EXPECT_TRUE(Valid(p, "j.doe@example"));
}

// Default-ignorable code points render as nothing: "alice" followed by one
// of them would pass for alice (they used to be accepted).
TEST(NistUsername, DefaultIgnorableCodePointsRejected) {
  const Profile& p = ProfileNamed("nist");
  for (const char* hidden : {"\xcd\x8f",         // U+034F COMBINING GRAPHEME JOINER
                             "\xe3\x85\xa4",     // U+3164 HANGUL FILLER
                             "\xef\xb8\x8f",     // U+FE0F VARIATION SELECTOR-16
                             "\xe1\x85\x9f"}) {  // U+115F HANGUL CHOSEONG FILLER
    EXPECT_EQ(FirstReason(p, std::string("alice") + hidden), "username.invisible_character")
        << hidden;
  }
}

// One script per name (UTS #39 highly restrictive): a Cyrillic or Greek
// look-alike inside a Latin name is refused; the mixtures of Japanese,
// Korean and Chinese writing are not.
TEST(NistUsername, MixedScriptLookAlikesRejected) {
  const Profile& p = ProfileNamed("nist");
  EXPECT_EQ(FirstReason(p, "\xd0\xb0lice"), "username.mixed_script");  // Cyrillic a + lice
  EXPECT_EQ(FirstReason(p, "\xce\xb1lice"), "username.mixed_script");  // Greek alpha + lice
  EXPECT_EQ(FirstReason(p, "p\xd0\xb0ypal.1"), "username.mixed_script");
  EXPECT_TRUE(Valid(p, "\xd0\xb0\xd0\xb1\xd0\xb2"));  // abv, all Cyrillic
  EXPECT_TRUE(Valid(p, "alice.2026"));                // digits are common
  EXPECT_TRUE(
      Valid(p, "\xe5\xb1\xb1\xe7\x94\xb0\xe3\x81\x9f\xe3\x82\x8d\xe3\x81\x86"));  // Han + Hiragana
  EXPECT_TRUE(Valid(p, "\xe3\x82\xbf\xe3\x83\xad\xe3\x82\xa6.tokyo"));         // Katakana + Latin
  EXPECT_TRUE(Valid(p, "kim\xea\xb9\x80"));                                    // Latin + Hangul
  EXPECT_EQ(FirstReason(p, "\xea\xb9\x80\xd0\xb0"), "username.mixed_script");  // Hangul + Cyrillic
}

// 々 (U+3005) and 〆 (U+3006) are Han: Sasaki is one script.
TEST(NistUsername, HanIterationMarksAreHan) {
  const Profile& p = ProfileNamed("nist");
  EXPECT_TRUE(Valid(p, "\xe4\xbd\x90\xe3\x80\x85\xe6\x9c\xa8"));  // 佐々木
  EXPECT_TRUE(Valid(p, "\xe3\x80\x86\xe5\x88\x87"));              // 〆切
}

// Lookups use the canonical form without the rules: a user created before a
// rule refused its name is still found.
TEST(NistUsername, LookupKeyIgnoresTheCreateRules) {
  const Profile& p = ProfileNamed("nist");
  const std::string mixed = "\xd0\xb0lice";  // Cyrillic a + lice
  EXPECT_FALSE(CanonicalUsername(p, mixed).ok());
  absl::StatusOr<std::string> key = UsernameLookupKey(p, "\xd0\x90LICE");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, mixed);
  EXPECT_FALSE(UsernameLookupKey(p, "\xff").ok());
  EXPECT_EQ(*UsernameLookupKey(ProfileNamed("huawei"), "Alice@Example.com"), "alice@example.com");
}

TEST(NistUsername, LengthCountsCodePoints) {
  const Profile& p = ProfileNamed("nist");
  std::string cjk64;
  for (int i = 0; i < 64; ++i) cjk64 += "\xe5\xbc\xa0";  // 192 bytes, 64 code points
  EXPECT_TRUE(Valid(p, cjk64));
  EXPECT_FALSE(Valid(p, cjk64 + "\xe5\xbc\xa0"));
  EXPECT_EQ(FirstReason(p, cjk64 + "\xe5\xbc\xa0"), "username.too_long");
}

TEST(NistUsername, InvisibleAndControlRejected) {
  const Profile& p = ProfileNamed("nist");
  // alice + U+200B ZERO WIDTH SPACE
  EXPECT_FALSE(Valid(p, "alice\xe2\x80\x8b"));
  EXPECT_EQ(FirstReason(p, "alice\xe2\x80\x8b"), "username.invisible_character");
  // U+202E RIGHT-TO-LEFT OVERRIDE, U+FEFF BOM, U+0085 NEL, U+E000 private use
  for (absl::string_view bad : {"ali\xe2\x80\xae"
                                "ce",
                                "\xef\xbb\xbf"
                                "alice",
                                "alice\xc2\x85", "alice\xee\x80\x80"}) {
    EXPECT_FALSE(Valid(p, bad));
    EXPECT_EQ(FirstReason(p, bad), "username.invisible_character");
  }
  EXPECT_FALSE(Valid(p, "alice\x01"));
}

TEST(NistUsername, SymbolsAndSpacesRejected) {
  const Profile& p = ProfileNamed("nist");
  EXPECT_EQ(FirstReason(p, "alice bob"), "username.invalid_character");
  EXPECT_EQ(FirstReason(p, "alice\xf0\x9f\x98\x80"), "username.invalid_character");  // emoji
  EXPECT_EQ(FirstReason(p,
                        "alice\xc2\xa0"
                        "bob"),
            "username.invalid_character");  // NBSP
}

TEST(NistUsername, InvalidUtf8AndNul) {
  const Profile& p = ProfileNamed("nist");
  for (absl::string_view bad : {absl::string_view("alice\xc3"), absl::string_view("\xc0\xaf"),
                                absl::string_view("\xed\xa0\x80"), absl::string_view("a\0b", 3)}) {
    EXPECT_FALSE(Valid(p, bad));
    EXPECT_EQ(FirstReason(p, bad), "username.invalid_utf8");
  }
}

// ------------------------------------------------------------- canonical

TEST(CanonicalUsername, AsciiProfilesLowerCase) {
  for (absl::string_view name : {"huawei", "alibaba", "tencent"}) {
    const Profile& p = ProfileNamed(name);
    absl::StatusOr<std::string> lower = CanonicalUsername(p, "alice");
    absl::StatusOr<std::string> upper = CanonicalUsername(p, "ALICE");
    absl::StatusOr<std::string> mixed = CanonicalUsername(p, "AlIcE");
    ASSERT_TRUE(lower.ok()) << name;
    ASSERT_TRUE(upper.ok()) << name;
    ASSERT_TRUE(mixed.ok()) << name;
    EXPECT_EQ(*lower, "alice");
    EXPECT_EQ(*upper, *lower);
    EXPECT_EQ(*mixed, *lower);
  }
  absl::StatusOr<std::string> c = CanonicalUsername(ProfileNamed("huawei"), "John.Doe-01");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "john.doe-01");
}

TEST(CanonicalUsername, DistinctNamesStayDistinct) {
  const Profile& p = ProfileNamed("huawei");
  EXPECT_NE(*CanonicalUsername(p, "alice"), *CanonicalUsername(p, "alice1"));
  EXPECT_NE(*CanonicalUsername(p, "alice"), *CanonicalUsername(p, "a.lice"));
}

TEST(CanonicalUsername, ValidatesFirst) {
  absl::StatusOr<std::string> c = CanonicalUsername(ProfileNamed("huawei"), "1ALICE");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(ErrorReason(c.status()), "username.leading_digit");
  EXPECT_EQ(ErrorField(c.status()), "username");
}

TEST(CanonicalUsername, NistCaseFold) {
  const Profile& p = ProfileNamed("nist");
  absl::StatusOr<std::string> lower = CanonicalUsername(p, "alice");
  absl::StatusOr<std::string> upper = CanonicalUsername(p, "ALICE");
  ASSERT_TRUE(lower.ok());
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*lower, "alice");
  EXPECT_EQ(*upper, "alice");
  // Full case folding: ß folds to ss.
  EXPECT_EQ(*CanonicalUsername(p,
                               "Stra\xc3\x9f"
                               "e"),
            *CanonicalUsername(p, "STRASSE"));
  // Cyrillic upper and lower.
  EXPECT_EQ(*CanonicalUsername(p, "\xd0\x98\xd0\x92\xd0\x90\xd0\x9d"),
            *CanonicalUsername(p, "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd"));
}

TEST(CanonicalUsername, NistRejectsInvisible) {
  absl::StatusOr<std::string> c = CanonicalUsername(ProfileNamed("nist"), "alice\xe2\x80\x8b");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(c.status()), "username.invisible_character");
}

TEST(CanonicalUsername, NistNfcAndNfdAgree) {
  const Profile& p = ProfileNamed("nist");
  absl::StatusOr<std::string> nfc = CanonicalUsername(p, "caf\xc3\xa9");    // U+00E9
  absl::StatusOr<std::string> nfd = CanonicalUsername(p, "cafe\xcc\x81");   // e + U+0301
  absl::StatusOr<std::string> upper = CanonicalUsername(p, "CAF\xc3\x89");  // U+00C9
  ASSERT_TRUE(nfc.ok());
  ASSERT_TRUE(nfd.ok());
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*nfc, "caf\xc3\xa9");
  EXPECT_EQ(*nfd, *nfc);
  EXPECT_EQ(*upper, *nfc);
  // And café is not cafe.
  EXPECT_NE(*CanonicalUsername(p, "cafe"), *nfc);
}

TEST(CanonicalUsername, NistFullWidthFolds) {
  const Profile& p = ProfileNamed("nist");
  // ａｌｉｃｅ and ＡＬＩＣＥ (U+FF41.., U+FF21..)
  absl::StatusOr<std::string> fw_lower =
      CanonicalUsername(p, "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85");
  absl::StatusOr<std::string> fw_upper =
      CanonicalUsername(p, "\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5");
  ASSERT_TRUE(fw_lower.ok());
  ASSERT_TRUE(fw_upper.ok());
  EXPECT_EQ(*fw_lower, "alice");
  EXPECT_EQ(*fw_upper, "alice");
  // Full-width digits: ｕｓｅｒ１ -> user1
  absl::StatusOr<std::string> fw_digit =
      CanonicalUsername(p, "\xef\xbd\x95\xef\xbd\x93\xef\xbd\x85\xef\xbd\x92\xef\xbc\x91");
  ASSERT_TRUE(fw_digit.ok());
  EXPECT_EQ(*fw_digit, "user1");
}

TEST(CanonicalUsernameTest, NistRejectsANameThatNormalizationExpandsPastTheLimit) {
  const Profile& nist = ProfileNamed("nist");
  // U+FDFA is one code point that NFKC expands into 18.
  const std::string expanding = "\xef\xb7\xba";
  std::string name;
  for (int i = 0; i < 4; ++i) name += expanding;  // 4 code points, 72 once normalized
  // Validation says so too: a name that validates can be created (the
  // validators fuzzer found "ß" x 2 near the limit growing past it).
  EXPECT_EQ(ErrorReason(ValidateUsername(nist, name)), "username.too_long");
  EXPECT_FALSE(IsValidUsername(nist, name));
  const std::string sharp_s = std::string(62, 'n') + "\xc3\x9f";  // 63, 64 once folded
  EXPECT_TRUE(ValidateUsername(nist, sharp_s).ok());
  EXPECT_TRUE(CanonicalUsername(nist, sharp_s).ok());
  const std::string two_sharp_s = std::string(62, 'n') + "\xc3\x9f\xc3\x9f";  // 64, 66
  EXPECT_EQ(ErrorReason(ValidateUsername(nist, two_sharp_s)), "username.too_long");
  EXPECT_EQ(ErrorReason(CanonicalUsername(nist, two_sharp_s).status()), "username.too_long");
  absl::StatusOr<std::string> canonical = CanonicalUsername(nist, name);
  EXPECT_EQ(canonical.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(canonical.status()), "username.too_long");
  EXPECT_TRUE(CanonicalUsername(nist, expanding + expanding).ok());  // 36 fits in 64
}

}  // namespace
}  // namespace iam
