// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Groups, organizational units and custom-field definitions. The rules are
// iam/names.h's; the store enforces unique names and refuses to delete an
// entry a user still references.
#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/names.h"
#include "iam/profile.h"
#include "iam/user_id.h"

namespace iam {
namespace {

std::string KindAction(absl::string_view verb, EntryKind kind) {
  return absl::StrCat("iam:", verb, KindInfo(kind).action_noun);
}

}  // namespace

absl::StatusOr<DirectoryEntry> Engine::CreateEntry(const Principal& caller, DirectoryEntry e) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, KindAction("Create", e.kind), e.tenant));
  IAM_RETURN_IF_ERROR(ValidateEntry(e));
  if (e.kind == EntryKind::kCustomField && e.field_type.empty()) e.field_type = "string";
  IdFormat format = {KindInfo(e.kind).id_prefix, kLowerBase32, 26};
  const IdFormat& own = e.kind == EntryKind::kGroup ? I.profile->group_id : I.profile->ou_id;
  if (e.kind != EntryKind::kCustomField && !own.alphabet.empty()) format = own;
  e.id = GenerateId(format, I.random);
  e.created_at = I.clock->Now();
  IAM_RETURN_IF_ERROR(I.store->CreateEntry(e));
  return e;
}

absl::StatusOr<std::vector<DirectoryEntry>> Engine::ListEntries(const Principal& caller,
                                                                EntryKind kind,
                                                                absl::string_view tenant,
                                                                absl::string_view keyword) {
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("List", kind), tenant));
  return impl_->store->ListEntries(kind, tenant, keyword);
}

absl::Status Engine::DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                                 absl::string_view id_or_name) {
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("Delete", kind), tenant, id_or_name));
  absl::StatusOr<DirectoryEntry> e = impl_->store->FindEntry(kind, tenant, id_or_name);
  if (!e.ok()) return e.status();
  return impl_->store->DeleteEntry(kind, tenant, e->id);
}

}  // namespace iam
