// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Profile lookup, the seed numbers in each table, and the error mapping
// (seed 003: duplicate username is 403 ResourceDuplicated.Username; seed 004:
// a conflict is 409).
#include "iam/profile.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

TEST(FindProfile, AllFourNames) {
  for (absl::string_view name : {"huawei", "alibaba", "tencent", "nist"}) {
    const Profile* p = FindProfile(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->name, name);
    EXPECT_FALSE(p->description.empty());
  }
}

TEST(FindProfile, UnknownIsNull) {
  EXPECT_EQ(FindProfile(""), nullptr);
  EXPECT_EQ(FindProfile("aws"), nullptr);
  EXPECT_EQ(FindProfile("huawei "), nullptr);
  EXPECT_EQ(FindProfile("huaweicloud"), nullptr);
  EXPECT_EQ(FindProfile("hua"), nullptr);
}

TEST(FindProfile, StableOrderAndIdentity) {
  const std::vector<const Profile*>& all = AllProfiles();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]->name, "huawei");
  EXPECT_EQ(all[1]->name, "alibaba");
  EXPECT_EQ(all[2]->name, "tencent");
  EXPECT_EQ(all[3]->name, "nist");
  // Lookups return the same objects every time.
  EXPECT_EQ(FindProfile("alibaba"), all[1]);
  EXPECT_EQ(FindProfile("alibaba"), FindProfile("alibaba"));
  EXPECT_EQ(&AllProfiles(), &all);
}

TEST(Profiles, SeedNumbers) {
  const Profile& huawei = *FindProfile("huawei");
  EXPECT_EQ(huawei.username.min_length, 5);   // seed 004
  EXPECT_EQ(huawei.username.max_length, 32);  // seed 004
  EXPECT_TRUE(huawei.username.no_leading_digit);
  EXPECT_EQ(huawei.password.min_length, 6);   // seeds 000, 004
  EXPECT_EQ(huawei.password.max_length, 32);  // seeds 000, 004
  EXPECT_EQ(huawei.password.min_classes, 2);
  EXPECT_EQ(huawei.generated_password_length, 10);  // seed 000
  EXPECT_TRUE(huawei.password.forbid_username);
  EXPECT_TRUE(huawei.password.forbid_contact);

  const Profile& alibaba = *FindProfile("alibaba");  // seed 003 supersedes 002
  EXPECT_EQ(alibaba.username.max_length, 256);
  EXPECT_EQ(alibaba.contact.display_name_max, 128);
  EXPECT_EQ(alibaba.contact.description_max, 256);
  EXPECT_EQ(alibaba.contact.external_id_max, 128);
  EXPECT_EQ(alibaba.contact.email_max, 128);
  EXPECT_EQ(alibaba.contact.phone_region_min, 1);
  EXPECT_EQ(alibaba.contact.phone_region_max, 6);
  EXPECT_EQ(alibaba.contact.phone_min, 6);
  EXPECT_EQ(alibaba.contact.phone_max, 15);
  EXPECT_TRUE(alibaba.requires_primary_ou);
  EXPECT_TRUE(alibaba.requires_verified_flags);

  const Profile& tencent = *FindProfile("tencent");
  EXPECT_EQ(tencent.username.min_length, 1);
  EXPECT_EQ(tencent.username.max_length, 64);
  EXPECT_EQ(tencent.password.required_classes,
            kClassUpper | kClassLower | kClassDigit | kClassSpecial);
  EXPECT_EQ(tencent.generated_password_length, 32);

  const Profile& nist = *FindProfile("nist");
  EXPECT_TRUE(nist.username.unicode);
  EXPECT_EQ(nist.password.min_length, 15);
  EXPECT_EQ(nist.password.mfa_min_length, 8);
  EXPECT_EQ(nist.password.max_length, 64);
  EXPECT_EQ(nist.password.min_classes, 0);
  EXPECT_EQ(nist.password.normalization, PasswordNormalization::kNfkc);
}

TEST(Profiles, EveryDefaultPolicyCompiles) {
  for (const Profile* p : AllProfiles()) {
    EXPECT_TRUE(PasswordChecker::Create(p->password).ok()) << p->name;
    // Generator specials are specials of the policy.
    for (char c : p->generator_specials) {
      EXPECT_NE(p->password.special_chars.find(c), std::string::npos) << p->name << " " << c;
    }
  }
}

TEST(CharSet, Of) {
  const CharSet set = CharSet::Of("ab-");
  EXPECT_TRUE(set('a'));
  EXPECT_TRUE(set('b'));
  EXPECT_TRUE(set('-'));
  EXPECT_FALSE(set('c'));
  EXPECT_FALSE(set('A'));
  EXPECT_FALSE(set(0));
  EXPECT_FALSE(set(0xFF));
  EXPECT_TRUE(CharSet::Of("\xff")(0xFF));
}

// ---------------------------------------------------------------- errors

absl::Status DuplicateUsername() {
  return MakeError(absl::StatusCode::kAlreadyExists, "username", "username.duplicate",
                   "username: already exists");
}

TEST(MapError, AlibabaDuplicateUsernameIs403) {
  const HttpError e = MapError(*FindProfile("alibaba"), DuplicateUsername());
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.provider_code, "ResourceDuplicated.Username");
}

TEST(MapError, HuaweiDuplicateUsernameIs409) {
  const HttpError e = MapError(*FindProfile("huawei"), DuplicateUsername());
  EXPECT_EQ(e.http_status, 409);
  EXPECT_EQ(e.provider_code, "1109");
}

TEST(MapError, OtherDuplicates) {
  const absl::Status email =
      MakeError(absl::StatusCode::kAlreadyExists, "email", "email.duplicate", "email: taken");
  EXPECT_EQ(MapError(*FindProfile("alibaba"), email).http_status, 403);
  EXPECT_EQ(MapError(*FindProfile("alibaba"), email).provider_code, "ResourceDuplicated.Email");
  EXPECT_EQ(MapError(*FindProfile("huawei"), email).http_status, 409);
  EXPECT_EQ(MapError(*FindProfile("huawei"), email).provider_code, "1110");
  // An AlreadyExists with no specific row falls back to the generic one.
  const absl::Status other = MakeError(absl::StatusCode::kAlreadyExists, "custom_field",
                                       "custom_field.duplicate", "custom_field: taken");
  EXPECT_EQ(MapError(*FindProfile("alibaba"), other).http_status, 409);
  EXPECT_EQ(MapError(*FindProfile("alibaba"), other).provider_code, "ResourceDuplicated");
  EXPECT_EQ(MapError(*FindProfile("tencent"), DuplicateUsername()).http_status, 409);
  EXPECT_EQ(MapError(*FindProfile("tencent"), DuplicateUsername()).provider_code,
            "InvalidParameter.SubUserNameInUse");
}

TEST(MapError, ReasonPrefixRows) {
  const Profile& huawei = *FindProfile("huawei");
  const HttpError password =
      MapError(huawei, InvalidField("password", "password.too_short", "password: too short"));
  EXPECT_EQ(password.http_status, 400);
  EXPECT_EQ(password.provider_code, "1103");
  const HttpError username =
      MapError(huawei, InvalidField("user.name", "username.leading_digit", "bad"));
  EXPECT_EQ(username.http_status, 400);
  EXPECT_EQ(username.provider_code, "1101");
  // A prefix row does not match a longer word that merely starts alike.
  const HttpError other = MapError(huawei, InvalidField("x", "passwordish.thing", "bad"));
  EXPECT_EQ(other.http_status, 400);
  EXPECT_EQ(other.provider_code, "IAM.0007");
  // Without a reason, the generic row of the code.
  const HttpError plain = MapError(huawei, absl::InvalidArgumentError("bad"));
  EXPECT_EQ(plain.provider_code, "IAM.0007");
}

TEST(MapError, GenericCodes) {
  const Profile& alibaba = *FindProfile("alibaba");
  EXPECT_EQ(MapError(alibaba, absl::InvalidArgumentError("x")).http_status, 400);
  EXPECT_EQ(MapError(alibaba, absl::InvalidArgumentError("x")).provider_code, "InvalidParameter");
  EXPECT_EQ(MapError(alibaba, absl::NotFoundError("x")).http_status, 404);
  EXPECT_EQ(MapError(alibaba, absl::PermissionDeniedError("x")).http_status, 403);
  EXPECT_EQ(MapError(alibaba, absl::UnauthenticatedError("x")).http_status, 401);
  EXPECT_EQ(MapError(alibaba, absl::ResourceExhaustedError("x")).http_status, 413);
  EXPECT_EQ(MapError(alibaba, absl::UnavailableError("x")).http_status, 503);
  EXPECT_EQ(MapError(alibaba, absl::InternalError("x")).http_status, 500);
  // Codes no table lists are internal errors.
  const HttpError unknown = MapError(alibaba, absl::DataLossError("x"));
  EXPECT_EQ(unknown.http_status, 500);
  EXPECT_EQ(unknown.provider_code, "InternalError");
  // Idempotency mismatch has its own row in alibaba.
  const HttpError idem = MapError(
      alibaba, MakeError(absl::StatusCode::kFailedPrecondition, "client_token",
                         "idempotency.mismatch", "client_token: reused with other parameters"));
  EXPECT_EQ(idem.http_status, 400);
  EXPECT_EQ(idem.provider_code, "IdempotentParameterMismatch");
}

TEST(MapError, EveryProfileMapsEveryErrorCode) {
  for (const Profile* p : AllProfiles()) {
    for (absl::StatusCode code :
         {absl::StatusCode::kInvalidArgument, absl::StatusCode::kAlreadyExists,
          absl::StatusCode::kNotFound, absl::StatusCode::kFailedPrecondition,
          absl::StatusCode::kPermissionDenied, absl::StatusCode::kUnauthenticated,
          absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnavailable}) {
      const HttpError e = MapError(*p, absl::Status(code, "x"));
      EXPECT_GE(e.http_status, 400) << p->name;
      EXPECT_LT(e.http_status, 600) << p->name;
      EXPECT_NE(e.http_status, 500) << p->name << " " << absl::StatusCodeToString(code);
      EXPECT_FALSE(e.provider_code.empty()) << p->name;
    }
  }
}

}  // namespace
}  // namespace iam
