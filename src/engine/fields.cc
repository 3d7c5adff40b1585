// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The field checks and reference resolution that create and update share.
// Every rule is the rules layer's (iam/contact.h, iam/names.h); this file only
// applies them to a user and resolves names to ids through the store.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/contact.h"
#include "iam/names.h"

namespace iam {

using internal::Invalid;
using internal::NotFound;

namespace {

// Resolves group or OU references (ids or names) to ids, without repeats.
absl::StatusOr<std::vector<std::string>> Resolve(Store* store, EntryKind kind,
                                                 const std::string& tenant,
                                                 const std::vector<std::string>& refs,
                                                 absl::string_view field) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < refs.size(); ++i) {
    absl::StatusOr<DirectoryEntry> e = store->FindEntry(kind, tenant, refs[i]);
    if (absl::IsNotFound(e.status())) {
      const absl::string_view kind_name = KindInfo(kind).reason_name;
      return NotFound(absl::StrCat(field, "[", i, "]"), absl::StrCat(kind_name, ".not_found"),
                      absl::StrCat("no ", kind_name, " '", refs[i], "' in this tenant"));
    }
    if (!e.ok()) return e.status();
    if (std::find(ids.begin(), ids.end(), e->id) == ids.end()) ids.push_back(e->id);
  }
  return ids;
}

}  // namespace

absl::Status Engine::Impl::ValidateFields(const User& u, bool email_verified_given,
                                          bool phone_verified_given) const {
  const Profile& prof = *profile;
  if (!u.display_name.empty()) IAM_RETURN_IF_ERROR(ValidateDisplayName(prof, u.display_name));
  if (!u.description.empty()) IAM_RETURN_IF_ERROR(ValidateDescription(prof, u.description));
  if (!u.email.empty()) {
    IAM_RETURN_IF_ERROR(ValidateEmail(prof, u.email));
    if (prof.requires_verified_flags && !email_verified_given) {
      return Invalid("email_verified", "email_verified.required", "is required with email");
    }
  }
  if (!u.phone.empty()) {
    IAM_RETURN_IF_ERROR(ValidatePhoneNumber(prof, u.phone));
    if (prof.requires_verified_flags && !phone_verified_given) {
      return Invalid("phone_verified", "phone_verified.required", "is required with phone");
    }
  }
  if (!u.phone_region.empty()) {
    if (u.phone.empty()) return Invalid("phone", "phone.required", "is required with phone_region");
    IAM_RETURN_IF_ERROR(ValidatePhoneRegion(prof, u.phone_region));
  }
  if (!u.external_id.empty()) IAM_RETURN_IF_ERROR(ValidateExternalId(prof, u.external_id));
  IAM_RETURN_IF_ERROR(ValidateDefaultProjectId(u.default_project_id));
  if (u.sms_login_verification && (u.email.empty() || u.phone.empty())) {
    return Invalid("sms_login_verification", "login_protection.requires_email_and_phone",
                   "SMS login verification needs both an email and a mobile number");
  }
  return absl::OkStatus();
}

void Engine::Impl::CanonicalizePhone(User* u) const {
  if (u->phone.empty()) return;
  PhoneNumber p = CanonicalPhone(*profile, u->phone_region, u->phone);
  u->phone_region = std::move(p.region);
  u->phone = std::move(p.number);
}

absl::Status Engine::Impl::ResolvePrimaryOu(const std::string& tenant, const std::string& ref,
                                            User* u) {
  if (profile->requires_primary_ou && ref.empty()) {
    return Invalid("primary_ou", "ou.primary_required", "is required");
  }
  u->primary_ou.clear();
  if (ref.empty()) return absl::OkStatus();
  auto ids = Resolve(store, EntryKind::kOrganizationalUnit, tenant, {ref}, "primary_ou");
  if (!ids.ok()) {
    return MakeError(ids.status().code(), "primary_ou", ErrorReason(ids.status()),
                     absl::StrCat("primary_ou: no ou '", ref, "' in this tenant"));
  }
  u->primary_ou = ids->front();
  return absl::OkStatus();
}

absl::Status Engine::Impl::ResolveOus(const std::string& tenant,
                                      const std::vector<std::string>& refs, User* u) {
  auto ous = Resolve(store, EntryKind::kOrganizationalUnit, tenant, refs, "ous");
  if (!ous.ok()) return ous.status();
  u->ous.clear();
  for (const std::string& id : *ous) {
    if (id != u->primary_ou) u->ous.push_back(id);
  }
  return absl::OkStatus();
}

absl::Status Engine::Impl::ResolveGroups(const std::string& tenant,
                                         const std::vector<std::string>& refs, User* u) {
  auto groups = Resolve(store, EntryKind::kGroup, tenant, refs, "groups");
  if (!groups.ok()) return groups.status();
  u->groups = *groups;
  return absl::OkStatus();
}

absl::Status Engine::Impl::ResolveCustomFields(const std::string& tenant,
                                               const std::vector<CustomFieldValue>& fields,
                                               User* u) {
  u->custom_fields.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    const CustomFieldValue& f = fields[i];
    const std::string field = absl::StrCat("custom_fields[", i, "]");
    absl::StatusOr<DirectoryEntry> def = store->FindEntry(EntryKind::kCustomField, tenant, f.name);
    if (absl::IsNotFound(def.status())) {
      return NotFound(field, "custom_field.not_found",
                      absl::StrCat("no custom field '", f.name, "' is defined"));
    }
    if (!def.ok()) return def.status();
    if (u->custom_fields.count(def->name)) {
      return Invalid(field, "custom_field.repeated", "is given twice");
    }
    IAM_RETURN_IF_ERROR(ValidateCustomFieldValue(*def, f.value, field));
    u->custom_fields[def->name] = f.value;
  }
  return absl::OkStatus();
}

absl::Status Engine::Impl::ResolvePolicies(const std::vector<std::string>& names, bool quick_create,
                                           User* u) const {
  IAM_RETURN_IF_ERROR(ResolvePolicyList(u->tenant, names, &u->policies));
  if (quick_create && std::find(u->policies.begin(), u->policies.end(), options.admin_policy) ==
                          u->policies.end()) {
    u->policies.push_back(options.admin_policy);
  }
  return absl::OkStatus();
}

}  // namespace iam
