// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// PolicyAuthorizer: the caller's attached policies evaluated over the target
// rendered as the profile's resource name.
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/authorizer.h"
#include "iam/error.h"
#include "iam/names.h"
#include "iam/store.h"
#include "rules/policy_tables.h"
#include "store/store_keys.h"

namespace iam {

namespace {

// What every user may do to itself when no policy says otherwise.
constexpr absl::string_view kSelfActions[] = {"iam:GetUser", "iam:ListAccessKeys"};
// The actions whose target is an access key id (acting on its user).
constexpr absl::string_view kKeyTargetActions[] = {"iam:UpdateAccessKey", "iam:DeleteAccessKey"};

bool In(absl::Span<const absl::string_view> set, absl::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

absl::string_view ResourceKindOf(absl::string_view action) {
  const int i = EngineActionIndex(action);
  return i < 0 ? "user" : internal::EngineActionTable()[static_cast<size_t>(i)].resource_kind;
}

absl::Status Denied(absl::string_view action) {
  return MakeError(absl::StatusCode::kPermissionDenied, "", "authorization.denied",
                   absl::StrCat("the caller is not allowed ", action, " on this resource"));
}

}  // namespace

PolicyAuthorizer::PolicyAuthorizer(Store* store, const Profile& profile)
    : store_(store), catalog_(PolicyCatalog::For(profile)), profile_(&profile) {}

PolicyAuthorizer::~PolicyAuthorizer() = default;

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> PolicyAuthorizer::TenantPolicy(
    absl::string_view tenant, absl::string_view name) {
  absl::StatusOr<DirectoryEntry> entry = store_->FindEntry(EntryKind::kPolicy, tenant, name);
  if (!entry.ok()) return entry.status();
  const std::string key = absl::StrCat(tenant, "\x1f", entry->id);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.version == entry->version) return it->second.compiled;
  }
  // A new or edited policy: compiled once per version, outside the lock.
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled =
      CompilePolicy(entry->document, *profile_);
  if (!compiled.ok()) {
    // The engine compiled it before storing it: a store edited by hand.
    return MakeError(absl::StatusCode::kDataLoss, "", "policy.document_invalid",
                     absl::StrCat("stored policy ", entry->name, " does not compile"));
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (cache_.size() >= kMaxCachedPolicies) cache_.clear();
  cache_[key] = {entry->version, *compiled};
  return *compiled;
}

absl::Status PolicyAuthorizer::Authorize(const Principal& caller, absl::string_view action,
                                         absl::string_view tenant) {
  return AuthorizeTarget(caller, action, tenant, "");
}

absl::Status PolicyAuthorizer::AuthorizeTarget(const Principal& caller, absl::string_view action,
                                               absl::string_view tenant, absl::string_view target) {
  if (caller.id.empty() || caller.tenant != tenant) return Denied(action);
  absl::StatusOr<UserRecord> me = store_->FindUser(tenant, UserKey::kId, caller.id);
  if (absl::IsNotFound(me.status())) return Denied(action);
  if (!me.ok()) return me.status();
  if (!me->user.enabled) return Denied(action);

  // The caller's own policies, then its groups'.
  absl::InlinedVector<std::shared_ptr<const CompiledPolicy>, 8> owned;
  absl::InlinedVector<const CompiledPolicy*, 8> policies;
  auto attach = [&](const std::vector<std::string>& names) -> absl::Status {
    for (const std::string& policy_name : names) {
      if (const CompiledPolicy* system = catalog_.SystemPolicy(policy_name)) {
        policies.push_back(system);
        continue;
      }
      absl::StatusOr<std::shared_ptr<const CompiledPolicy>> own = TenantPolicy(tenant, policy_name);
      if (absl::IsNotFound(own.status())) continue;  // detached and deleted meanwhile
      if (!own.ok()) return own.status();
      policies.push_back(own->get());
      owned.push_back(*std::move(own));
    }
    return absl::OkStatus();
  };
  IAM_RETURN_IF_ERROR(attach(me->user.policies));
  for (const std::string& group_id : me->user.groups) {
    absl::StatusOr<DirectoryEntry> group = store_->FindEntry(EntryKind::kGroup, tenant, group_id);
    if (absl::IsNotFound(group.status())) continue;
    if (!group.ok()) return group.status();
    IAM_RETURN_IF_ERROR(attach(group->policies));
  }

  // The target as the profile names it: a user by id and name (a key's
  // user for key actions), an entry by id and name; "" = the collection.
  const absl::string_view kind = ResourceKindOf(action);
  std::string id(target), name(target);
  if (!target.empty() && kind == "user") {
    absl::StatusOr<UserRecord> user = absl::NotFoundError("");
    if (In(kKeyTargetActions, action)) {
      absl::StatusOr<AccessKeyRecord> key = store_->FindAccessKey(target);
      if (key.ok() && key->tenant == tenant) {
        user = store_->FindUser(tenant, UserKey::kId, key->user_id);
      }
    } else {
      user = internal::FindUserByIdOrName(*store_, *profile_, tenant, target);
    }
    if (!user.ok() && !absl::IsNotFound(user.status())) return user.status();
    if (user.ok()) id = user->user.id, name = user->user.username;
  } else if (!target.empty()) {
    const EntryKindInfo* info = FindKind(kind);
    absl::StatusOr<DirectoryEntry> entry =
        info ? store_->FindEntry(info->kind, tenant, target) : absl::NotFoundError("");
    if (!entry.ok() && !absl::IsNotFound(entry.status())) return entry.status();
    if (entry.ok()) id = entry->id, name = entry->name;
  }
  const std::string resource = catalog_.RenderResource(kind, tenant, id, name);
  const Decision decision = Evaluate(policies, {action, resource, &caller.context});
  if (decision == Decision::kAllow) return absl::OkStatus();
  if (decision == Decision::kImplicitDeny && In(kSelfActions, action) && id == caller.id) {
    return absl::OkStatus();
  }
  return Denied(action);
}

}  // namespace iam
