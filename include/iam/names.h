// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The rules for names that are not a user's own fields: tenant ids, policy
// names, client tokens, directory entries (groups, organizational units,
// custom-field definitions) and the values users give custom fields. Every
// limit is in the kNameRules table; the engine, the C ABI and the wire layer
// all check through these functions.
//
//   iam::ValidateTenantId("d78cbac186b744899480f25bd02");   // OK
//   iam::ValidatePolicyName("Admin Access", "policies[0]");
//   // InvalidArgument, field "policies[0]", reason "policy.invalid"
//   iam::KindInfo(iam::EntryKind::kGroup).id_prefix;      // "grp_"
//
// Thread-safety: pure functions; the custom-field pattern cache is internally
// synchronized.
#ifndef IAM_NAMES_H_
#define IAM_NAMES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/user.h"

namespace iam {

// Every limit of the names above, as data.
struct NameRules {
  int tenant_id_max;           // bytes of [A-Za-z0-9_.-]
  int policy_name_max;         // bytes of letters, digits and +=,.@_-:/*
  int client_token_max;        // bytes of printable ASCII
  int default_project_id_max;  // bytes of printable ASCII
  int entry_name_max;          // code points, no control or invisible ones
  int entry_description_max;   // code points
  int custom_field_length_max;
  int policy_document_max;  // bytes of a tenant policy's JSON (Tencent CAM's 6,144)
};
inline constexpr NameRules kNameRules = {64, 128, 64, 64, 64, 256, 4096, 6144};

// What each directory-entry kind is called: in error reasons ("ou.not_found"),
// in JSON ("organizational_unit"), in ids ("ou_...") and in action names
// ("iam:CreateOrganizationalUnit").
struct EntryKindInfo {
  EntryKind kind;
  absl::string_view reason_name;
  absl::string_view json_name;
  absl::string_view id_prefix;
  absl::string_view action_noun;
};
IAM_EXPORT const EntryKindInfo& KindInfo(EntryKind kind);
// The kind whose json_name is `name`, or null.
IAM_EXPORT const EntryKindInfo* FindKind(absl::string_view json_name);

// Opaque tenant ids: 1 to tenant_id_max of [A-Za-z0-9_.-]. Field "tenant".
IAM_EXPORT absl::Status ValidateTenantId(absl::string_view tenant);
// Field `field`, reason "policy.invalid".
IAM_EXPORT absl::Status ValidatePolicyName(absl::string_view name, absl::string_view field);
// "" (none) or at most client_token_max printable ASCII. Field "client_token".
IAM_EXPORT absl::Status ValidateClientToken(absl::string_view token);
// At most default_project_id_max printable ASCII. Field "default_project_id".
IAM_EXPORT absl::Status ValidateDefaultProjectId(absl::string_view id);
// The name, description and (custom fields) type, length, allowed values and
// pattern of an entry about to be created; a policy's name follows
// ValidatePolicyName and its document is 1 to policy_document_max bytes (the
// engine compiles it for the profile). Only policies have a document and only
// groups attach policies.
IAM_EXPORT absl::Status ValidateEntry(const DirectoryEntry& entry);
// A user's value for the custom field `definition`, reported under `field`.
IAM_EXPORT absl::Status ValidateCustomFieldValue(const DirectoryEntry& definition,
                                                 absl::string_view value, absl::string_view field);

}  // namespace iam

#endif  // IAM_NAMES_H_
