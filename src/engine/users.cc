// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Reading, listing, updating and deleting users.
#include <algorithm>

#include "engine/engine_impl.h"
#include "iam/contact.h"
#include "iam/username.h"
#include "store/store_keys.h"

namespace iam {

using internal::Invalid;
using internal::NotFound;

absl::StatusOr<User> Engine::GetUser(const Principal& caller, absl::string_view tenant,
                                     absl::string_view id_or_username) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:GetUser", tenant, id_or_username));
  absl::StatusOr<UserRecord> r = I.Load(tenant, id_or_username);
  if (!r.ok()) return r.status();
  return r->user;
}

absl::StatusOr<User> Engine::FindUser(const Principal& caller, absl::string_view tenant,
                                      UserKey key, absl::string_view value) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:ListUsers", tenant));
  std::string canonical(value);
  switch (key) {
    case UserKey::kUsername: {
      absl::StatusOr<std::string> name = UsernameLookupKey(*I.profile, value);
      if (!name.ok()) return NotFound("user", "user.not_found", "no such user in this tenant");
      canonical = *std::move(name);
      break;
    }
    case UserKey::kEmail:
      canonical = CanonicalEmail(value);
      break;
    case UserKey::kPhone:
      canonical = PhoneIdentifierE164(*I.profile, value);
      break;
    case UserKey::kLogin: {
      absl::StatusOr<UserRecord> r = I.LoadByIdentifier(tenant, value);
      if (absl::IsNotFound(r.status())) {
        return NotFound("user", "user.not_found", "no such user in this tenant");
      }
      if (!r.ok()) return r.status();
      return r->user;
    }
    case UserKey::kId:
    case UserKey::kExternalId:
      break;
  }
  if (canonical.empty()) return NotFound("user", "user.not_found", "no such user in this tenant");
  absl::StatusOr<UserRecord> r = I.store->FindUser(tenant, key, canonical);
  if (absl::IsNotFound(r.status())) {
    return NotFound("user", "user.not_found", "no such user in this tenant");
  }
  if (!r.ok()) return r.status();
  return r->user;
}

absl::StatusOr<ListUsersQuery> Engine::Impl::ListQuery(const ListUsersRequest& request) {
  IAM_RETURN_IF_ERROR(Admit(request.caller, "iam:ListUsers", request.tenant));
  ListUsersQuery q;
  q.tenant = request.tenant;
  q.page_size = request.page_size;
  q.page_token = request.page_token;
  q.username_prefix = FoldName(request.name_prefix);
  q.enabled = request.enabled;
  User scratch;
  if (!request.group.empty()) {
    IAM_RETURN_IF_ERROR(ResolveGroups(request.tenant, {request.group}, &scratch));
    q.group_id = scratch.groups.front();
  }
  if (!request.ou.empty()) {
    IAM_RETURN_IF_ERROR(ResolveOus(request.tenant, {request.ou}, &scratch));
    q.ou_id = scratch.ous.front();
  }
  return q;
}

absl::StatusOr<ListUsersResult> Engine::ListUsers(const ListUsersRequest& request) {
  Impl& I = *impl_;
  if (request.page_size < 1 || request.page_size > 1000) {
    IAM_RETURN_IF_ERROR(I.Admit(request.caller, "iam:ListUsers", request.tenant));
    return Invalid("page_size", "page_size.invalid", "must be 1 to 1000");
  }
  absl::StatusOr<ListUsersQuery> q = I.ListQuery(request);
  if (!q.ok()) return q.status();
  absl::StatusOr<ListUsersPage> page = I.store->ListUsers(*q);
  if (!page.ok()) return page.status();
  ListUsersResult out;
  for (UserRecord& r : page->users) out.users.push_back(std::move(r.user));
  out.next_page_token = page->next_page_token;
  return out;
}

absl::StatusOr<int64_t> Engine::CountUsers(const ListUsersRequest& request) {
  Impl& I = *impl_;
  absl::StatusOr<ListUsersQuery> q = I.ListQuery(request);
  if (!q.ok()) return q.status();
  q->page_token.clear();
  absl::StatusOr<int64_t> n = I.store->CountUsers(*q);
  if (!absl::IsUnimplemented(n.status())) return n;
  // A store without a count: its pages, counted.
  int64_t total = 0;
  q->page_size = 1000;
  do {
    absl::StatusOr<ListUsersPage> page = I.store->ListUsers(*q);
    if (!page.ok()) return page.status();
    total += static_cast<int64_t>(page->users.size());
    q->page_token = page->next_page_token;
  } while (!q->page_token.empty());
  return total;
}

absl::StatusOr<User> Engine::UpdateUser(const UpdateUserRequest& r) {
  Impl& I = *impl_;
  return I.Audited(
      &r.caller, r.tenant, "iam:UpdateUser", [&](Impl::AuditScope& audit) -> absl::StatusOr<User> {
        IAM_RETURN_IF_ERROR(I.Admit(r.caller, "iam:UpdateUser", r.tenant, r.user));
        absl::StatusOr<UserRecord> loaded = I.Load(r.tenant, r.user);
        if (!loaded.ok()) return loaded.status();
        UserRecord rec = std::move(*loaded);
        if (r.policies && *r.policies != rec.user.policies) {
          IAM_RETURN_IF_ERROR(I.authorizer->AuthorizeTarget(r.caller, "iam:AttachUserPolicy",
                                                            r.tenant, rec.user.id));
        }
        const int64_t current = rec.user.version;
        if (r.expected_version != 0 && r.expected_version != current)
          return internal::VersionConflict();
        User& u = rec.user;
        if (r.username && *r.username != u.username) {
          absl::StatusOr<std::string> canonical = I.NewUsernameKey(*r.username);
          if (!canonical.ok()) return canonical.status();
          u.username = *r.username;
          rec.canonical_username = *std::move(canonical);
        }
        // A disable ends every session and outstanding link of the user for good.
        const bool disabling = u.enabled && r.enabled.has_value() && !*r.enabled;
        if (r.enabled && *r.enabled != u.enabled) {
          audit.Also(*r.enabled ? "iam:EnableUser" : "iam:DisableUser", u.id);
        }
        if (r.enabled) u.enabled = *r.enabled;
        if (r.display_name) u.display_name = *r.display_name;
        if (r.description) u.description = *r.description;
        // A *_verified flag is required (alibaba) only with a new email or number:
        // an update that leaves them alone keeps the flags they have.
        bool email_flag = true;
        bool phone_flag = true;
        if (r.email) {
          if (*r.email != u.email) {
            email_flag = !I.profile->requires_verified_flags || r.email_verified.has_value() ||
                         r.email->empty();
            u.email_verified = false;
          }
          u.email = *r.email;
        }
        if (r.email_verified) u.email_verified = *r.email_verified;
        if (r.phone) {
          if (*r.phone != u.phone) {
            phone_flag = !I.profile->requires_verified_flags || r.phone_verified.has_value() ||
                         r.phone->empty();
            u.phone_verified = false;
          }
          u.phone = *r.phone;
          if (r.phone->empty()) u.phone_region.clear();
        }
        if (r.phone_region) u.phone_region = *r.phone_region;
        if (r.phone_verified) u.phone_verified = *r.phone_verified;
        if (r.external_id) u.external_id = r.external_id->empty() ? u.id : *r.external_id;
        if (r.default_project_id) u.default_project_id = *r.default_project_id;
        if (r.sms_login_verification) u.sms_login_verification = *r.sms_login_verification;
        if (r.password_reset_required) u.password_reset_required = *r.password_reset_required;
        IAM_RETURN_IF_ERROR(I.ValidateFields(u, email_flag, phone_flag));
        rec.canonical_email = u.email.empty() ? "" : CanonicalEmail(u.email);
        I.CanonicalizePhone(&u);
        if (r.primary_ou) IAM_RETURN_IF_ERROR(I.ResolvePrimaryOu(r.tenant, *r.primary_ou, &u));
        if (r.ous) IAM_RETURN_IF_ERROR(I.ResolveOus(r.tenant, *r.ous, &u));
        if (r.groups) IAM_RETURN_IF_ERROR(I.ResolveGroups(r.tenant, *r.groups, &u));
        if (r.custom_fields)
          IAM_RETURN_IF_ERROR(I.ResolveCustomFields(r.tenant, *r.custom_fields, &u));
        if (r.policies) {
          const std::vector<std::string> before = u.policies;
          IAM_RETURN_IF_ERROR(I.ResolvePolicies(*r.policies, false, &u));
          auto missing_from = [](const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
            for (const std::string& p : a) {
              if (std::find(b.begin(), b.end(), p) == b.end()) return true;
            }
            return false;
          };
          if (missing_from(u.policies, before)) audit.Also("iam:AttachUserPolicy", u.id);
          if (missing_from(before, u.policies)) audit.Also("iam:DetachUserPolicy", u.id);
        }
        const bool new_password = !r.password.empty();
        if (new_password) {
          IAM_RETURN_IF_ERROR(
              I.SetPassword(&rec, r.password.view(), I.clock->Now(), false, "password"));
          audit.Also("iam:SetPassword", u.id);
          if (r.password_reset_required) u.password_reset_required = *r.password_reset_required;
        }
        IAM_RETURN_IF_ERROR(I.CommitUpdate(
            &rec, current, {},
            disabling || new_password ? Impl::UpdateKind::kRevokeTokens : Impl::UpdateKind::kEdit));
        u.version = current + 1;
        return u;
      });
}

absl::Status Engine::DeleteUser(const Principal& caller, absl::string_view tenant,
                                absl::string_view id_or_username, int64_t expected_version) {
  Impl& I = *impl_;
  return I.Audited(&caller, tenant, "iam:DeleteUser", [&](Impl::AuditScope&) -> absl::Status {
    IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:DeleteUser", tenant, id_or_username));
    absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
    if (!rec.ok()) return rec.status();
    if (expected_version != 0 && expected_version != rec->user.version) {
      return internal::VersionConflict();
    }
    WriteSet w;
    w.now = I.clock->Now();
    w.tenant = std::string(tenant);
    w.deleted_user_ids.push_back(rec->user.id);
    return I.Commit(w);
  });
}

}  // namespace iam
