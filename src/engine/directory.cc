// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Groups, organizational units, custom-field definitions and permission
// policies. The rules are iam/names.h's and iam/policy.h's; the store enforces
// unique names, versions, and refuses to delete an entry still in use.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/names.h"
#include "iam/policy.h"
#include "iam/profile.h"
#include "iam/user_id.h"

namespace iam {
namespace {

std::string KindAction(absl::string_view verb, EntryKind kind) {
  return absl::StrCat("iam:", verb, KindInfo(kind).action_noun);
}

// A system policy as the entry every surface renders.
DirectoryEntry SystemEntry(const PolicyCatalog::Entry& p, absl::string_view tenant) {
  DirectoryEntry e;
  e.kind = EntryKind::kPolicy;
  e.tenant = std::string(tenant);
  e.id = p.id;
  e.name = p.name;
  e.description = p.description;
  e.document = p.document;
  e.system = true;
  return e;
}

// The profile's system policy named `name` (ASCII case ignored), never by
// id: what a tenant policy's name may not be, and what an attached name means.
const PolicyCatalog::Entry* SystemPolicyNamed(const Profile& profile, absl::string_view name) {
  for (const PolicyCatalog::Entry& p : PolicyCatalog::For(profile).system_policies()) {
    if (absl::EqualsIgnoreCase(p.name, name)) return &p;
  }
  return nullptr;
}

absl::Status ReadOnlySystemPolicy() {
  return MakeError(absl::StatusCode::kFailedPrecondition, "id", "policy.read_only",
                   "id: a system policy cannot be changed or deleted");
}

}  // namespace

absl::Status Engine::Impl::CheckPolicyDocument(absl::string_view document) const {
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled =
      CompilePolicy(document, *profile);
  if (compiled.ok()) return absl::OkStatus();
  // The compiler's field and message ("Statement[0].Effect: ...") under "document".
  const std::string inner = ErrorField(compiled.status());
  const bool whole = inner.empty() || inner == "document";
  return MakeError(absl::StatusCode::kInvalidArgument,
                   whole ? "document" : absl::StrCat("document.", inner),
                   ErrorReason(compiled.status()),
                   absl::StrCat(whole ? "document: " : "document.", compiled.status().message()));
}

absl::StatusOr<std::string> Engine::Impl::ResolvePolicy(absl::string_view tenant,
                                                        absl::string_view name,
                                                        absl::string_view field) const {
  if (const PolicyCatalog::Entry* p = SystemPolicyNamed(*profile, name)) return p->name;
  absl::StatusOr<DirectoryEntry> own = store->FindEntry(EntryKind::kPolicy, tenant, name);
  if (absl::IsNotFound(own.status())) {
    return internal::NotFound(field, "policy.not_found",
                              "no such system policy or policy of this tenant");
  }
  if (!own.ok()) return own.status();
  return own->name;
}

absl::Status Engine::Impl::ResolvePolicyList(absl::string_view tenant,
                                             const std::vector<std::string>& names,
                                             std::vector<std::string>* out) const {
  std::vector<std::string> resolved;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string field = absl::StrCat("policies[", i, "]");
    IAM_RETURN_IF_ERROR(ValidatePolicyName(names[i], field));
    absl::StatusOr<std::string> name = ResolvePolicy(tenant, names[i], field);
    if (!name.ok()) return name.status();
    if (std::find(resolved.begin(), resolved.end(), *name) == resolved.end()) {
      resolved.push_back(*std::move(name));
    }
  }
  *out = std::move(resolved);
  return absl::OkStatus();
}

absl::StatusOr<DirectoryEntry> Engine::CreateEntry(const Principal& caller, DirectoryEntry e) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, KindAction("Create", e.kind), e.tenant));
  if (!e.policies.empty()) {
    IAM_RETURN_IF_ERROR(
        I.authorizer->AuthorizeTarget(caller, "iam:AttachGroupPolicy", e.tenant, ""));
  }
  IAM_RETURN_IF_ERROR(ValidateEntry(e));
  if (e.kind == EntryKind::kCustomField && e.field_type.empty()) e.field_type = "string";
  if (e.kind == EntryKind::kPolicy) {
    if (SystemPolicyNamed(*I.profile, e.name) != nullptr) {
      return MakeError(absl::StatusCode::kAlreadyExists, "name", "policy.duplicate",
                       "name: a system policy has this name");
    }
    IAM_RETURN_IF_ERROR(I.CheckPolicyDocument(e.document));
  }
  IAM_RETURN_IF_ERROR(I.ResolvePolicyList(e.tenant, e.policies, &e.policies));
  IdFormat format = {KindInfo(e.kind).id_prefix, kLowerBase32, 26};
  const IdFormat* own = nullptr;
  if (e.kind == EntryKind::kGroup) own = &I.profile->group_id;
  if (e.kind == EntryKind::kOrganizationalUnit) own = &I.profile->ou_id;
  if (e.kind == EntryKind::kPolicy) own = &I.profile->policy_id;
  if (own != nullptr && !own->alphabet.empty()) format = *own;
  e.id = GenerateId(format, I.random);
  e.version = 1;
  e.system = false;
  e.created_at = I.clock->Now();
  e.updated_at = absl::InfinitePast();
  IAM_RETURN_IF_ERROR(I.store->CreateEntry(e));
  return e;
}

absl::StatusOr<DirectoryEntry> Engine::GetEntry(const Principal& caller, EntryKind kind,
                                                absl::string_view tenant,
                                                absl::string_view id_or_name) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, KindAction("Get", kind), tenant, id_or_name));
  if (kind == EntryKind::kPolicy) {
    if (const PolicyCatalog::Entry* p = PolicyCatalog::For(*I.profile).FindSystemPolicy(id_or_name))
      return SystemEntry(*p, tenant);
  }
  return I.store->FindEntry(kind, tenant, id_or_name);
}

absl::StatusOr<std::vector<DirectoryEntry>> Engine::ListEntries(const Principal& caller,
                                                                EntryKind kind,
                                                                absl::string_view tenant,
                                                                absl::string_view keyword) {
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("List", kind), tenant));
  absl::StatusOr<std::vector<DirectoryEntry>> stored =
      impl_->store->ListEntries(kind, tenant, keyword);
  if (!stored.ok() || kind != EntryKind::kPolicy) return stored;
  std::vector<DirectoryEntry> all;
  const std::string folded = FoldName(keyword);
  for (const PolicyCatalog::Entry& p : PolicyCatalog::For(*impl_->profile).system_policies()) {
    if (FoldName(p.name).find(folded) != std::string::npos) all.push_back(SystemEntry(p, tenant));
  }
  all.insert(all.end(), std::make_move_iterator(stored->begin()),
             std::make_move_iterator(stored->end()));
  return all;
}

absl::StatusOr<DirectoryEntry> Engine::UpdateEntry(const EntryUpdate& u) {
  Impl& I = *impl_;
  if (u.kind != EntryKind::kGroup && u.kind != EntryKind::kPolicy) {
    return internal::Invalid("kind", "entry.read_only", "only groups and policies can be updated");
  }
  IAM_RETURN_IF_ERROR(I.Admit(u.caller, KindAction("Update", u.kind), u.tenant, u.id_or_name));
  if (u.kind == EntryKind::kPolicy &&
      PolicyCatalog::For(*I.profile).FindSystemPolicy(u.id_or_name) != nullptr) {
    return ReadOnlySystemPolicy();
  }
  absl::StatusOr<DirectoryEntry> found = I.store->FindEntry(u.kind, u.tenant, u.id_or_name);
  if (!found.ok()) return found.status();
  DirectoryEntry e = *std::move(found);
  const int64_t expected = u.expected_version.value_or(e.version);
  if (u.description) e.description = *u.description;
  if (u.document) e.document = *u.document;
  if (u.policies) {
    IAM_RETURN_IF_ERROR(
        I.authorizer->AuthorizeTarget(u.caller, "iam:AttachGroupPolicy", u.tenant, e.id));
    e.policies = *u.policies;
  }
  IAM_RETURN_IF_ERROR(ValidateEntry(e));
  if (u.document) IAM_RETURN_IF_ERROR(I.CheckPolicyDocument(e.document));
  if (u.policies) IAM_RETURN_IF_ERROR(I.ResolvePolicyList(u.tenant, e.policies, &e.policies));
  e.updated_at = I.clock->Now();
  IAM_RETURN_IF_ERROR(I.store->UpdateEntry(e, expected));
  e.version = expected + 1;
  return e;
}

absl::Status Engine::DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                                 absl::string_view id_or_name) {
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("Delete", kind), tenant, id_or_name));
  if (kind == EntryKind::kPolicy &&
      PolicyCatalog::For(*impl_->profile).FindSystemPolicy(id_or_name) != nullptr) {
    return ReadOnlySystemPolicy();
  }
  absl::StatusOr<DirectoryEntry> e = impl_->store->FindEntry(kind, tenant, id_or_name);
  if (!e.ok()) return e.status();
  return impl_->store->DeleteEntry(kind, tenant, e->id);
}

}  // namespace iam
