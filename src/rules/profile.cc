// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The dialect tables. Every number here comes from a seed document (cited by
// file) or from the provider's public documentation (cited by page).
#include "iam/profile.h"

#include <algorithm>

#include "iam/access_key.h"
#include "iam/error.h"

namespace iam {

CharSet CharSet::Of(absl::string_view members) {
  CharSet set;
  for (unsigned char c : members) set.has[c] = true;
  return set;
}

namespace {

using Code = absl::StatusCode;

constexpr absl::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// AWS-style: AKIA + 16 of [A-Z2-7]; a 40-character base64-alphabet secret.
constexpr AccessKeyFormat kAwsAccessKey = {
    {"AKIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16},
    {"", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40}};

std::string Concat(absl::string_view a, absl::string_view b) {
  std::string s(a);
  s.append(b.data(), b.size());
  return s;
}

// Rows shared by every dialect after its own: canonical code -> HTTP status.
// A dialect's answers to the errors every operation can give, one per
// canonical code, plus the batch's own error for a member not created because
// a sibling failed.
struct GenericCodes {
  absl::string_view invalid;
  absl::string_view duplicate;
  absl::string_view not_found;
  absl::string_view idempotency;
  absl::string_view denied;
  absl::string_view internal;
  absl::string_view conflict;       // a stale version (optimistic concurrency)
  absl::string_view batch_aborted;  // a valid batch member not created
};

void AppendGenericErrors(std::vector<ErrorMapping>* rows, const GenericCodes& c) {
  rows->push_back({Code::kAborted, "batch.aborted", 400, c.batch_aborted});
  rows->push_back({Code::kInvalidArgument, "", 400, c.invalid});
  rows->push_back({Code::kAlreadyExists, "", 409, c.duplicate});
  rows->push_back({Code::kNotFound, "", 404, c.not_found});
  rows->push_back({Code::kFailedPrecondition, "", 409, c.idempotency});
  rows->push_back({Code::kAborted, "", 409, c.conflict});
  rows->push_back({Code::kPermissionDenied, "", 403, c.denied});
  rows->push_back({Code::kUnauthenticated, "", 401, "Unauthenticated"});
  rows->push_back({Code::kResourceExhausted, "", 413, "RequestEntityTooLarge"});
  rows->push_back({Code::kOutOfRange, "", 400, c.invalid});
  rows->push_back({Code::kUnavailable, "", 503, "ServiceUnavailable"});
  rows->push_back({Code::kInternal, "", 500, c.internal});
}

Profile Huawei() {
  Profile p;
  p.name = "huawei";
  p.description = "Huawei Cloud IAM (seeds 000, 004)";
  // Seed 004: 5-32 characters; letters, digits, '-', '_', '.'; no leading digit.
  p.username = {5, 32, CharSet::Of(Concat(kAlnum, "-_.")), true, false};
  // Display name is not in the seeds: 64 as Huawei's console. Description: the
  // IAM API documents 0-255 characters. Email: RFC 5321 limits.
  p.contact = {64, 255, 128, 254, 64, CharSet::Of(Concat(kAlnum, "._%+-")), 1, 6, 6, 15};
  p.user_id = {"", kLowerHex, 32};  // Keystone uuid4().hex
  // AK: 20 upper-case alphanumerics; SK: 40 alphanumerics (as observed).
  p.access_key = {{"", kUpperAlnum, 20}, {"", kAlnum, 40}};
  // Seeds 000 and 004: 6-32 characters, two of four classes, the special set
  // !"#$%&'()*+,-./:;<=>?@[]^`{_|}~ and space, not the username or its
  // reversal, not containing the mobile number or email.
  p.password.min_length = 6;
  p.password.max_length = 32;
  p.password.min_classes = 2;
  p.password.special_chars = " !\"#$%&'()*+,-./:;<=>?@[]^`{_|}~";
  p.generated_password_length = 10;  // seed 000
  p.generator_specials = "!#$%&*+-.=?@^_~";
  p.requires_primary_ou = false;
  p.requires_verified_flags = false;
  // Huawei IAM error codes (IAM API "Error Codes"): 1101 username, 1102 email,
  // 1103 password, 1104 mobile, 1109/1110/1111 duplicates; seed 004: 409.
  p.errors = {
      {Code::kAlreadyExists, "username.duplicate", 409, "1109"},
      {Code::kAlreadyExists, "email.duplicate", 409, "1110"},
      {Code::kAlreadyExists, "phone.duplicate", 409, "1111"},
  };
  for (auto [prefix, code] : {std::pair{"username.", "1101"},
                              {"email.", "1102"},
                              {"password.", "1103"},
                              {"phone.", "1104"},
                              {"description.", "1117"}}) {
    p.errors.push_back({Code::kInvalidArgument, prefix, 400, code});
  }
  AppendGenericErrors(&p.errors, {"IAM.0007", "Conflict", "IAM.0004", "IAM.0014", "IAM.0003",
                                  "IAM.0006", "Conflict", "IAM.0007"});
  return p;
}

Profile Alibaba() {
  Profile p;
  p.name = "alibaba";
  p.description = "Alibaba Cloud IDaaS EIAM CreateUser (seed 003, superseding 002)";
  // Seed 003: letters, digits, '_', '.', '@', '-'; at most 256 characters.
  p.username = {1, 256, CharSet::Of(Concat(kAlnum, "_.@-")), false, false};
  // Seed 003: DisplayName 128, Description 256, UserExternalId 128, Email 128
  // with a local part of letters, digits, '.', '_', '-'; PhoneRegion 1-6
  // digits without '+'; PhoneNumber 6-15 digits.
  p.contact = {128, 256, 128, 128, 64, CharSet::Of(Concat(kAlnum, "._-")), 1, 6, 6, 15};
  p.user_id = {"user_", kLowerBase32, 26};
  // LTAI + 20 alphanumerics; 30-character secret.
  p.access_key = {{"LTAI", kAlnum, 20}, {"", kAlnum, 30}};
  // The instance's password policy is the tenant's to set (seed 003); the
  // default is IDaaS's: 8-64 characters, three of four classes.
  p.password.min_length = 8;
  p.password.max_length = 64;
  p.password.min_classes = 3;
  p.password.special_chars = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  p.generated_password_length = 12;
  p.generator_specials = "!#$%&*+-.=?@^_~";
  p.requires_primary_ou = true;      // seed 003: PrimaryOrganizationalUnitId required
  p.requires_verified_flags = true;  // seed 003: *Verified required with the value
  // Seed 003: duplicate username is 403 ResourceDuplicated.Username.
  p.group_id = {"group_", kLowerBase32, 26};
  p.ou_id = {"ou_", kLowerBase32, 26};
  // EIAM 2021-12-01 error codes, then the POP gateway's signature codes
  // (docs/WIRE-NOTES-2.md 2.8).
  p.errors = {
      {Code::kAlreadyExists, "username.duplicate", 403, "ResourceDuplicated.Username"},
      {Code::kAlreadyExists, "email.duplicate", 403, "ResourceDuplicated.Email"},
      {Code::kAlreadyExists, "phone.duplicate", 403, "ResourceDuplicated.PhoneNumber"},
      {Code::kAlreadyExists, "group.duplicate", 403, "ResourceDuplicated.GroupName"},
      {Code::kAlreadyExists, "ou.duplicate", 403, "ResourceDuplicated.OrganizationalUnitName"},
      {Code::kFailedPrecondition, "idempotency.mismatch", 400, "IdempotentParameterMismatch"},
      {Code::kNotFound, "user.not_found", 404, "EntityNotExist.User"},
      {Code::kNotFound, "group.not_found", 404, "EntityNotExist.Group"},
      {Code::kNotFound, "ou.not_found", 404, "ResourceNotFound.OrganizationalUnit"},
      {Code::kNotFound, "instance.not_found", 404, "ResourceNotFound.Instance"},
      {Code::kPermissionDenied, "authorization.denied", 403, "Forbidden.NoPermission"},
      {Code::kInvalidArgument, "custom_field.", 400, "InvalidParameter.CustomField"},
      {Code::kInvalidArgument, "request.missing_field", 400, "MissingParameter"},
      {Code::kInvalidArgument, "request.unknown_action", 404, "InvalidAction.NotFound"},
      {Code::kUnauthenticated, "signature.incomplete", 400, "IncompleteSignature"},
      {Code::kUnauthenticated, "signature.key_unknown", 404, "InvalidAccessKeyId.NotFound"},
      {Code::kUnauthenticated, "signature.expired", 400, "InvalidTimeStamp.Expired"},
      {Code::kUnauthenticated, "signature.nonce_used", 400, "SignatureNonceUsed"},
      {Code::kUnauthenticated, "signature.", 400, "SignatureDoesNotMatch"},
  };
  AppendGenericErrors(&p.errors, {"InvalidParameter", "ResourceDuplicated", "EntityNotExists",
                                  "IdempotentParameterMismatch", "Forbidden", "InternalError",
                                  "OperationConflict", "OperationFailed.BatchAborted"});
  return p;
}

Profile Tencent() {
  Profile p;
  p.name = "tencent";
  p.description = "Tencent Cloud CAM sub-users (seed 001, CAM AddUser API)";
  // CAM console: a sub-user name has 1-64 characters of letters, digits and
  // + = , . @ _ - (the same set CAM documents for policy names).
  p.username = {1, 64, CharSet::Of(Concat(kAlnum, "+=,.@_-")), false, false};
  p.contact = {64, 255, 128, 254, 64, CharSet::Of(Concat(kAlnum, "._%+-")), 1, 6, 6, 15};
  p.user_id = {"1", kDigits, 11};  // a 12-digit UIN, e.g. 100000546533 (AddUser)
  // SecretId: AKID + 32 alphanumerics; SecretKey: 32 alphanumerics.
  p.access_key = {{"AKID", kAlnum, 32}, {"", kAlnum, 32}};
  // AddUser: "a minimum of 8 characters containing uppercase letters,
  // lowercase letters, digits, and special characters"; generated passwords
  // are 32 characters of all four classes.
  p.password.min_length = 8;
  p.password.max_length = 32;
  p.password.min_classes = 4;
  p.password.required_classes = kClassUpper | kClassLower | kClassDigit | kClassSpecial;
  p.password.special_chars = "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/";
  p.generated_password_length = 32;
  p.generator_specials = "!#$%&*+-.=?@^_~";
  p.requires_primary_ou = false;
  p.requires_verified_flags = false;
  p.recipient_needs_contact = true;  // seed 001: message recipients
  p.group_id = {"1", kDigits, 8};    // CAM GroupId is a number
  p.policy_id = {"2", kDigits, 8};   // so is PolicyId (system policies are 1 to 99)
  // CAM's codes per action (tencentcloud-sdk-go cam/v20190116), then the
  // API 3.0 common codes (docs/WIRE-NOTES-2.md 1.7). CAM answers every error
  // with HTTP 200; the statuses here serve the other surfaces.
  p.errors = {
      {Code::kAlreadyExists, "username.duplicate", 409, "InvalidParameter.SubUserNameInUse"},
      {Code::kAlreadyExists, "group.duplicate", 409, "InvalidParameter.GroupNameInUse"},
      {Code::kAlreadyExists, "policy.duplicate", 409, "FailedOperation.PolicyNameInUse"},
      {Code::kInvalidArgument, "policy.document_invalid", 400,
       "InvalidParameter.PolicyDocumentError"},
      {Code::kInvalidArgument, "policy.invalid", 400, "InvalidParameter.PolicyNameError"},
      {Code::kInvalidArgument, "username.", 400, "InvalidParameter.UserNameIllegal"},
      {Code::kInvalidArgument, "password.", 400, "InvalidParameter.PasswordViolatedRules"},
      {Code::kInvalidArgument, "request.missing_field", 400, "MissingParameter"},
      {Code::kInvalidArgument, "request.unknown_field", 400, "UnknownParameter"},
      {Code::kInvalidArgument, "request.unknown_action", 400, "InvalidAction"},
      {Code::kInvalidArgument, "", 400, "InvalidParameter.ParamError"},
      {Code::kNotFound, "user.not_found", 404, "ResourceNotFound.UserNotExist"},
      {Code::kNotFound, "group.not_found", 404, "InvalidParameter.GroupNotExist"},
      {Code::kNotFound, "policy.not_found", 404, "ResourceNotFound.PolicyIdNotFound"},
      {Code::kFailedPrecondition, "user.has_keys", 409, "OperationDenied.HaveKeys"},
      {Code::kFailedPrecondition, "policy.read_only", 409, "InvalidParameter.PolicyIdError"},
      {Code::kFailedPrecondition, "policy.in_use", 409, "ResourceInUse"},
      {Code::kFailedPrecondition, "access_key.limit_exceeded", 409,
       "OperationDenied.AccessKeyOverLimit"},
      {Code::kPermissionDenied, "", 403, "AuthFailure.UnauthorizedOperation"},
      {Code::kUnauthenticated, "signature.expired", 401, "AuthFailure.SignatureExpire"},
      {Code::kUnauthenticated, "signature.key_unknown", 401, "AuthFailure.SecretIdNotFound"},
      {Code::kUnauthenticated, "signature.", 401, "AuthFailure.SignatureFailure"},
  };
  AppendGenericErrors(&p.errors, {"InvalidParameter", "ResourceInUse", "ResourceNotFound",
                                  "InvalidParameterValue", "UnauthorizedOperation", "InternalError",
                                  "FailedOperation.ConcurrentModification", "FailedOperation"});
  return p;
}

Profile Nist() {
  Profile p;
  p.name = "nist";
  p.description = "NIST SP 800-63B rev. 4 memorized secrets, Unicode usernames";
  p.username = {1, 64, CharSet::Of(Concat(kAlnum, "-_.@")), false, true};
  p.contact = {128, 1024, 256, 254, 64, CharSet::Of(Concat(kAlnum, ".!#$%&'*+/=?^_`{|}~-")),
               1,   6,    4,   15};
  p.user_id = {"", kLowerHex, 32};
  p.access_key = kAwsAccessKey;
  // 800-63B rev. 4, 3.1.1.2: at least 15 characters single-factor (8 with
  // MFA), at least 64 accepted, any printable ASCII, space and Unicode (one
  // code point counts one), no composition rules, a blocklist, NFKC.
  p.password.min_length = 15;
  p.password.mfa_min_length = 8;
  p.password.max_length = 64;
  p.password.min_classes = 0;
  p.password.allow_unicode = true;
  p.password.normalization = PasswordNormalization::kNfkc;
  p.password.special_chars = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  p.password.forbid_contact = true;
  p.generated_password_length = 16;
  p.generator_specials = "";
  p.requires_primary_ou = false;
  p.requires_verified_flags = false;
  p.default_phone_region = "1";  // NANP: the US agencies SP 800-63 serves
  AppendGenericErrors(
      &p.errors, {"invalid_request", "conflict", "not_found", "idempotency_mismatch", "forbidden",
                  "internal_error", "conflict", "batch_aborted"});
  return p;
}

}  // namespace

const AccessKeyFormat& AwsAccessKeyFormat() { return kAwsAccessKey; }

const std::vector<const Profile*>& AllProfiles() {
  static const auto* const profiles = new std::vector<const Profile*>{
      new Profile(Huawei()), new Profile(Alibaba()), new Profile(Tencent()), new Profile(Nist())};
  return *profiles;
}

const Profile* FindProfile(absl::string_view name) {
  for (const Profile* p : AllProfiles()) {
    if (p->name == name) return p;
  }
  return nullptr;
}

HttpError MapError(const Profile& profile, const absl::Status& status) {
  return MapError(profile, status.code(), ErrorReason(status));
}

HttpError MapError(const Profile& profile, absl::StatusCode code, absl::string_view reason) {
  const ErrorMapping* fallback = nullptr;
  for (const ErrorMapping& row : profile.errors) {
    if (row.code != code) continue;
    if (row.reason.empty()) {
      if (fallback == nullptr) fallback = &row;
      continue;
    }
    // A reason ending in '.' is a prefix ("password." matches every password rule).
    const bool prefix = row.reason.back() == '.';
    if (prefix ? absl::string_view(reason).substr(0, row.reason.size()) == row.reason
               : reason == row.reason) {
      return {row.http_status, std::string(row.provider_code)};
    }
  }
  if (fallback != nullptr) return {fallback->http_status, std::string(fallback->provider_code)};
  return {500, "InternalError"};
}

}  // namespace iam
