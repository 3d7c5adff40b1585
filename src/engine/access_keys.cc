// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Access keys: issue (the secret returned once, stored sealed), list, enable
// or disable, delete, and constant-time verification.
#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/contact.h"

namespace iam {

using internal::NotFound;

namespace {

absl::StatusOr<AccessKeyRecord> FindKeyInTenant(Store* store, absl::string_view tenant,
                                                absl::string_view id) {
  absl::StatusOr<AccessKeyRecord> k = store->FindAccessKey(id);
  if ((k.ok() && k->tenant != tenant) || absl::IsNotFound(k.status())) {
    return NotFound("access_key", "access_key.not_found", "no such access key");
  }
  return k;
}

AccessKeyInfo InfoOf(const AccessKeyRecord& k) {
  return {k.id,          k.user_id,      k.enabled,       k.created_at,
          k.description, k.last_used_at, k.last_used_from};
}

}  // namespace

IssuedAccessKey Engine::Impl::NewAccessKey(WriteSet* w, const std::string& tenant,
                                           const std::string& user_id) {
  AccessKey key = GenerateAccessKey(profile->access_key, random);
  AccessKeyRecord k;
  k.id = key.id;
  k.tenant = tenant;
  k.user_id = user_id;
  k.key_id = options.host_key_id;
  k.sealed_secret = sealer->Seal(key.secret.view(), key.id);
  k.created_at = w->now;
  w->new_access_keys.push_back(std::move(k));
  return IssuedAccessKey{key.id, std::move(key.secret), w->now};
}

absl::StatusOr<IssuedAccessKey> Engine::CreateAccessKey(const Principal& caller,
                                                        absl::string_view tenant,
                                                        absl::string_view id_or_username,
                                                        absl::string_view description) {
  Impl& I = *impl_;
  return I.Audited(
      &caller, tenant, "iam:CreateAccessKey",
      [&](Impl::AuditScope& audit) -> absl::StatusOr<IssuedAccessKey> {
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:CreateAccessKey", tenant, id_or_username));
        if (!description.empty()) IAM_RETURN_IF_ERROR(ValidateDescription(*I.profile, description));
        absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
        if (!rec.ok()) return rec.status();
        auto existing = I.store->ListAccessKeys(tenant, rec->user.id);
        if (!existing.ok()) return existing.status();
        if (static_cast<int>(existing->size()) >= I.options.max_access_keys_per_user) {
          return MakeError(absl::StatusCode::kFailedPrecondition, "access_key",
                           "access_key.limit_exceeded",
                           absl::StrCat("access_key: a user may have at most ",
                                        I.options.max_access_keys_per_user, " access keys"));
        }
        WriteSet w;
        w.now = I.clock->Now();
        IssuedAccessKey issued = I.NewAccessKey(&w, std::string(tenant), rec->user.id);
        audit.set_target(issued.id);
        w.new_access_keys.back().description = std::string(description);
        // Committed as an edit of the user at the version counted above: of two
        // racing creates past the limit, one aborts (user.version_conflict).
        IAM_RETURN_IF_ERROR(
            I.CommitUpdate(&*rec, rec->user.version, std::move(w), Impl::UpdateKind::kEdit));
        return issued;
      });
}

absl::StatusOr<std::vector<AccessKeyInfo>> Engine::ListAccessKeys(
    const Principal& caller, absl::string_view tenant, absl::string_view id_or_username) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:ListAccessKeys", tenant, id_or_username));
  absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
  if (!rec.ok()) return rec.status();
  auto keys = I.store->ListAccessKeys(tenant, rec->user.id);
  if (!keys.ok()) return keys.status();
  std::vector<AccessKeyInfo> out;
  for (const AccessKeyRecord& k : *keys) {
    out.push_back(InfoOf(k));
  }
  return out;
}

absl::Status Engine::SetAccessKeyEnabled(const Principal& caller, absl::string_view tenant,
                                         absl::string_view access_key_id, bool enabled) {
  Impl& I = *impl_;
  return I.Audited(
      &caller, tenant, enabled ? "iam:EnableAccessKey" : "iam:DisableAccessKey",
      [&](Impl::AuditScope& audit) -> absl::Status {
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:UpdateAccessKey", tenant, access_key_id));
        absl::StatusOr<AccessKeyRecord> k = FindKeyInTenant(I.store, tenant, access_key_id);
        if (!k.ok()) return k.status();
        audit.set_target(k->id);
        k->enabled = enabled;
        WriteSet w;
        w.now = I.clock->Now();
        w.updated_access_keys.push_back(*k);
        return I.Commit(w);
      });
}

absl::Status Engine::DeleteAccessKey(const Principal& caller, absl::string_view tenant,
                                     absl::string_view access_key_id) {
  Impl& I = *impl_;
  return I.Audited(
      &caller, tenant, "iam:DeleteAccessKey", [&](Impl::AuditScope& audit) -> absl::Status {
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:DeleteAccessKey", tenant, access_key_id));
        absl::StatusOr<AccessKeyRecord> k = FindKeyInTenant(I.store, tenant, access_key_id);
        if (!k.ok()) return k.status();
        WriteSet w;
        w.now = I.clock->Now();
        audit.set_target(k->id);
        w.deleted_access_key_ids.push_back(k->id);
        return I.Commit(w);
      });
}

absl::StatusOr<AccessKeyVerification> Engine::VerifyAccessKey(absl::string_view access_key_id,
                                                              absl::string_view secret) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  AccessKeyVerification out;
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (absl::IsNotFound(k.status())) return out;
  if (!k.ok()) return k.status();
  absl::StatusOr<Secret> stored = I.sealer->Open(k->sealed_secret, k->id);
  if (!stored.ok()) return stored.status();
  const bool match = stored->size() == secret.size() &&
                     sodium_memcmp(stored->data(), secret.data(), secret.size()) == 0;
  if (!match || !k->enabled) return out;
  absl::StatusOr<UserRecord> user = I.store->FindUser(k->tenant, UserKey::kId, k->user_id);
  if (!user.ok() || !user->user.enabled) return out;
  out.valid = true;
  out.tenant = k->tenant;
  out.user_id = k->user_id;
  return out;
}

absl::StatusOr<SigningKey> Engine::SigningKeyFor(absl::string_view access_key_id) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  const absl::Status unknown =
      NotFound("access_key", "access_key.not_found", "no such enabled access key");
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (absl::IsNotFound(k.status()) || (k.ok() && !k->enabled)) return unknown;
  if (!k.ok()) return k.status();
  absl::StatusOr<UserRecord> user = I.store->FindUser(k->tenant, UserKey::kId, k->user_id);
  if (absl::IsNotFound(user.status()) || (user.ok() && !user->user.enabled)) return unknown;
  if (!user.ok()) return user.status();
  absl::StatusOr<Secret> secret = I.sealer->Open(k->sealed_secret, k->id);
  if (!secret.ok()) return secret.status();
  return SigningKey{*std::move(secret), k->tenant, k->user_id, k->last_used_at, k->last_used_from};
}

absl::StatusOr<Secret> Engine::AccessKeySecret(absl::string_view access_key_id) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (absl::IsNotFound(k.status()) || (k.ok() && !k->enabled)) {
    return NotFound("access_key", "access_key.not_found", "no such enabled access key");
  }
  if (!k.ok()) return k.status();
  return I.sealer->Open(k->sealed_secret, k->id);
}

absl::StatusOr<AccessKeyInfo> Engine::GetAccessKey(const Principal& caller,
                                                   absl::string_view tenant,
                                                   absl::string_view access_key_id) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:ListAccessKeys", tenant, access_key_id));
  IAM_ASSIGN_OR_RETURN(AccessKeyRecord k, FindKeyInTenant(I.store, tenant, access_key_id));
  return InfoOf(k);
}

absl::Status Engine::RecordAccessKeyUse(absl::string_view access_key_id, const SigningKey& key,
                                        absl::string_view source) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  const absl::Time now = I.clock->Now();
  if (now - key.last_used_at < I.options.access_key_use_interval && key.last_used_from == source) {
    return absl::OkStatus();
  }
  // Read again to write: the record may have changed since the check.
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (!k.ok()) return k.status();
  const Principal user{k->user_id, k->tenant, {}};
  return I.Audited(&user, k->tenant, "iam:UseAccessKey", [&](Impl::AuditScope& audit) {
    audit.set_target(k->id);
    k->last_used_at = now;
    k->last_used_from = std::string(source);
    WriteSet w;
    w.now = now;
    w.updated_access_keys.push_back(*k);
    return I.Commit(std::move(w));
  });
}

}  // namespace iam
