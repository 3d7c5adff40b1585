// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Contact and descriptive fields under seed 003 (alibaba): Email at most 128
// with a local part of letters, digits, '.', '_', '-'; PhoneRegion 1-6 digits
// without '+'; PhoneNumber 6-15 digits; DisplayName 128, Description 256,
// UserExternalId 128 characters.
#include "iam/contact.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/profile.h"

namespace iam {
namespace {

template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

const Profile& Alibaba() {
  const Profile* p = FindProfile("alibaba");
  if (p == nullptr) {
    ADD_FAILURE() << "no alibaba profile";
    std::abort();
  }
  return *p;
}

// Expects an InvalidArgument naming `field` with `reason`.
void ExpectInvalid(const absl::Status& s, absl::string_view field, absl::string_view reason) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ErrorField(s), field) << s;
  EXPECT_EQ(ErrorReason(s), reason) << s;
}

// ------------------------------------------------------------------ email

TEST(Email, AlibabaLocalPartCharset) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateEmail(p, "a.b_c-d@example.com").ok());
  EXPECT_TRUE(ValidateEmail(p, "example@example.com").ok());
  EXPECT_TRUE(ValidateEmail(p, "John.Doe-01@Example.COM").ok());
  for (absl::string_view bad : {"a+b@example.com", "a%b@example.com", "a!b@example.com",
                                "a b@example.com", "a/b@example.com", "caf\xc3\xa9@example.com"}) {
    ExpectInvalid(ValidateEmail(p, bad), "email", "email.invalid_local_part");
  }
}

TEST(Email, PlusAllowedWhereTheProfileAllowsIt) {
  // Huawei's local part follows RFC 5321's common subset, '+' included.
  const Profile* huawei = FindProfile("huawei");
  ASSERT_NE(huawei, nullptr);
  EXPECT_TRUE(ValidateEmail(*huawei, "a+b@example.com").ok());
}

TEST(Email, MaxLength128) {
  const Profile& p = Alibaba();
  const std::string local(64, 'a');
  const std::string at128 = local + "@" + std::string(59, 'b') + ".com";
  const std::string at129 = local + "@" + std::string(60, 'b') + ".com";
  ASSERT_EQ(at128.size(), 128u);
  ASSERT_EQ(at129.size(), 129u);
  EXPECT_TRUE(ValidateEmail(p, at128).ok());
  ExpectInvalid(ValidateEmail(p, at129), "email", "email.too_long");
}

TEST(Email, LocalPartAtMost64) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateEmail(p, std::string(64, 'a') + "@example.com").ok());
  ExpectInvalid(ValidateEmail(p, std::string(65, 'a') + "@example.com"), "email",
                "email.invalid_local_part");
}

TEST(Email, Format) {
  const Profile& p = Alibaba();
  ExpectInvalid(ValidateEmail(p, ""), "email", "email.empty");
  ExpectInvalid(ValidateEmail(p, "example.com"), "email", "email.invalid_format");
  ExpectInvalid(ValidateEmail(p, "@example.com"), "email", "email.invalid_format");
  ExpectInvalid(ValidateEmail(p, ".a@example.com"), "email", "email.invalid_local_part");
  ExpectInvalid(ValidateEmail(p, "a.@example.com"), "email", "email.invalid_local_part");
  ExpectInvalid(ValidateEmail(p, "a..b@example.com"), "email", "email.invalid_local_part");
  ExpectInvalid(ValidateEmail(p, "a@b@example.com"), "email", "email.invalid_local_part");
  for (absl::string_view bad :
       {"a@", "a@example", "a@-example.com", "a@example-.com", "a@example..com", "a@.example.com",
        "a@example.com.", "a@example.c0m", "a@example.c", "a@exa_mple.com", "a@exa mple.com"}) {
    ExpectInvalid(ValidateEmail(p, bad), "email", "email.invalid_domain");
  }
  EXPECT_TRUE(ValidateEmail(p, "a@sub-domain.example.co").ok());
  EXPECT_TRUE(ValidateEmail(p, "a@" + std::string(63, 'b') + ".com").ok());
  ExpectInvalid(ValidateEmail(p, "a@" + std::string(64, 'b') + ".com"), "email",
                "email.invalid_domain");
}

TEST(Email, InvalidUtf8AndNulNameTheField) {
  const Profile& p = Alibaba();
  ExpectInvalid(ValidateEmail(p, "a\xff@example.com"), "email", "email.invalid_utf8");
  ExpectInvalid(ValidateEmail(p, Bytes("a\0b@example.com")), "email", "email.invalid_utf8");
  ExpectInvalid(ValidateEmail(p, Bytes("a@example.com\0"), "user.email"), "user.email",
                "email.invalid_utf8");
}

TEST(Email, FieldNameIsPassedThrough) {
  ExpectInvalid(ValidateEmail(Alibaba(), "a+b@example.com", "Email"), "Email",
                "email.invalid_local_part");
}

TEST(Email, Canonical) {
  EXPECT_EQ(CanonicalEmail("Bob.Smith@Example.COM"), "bob.smith@example.com");
  EXPECT_EQ(CanonicalEmail("bob@example.com"), CanonicalEmail("BOB@EXAMPLE.COM"));
  EXPECT_NE(CanonicalEmail("bob@example.com"), CanonicalEmail("bob2@example.com"));
}

// ------------------------------------------------------------------ phone

TEST(PhoneRegion, OneToSixDigitsWithoutPlus) {
  const Profile& p = Alibaba();
  for (absl::string_view ok : {"1", "86", "852", "1234", "123456"}) {
    EXPECT_TRUE(ValidatePhoneRegion(p, ok).ok()) << ok;
  }
  for (absl::string_view bad :
       {"", "1234567", "+86", "+1", "8a", " 86", "86 ", "-86", "\xef\xbc\x98"}) {
    ExpectInvalid(ValidatePhoneRegion(p, bad), "phone_region", "phone_region.invalid");
  }
  ExpectInvalid(ValidatePhoneRegion(p, Bytes("8\0")), "phone_region", "phone_region.invalid");
  ExpectInvalid(ValidatePhoneRegion(p, "+86", "PhoneRegion"), "PhoneRegion",
                "phone_region.invalid");
}

TEST(PhoneNumber, SixToFifteenDigits) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidatePhoneNumber(p, "123456").ok());
  EXPECT_TRUE(ValidatePhoneNumber(p, "12345678901").ok());
  EXPECT_TRUE(ValidatePhoneNumber(p, "123456789012345").ok());
  ExpectInvalid(ValidatePhoneNumber(p, "12345"), "phone", "phone.invalid");
  ExpectInvalid(ValidatePhoneNumber(p, "1234567890123456"), "phone", "phone.invalid");
  for (absl::string_view bad : {"", "+8612345678", "123-456-789", "123 456 789", "12345a"}) {
    ExpectInvalid(ValidatePhoneNumber(p, bad), "phone", "phone.invalid");
  }
  ExpectInvalid(ValidatePhoneNumber(p, Bytes("1234567\0")), "phone", "phone.invalid");
  ExpectInvalid(ValidatePhoneNumber(p, "12345", "PhoneNumber"), "PhoneNumber", "phone.invalid");
  // Only zeros: nothing is left once the trunk prefix is dropped.
  ExpectInvalid(ValidatePhoneNumber(p, "000000"), "phone", "phone.invalid");
}

TEST(PhoneNumber, OneCanonicalForm) {
  const Profile& p = Alibaba();
  EXPECT_EQ(CanonicalPhone(p, "086", "013800000000").e164(), "+8613800000000");
  EXPECT_EQ(CanonicalPhone(p, "", "13800000000").e164(), "+8613800000000");
  EXPECT_EQ(CanonicalPhone(*FindProfile("nist"), "", "2025550123").e164(), "+12025550123");
  EXPECT_EQ(PhoneIdentifierE164(p, "+86 013800000000"), "+8613800000000");
  EXPECT_EQ(PhoneIdentifierE164(p, "0086-13800000000"), "+8613800000000");
  EXPECT_EQ(PhoneIdentifierE164(p, "+8613800000000"), "+8613800000000");
  EXPECT_EQ(PhoneIdentifierE164(p, "13800000000"), "+8613800000000");
  EXPECT_EQ(PhoneIdentifierE164(p, "alice"), "");
  EXPECT_EQ(PhoneIdentifierE164(p, "user-13800000000"), "");
  EXPECT_EQ(PhoneIdentifierE164(p, "12345"), "");  // too short for a number
}

// ----------------------------------------------------------- text fields

TEST(DisplayName, At128CodePoints) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateDisplayName(p, "name_001").ok());
  EXPECT_TRUE(ValidateDisplayName(p, std::string(128, 'n')).ok());
  ExpectInvalid(ValidateDisplayName(p, std::string(129, 'n')), "display_name",
                "display_name.too_long");
  // Three bytes each, one character each.
  EXPECT_TRUE(ValidateDisplayName(p, Repeat("\xe5\xbc\xa0", 128)).ok());
  ExpectInvalid(ValidateDisplayName(p, Repeat("\xe5\xbc\xa0", 129)), "display_name",
                "display_name.too_long");
  // Four-byte characters.
  EXPECT_TRUE(ValidateDisplayName(p, Repeat("\xf0\x9f\x98\x80", 128)).ok());
  ExpectInvalid(ValidateDisplayName(p, Repeat("\xf0\x9f\x98\x80", 129)), "display_name",
                "display_name.too_long");
}

TEST(DisplayName, ControlAndEncoding) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateDisplayName(p, "Zhang San \xe5\xbc\xa0\xe4\xb8\x89").ok());
  for (absl::string_view bad : {"a\tb", "a\nb", "a\x01", "a\x7f",
                                "a\xe2\x80\x8b"
                                "b",
                                "a\xc2\x85"}) {
    ExpectInvalid(ValidateDisplayName(p, bad), "display_name", "display_name.control_character");
  }
  ExpectInvalid(ValidateDisplayName(p, "a\xff"), "display_name", "display_name.invalid_utf8");
  ExpectInvalid(ValidateDisplayName(p, "a\xe5\xbc"), "display_name", "display_name.invalid_utf8");
  ExpectInvalid(ValidateDisplayName(p, Bytes("a\0b")), "display_name", "display_name.invalid_utf8");
  ExpectInvalid(ValidateDisplayName(p, Bytes("a\0b"), "DisplayName"), "DisplayName",
                "display_name.invalid_utf8");
}

TEST(Description, At256CodePointsWithNewlines) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateDescription(p, "description text").ok());
  EXPECT_TRUE(ValidateDescription(p, "line one\nline two\r\n\tindented").ok());
  EXPECT_TRUE(ValidateDescription(p, std::string(256, 'd')).ok());
  ExpectInvalid(ValidateDescription(p, std::string(257, 'd')), "description",
                "description.too_long");
  EXPECT_TRUE(ValidateDescription(p, Repeat("\xc3\xa9", 256)).ok());  // 512 bytes
  ExpectInvalid(ValidateDescription(p, Repeat("\xc3\xa9", 257)), "description",
                "description.too_long");
  ExpectInvalid(ValidateDescription(p, "bell\x07"), "description", "description.control_character");
  ExpectInvalid(ValidateDescription(p, "a\xe2\x80\x8b"), "description",
                "description.control_character");
  ExpectInvalid(ValidateDescription(p, "\xc3\x28"), "description", "description.invalid_utf8");
  ExpectInvalid(ValidateDescription(p, Bytes("a\0")), "description", "description.invalid_utf8");
  ExpectInvalid(ValidateDescription(p, Bytes("a\0"), "Description"), "Description",
                "description.invalid_utf8");
}

TEST(ExternalId, At128CodePoints) {
  const Profile& p = Alibaba();
  EXPECT_TRUE(ValidateExternalId(p, "user_d6sbsuumeta4h66ec3il7yxxxx").ok());
  EXPECT_TRUE(ValidateExternalId(p, std::string(128, 'x')).ok());
  ExpectInvalid(ValidateExternalId(p, std::string(129, 'x')), "external_id",
                "external_id.too_long");
  EXPECT_TRUE(ValidateExternalId(p, Repeat("\xe5\xbc\xa0", 128)).ok());
  ExpectInvalid(ValidateExternalId(p, Repeat("\xe5\xbc\xa0", 129)), "external_id",
                "external_id.too_long");
  ExpectInvalid(ValidateExternalId(p, ""), "external_id", "external_id.empty");
  ExpectInvalid(ValidateExternalId(p, "a\nb"), "external_id", "external_id.control_character");
  ExpectInvalid(ValidateExternalId(p, "\x80"), "external_id", "external_id.invalid_utf8");
  ExpectInvalid(ValidateExternalId(p, Bytes("ext\0id")), "external_id", "external_id.invalid_utf8");
  ExpectInvalid(ValidateExternalId(p, Bytes("ext\0id"), "UserExternalId"), "UserExternalId",
                "external_id.invalid_utf8");
}

TEST(TextFields, NulOrNonAsciiAtEveryPosition) {
  // Lengths are counted eight ASCII bytes at a time; a NUL or a multi-byte
  // character anywhere in the word must still be seen.
  const Profile& p = Alibaba();
  for (size_t at = 0; at < 24; ++at) {
    std::string nul(24, 'a');
    nul[at] = '\0';
    ExpectInvalid(ValidateDisplayName(p, nul), "display_name", "display_name.invalid_utf8");
    ExpectInvalid(ValidateExternalId(p, nul), "external_id", "external_id.invalid_utf8");

    // 127 ASCII + one two-byte character = 128 characters (129 bytes): fits.
    std::string fits(127, 'a');
    fits.insert(at, "\xc3\xa9");
    EXPECT_TRUE(ValidateDisplayName(p, fits).ok()) << at;
    std::string over = fits + "a";
    ExpectInvalid(ValidateDisplayName(p, over), "display_name", "display_name.too_long");
    // A truncated sequence anywhere.
    std::string truncated(24, 'a');
    truncated[at] = '\xc3';
    ExpectInvalid(ValidateDisplayName(p, truncated), "display_name", "display_name.invalid_utf8");
  }
}

TEST(TextFields, OverlongAndSurrogateEncodingsRejected) {
  const Profile& p = Alibaba();
  // Overlong '/' (C0 AF), a UTF-16 surrogate (ED A0 80), beyond U+10FFFF (F4 90 80 80).
  for (const std::string& bad :
       {std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80")}) {
    ExpectInvalid(ValidateDisplayName(p, bad), "display_name", "display_name.invalid_utf8");
    ExpectInvalid(ValidateDescription(p, bad), "description", "description.invalid_utf8");
    ExpectInvalid(ValidateExternalId(p, bad), "external_id", "external_id.invalid_utf8");
  }
}

}  // namespace
}  // namespace iam
