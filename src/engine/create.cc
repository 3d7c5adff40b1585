// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The create path: CreateUser and BatchCreateUsers, with idempotency. Order:
// preamble -> validation and references -> idempotency lookup -> uniqueness
// pre-check -> credentials and Argon2id (no lock) -> one atomic commit ->
// notifications.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/contact.h"
#include "iam/imported_hash.h"
#include "iam/names.h"
#include "iam/password_generator.h"
#include "iam/user_id.h"
#include "iam/username.h"
#include "json/user_json.h"
#include "nlohmann/json.hpp"
#include "store/store_keys.h"

namespace iam {

using internal::Invalid;

absl::StatusOr<std::string> Engine::Impl::NewUsernameKey(absl::string_view username) const {
  absl::StatusOr<std::string> canonical = CanonicalUsername(*profile, username);
  if (!canonical.ok()) return canonical.status();
  // Login takes a name that reads as a mobile number for one ("13800000000",
  // "+8613800000000"): such a name could log in as another user's number.
  if (!PhoneIdentifierE164(*profile, username).empty()) {
    return Invalid("username", "username.reads_as_phone",
                   "must not read as a mobile number, which login would take it for");
  }
  return canonical;
}

absl::StatusOr<Engine::Impl::Prepared> Engine::Impl::Prepare(const CreateUserRequest& r,
                                                             absl::Time now) {
  Prepared p;
  p.checker = CheckerFor(r.tenant);
  UserRecord& rec = p.record;
  User& u = rec.user;
  absl::StatusOr<std::string> canonical = NewUsernameKey(r.username);
  if (!canonical.ok()) return canonical.status();
  rec.canonical_username = *canonical;
  u.tenant = r.tenant;
  u.username = r.username;
  u.display_name = r.display_name;
  u.description = r.description;
  u.email = r.email;
  u.email_verified = r.email_verified.value_or(false);
  u.phone_region = r.phone_region;
  u.phone = r.phone;
  u.phone_verified = r.phone_verified.value_or(false);
  u.external_id = r.external_id;
  u.enabled = r.enabled;
  u.default_project_id = r.default_project_id;
  u.sms_login_verification = r.sms_login_verification;
  IAM_RETURN_IF_ERROR(
      ValidateFields(u, r.email_verified.has_value(), r.phone_verified.has_value()));
  if (!u.email.empty()) rec.canonical_email = CanonicalEmail(u.email);
  CanonicalizePhone(&u);
  IAM_RETURN_IF_ERROR(ValidateClientToken(r.client_token));
  // Credentials and delivery.
  const bool has_password_input = !r.password.empty();
  if (!r.password_hash.empty() && r.password_mode != PasswordMode::kImportedHash) {
    return Invalid(
        "password_hash", "password.unexpected",
        absl::StrCat("must not be given with password mode ", PasswordModeName(r.password_mode)));
  }
  switch (r.password_mode) {
    case PasswordMode::kImportedHash: {
      if (has_password_input) {
        return Invalid("password", "password.unexpected",
                       "must not be given with password mode imported_hash");
      }
      if (r.password_hash.empty()) {
        return Invalid("password_hash", "password_hash.required", "is required");
      }
      absl::StatusOr<std::string> canonical =
          CanonicalImportedHash(r.password_hash.view(), "password_hash");
      if (!canonical.ok()) return canonical.status();
      p.imported_hash = Secret(std::move(*canonical));
      break;
    }
    case PasswordMode::kManual: {
      if (!has_password_input) return Invalid("password", "password.required", "is required");
      absl::StatusOr<std::string> normalized = p.checker->Normalize(r.password.view());
      if (!normalized.ok()) return normalized.status();
      p.password = Secret(std::move(*normalized));
      IAM_RETURN_IF_ERROR(
          p.checker->Validate(p.password.view(), {r.username, r.email, r.phone}, "password"));
      break;
    }
    case PasswordMode::kFirstLoginLink:
      if (r.email.empty()) {
        return Invalid("email", "login_link.email_required",
                       "is required to send a first-login link");
      }
      [[fallthrough]];
    case PasswordMode::kGenerated:
    case PasswordMode::kNone:
      if (has_password_input) {
        return Invalid("password", "password.unexpected",
                       absl::StrCat("must not be given with password mode ",
                                    PasswordModeName(r.password_mode)));
      }
      break;
  }
  if (profile->recipient_needs_contact && r.password_mode == PasswordMode::kNone && !r.access_key &&
      r.email.empty() && r.phone.empty()) {
    return Invalid("email", "recipient.contact_required",
                   "a user without credentials (a message recipient) needs an email or a "
                   "mobile number");
  }
  for (size_t i = 0; i < r.notify.size(); ++i) {
    const std::string field = absl::StrCat("notify[", i, "]");
    if (r.password_mode != PasswordMode::kGenerated &&
        r.password_mode != PasswordMode::kFirstLoginLink) {
      return Invalid(field, "notify.nothing_to_send",
                     "notifications carry a generated password or a first-login link");
    }
    if (r.notify[i] == Channel::kEmail && r.email.empty()) {
      return Invalid(field, "notify.email_required", "sending by email needs an email");
    }
    if (r.notify[i] == Channel::kSms && r.phone.empty()) {
      return Invalid(field, "notify.phone_required", "sending by SMS needs a mobile number");
    }
  }
  // References.
  IAM_RETURN_IF_ERROR(ResolvePrimaryOu(r.tenant, r.primary_ou, &u));
  IAM_RETURN_IF_ERROR(ResolveOus(r.tenant, r.ous, &u));
  IAM_RETURN_IF_ERROR(ResolveGroups(r.tenant, r.groups, &u));
  IAM_RETURN_IF_ERROR(ResolveCustomFields(r.tenant, r.custom_fields, &u));
  IAM_RETURN_IF_ERROR(ResolvePolicies(r.policies, r.quick_create, &u));
  // Identity and credentials state.
  u.id = NewUserId(*profile, random);
  if (u.external_id.empty()) u.external_id = u.id;
  u.console_access = r.password_mode != PasswordMode::kNone;
  const bool has_password =
      r.password_mode == PasswordMode::kManual || r.password_mode == PasswordMode::kGenerated;
  // An imported password is the user's own: no reset unless asked for.
  u.password_reset_required =
      (has_password && r.require_password_reset.value_or(true)) ||
      (r.password_mode == PasswordMode::kImportedHash && r.require_password_reset.value_or(false));
  u.created_at = now;
  u.updated_at = now;
  if (!r.client_token.empty()) p.fingerprint = fingerprint_hasher->Hash(FingerprintText(r).view());
  return p;
}

Secret Engine::Impl::FingerprintText(const CreateUserRequest& r, bool legacy) const {
  nlohmann::json custom = nlohmann::json::array();
  for (const auto& f : r.custom_fields) custom.push_back({f.name, f.value});
  std::vector<int> notify;
  for (Channel c : r.notify) notify.push_back(static_cast<int>(c));
  nlohmann::json j = {
      r.tenant,
      r.username,
      r.display_name,
      r.description,
      r.email,
      r.email_verified.has_value() ? nlohmann::json(*r.email_verified) : nlohmann::json(),
      r.phone_region,
      r.phone,
      r.phone_verified.has_value() ? nlohmann::json(*r.phone_verified) : nlohmann::json(),
      r.external_id,
      r.enabled,
      r.default_project_id,
      r.primary_ou,
      r.ous,
      r.groups,
      custom,
      r.policies,
      static_cast<int>(r.password_mode),
      r.generated_password_length,
      r.access_key,
      r.require_password_reset.has_value() ? nlohmann::json(*r.require_password_reset)
                                           : nlohmann::json(),
      notify,
      r.quick_create,
      r.sms_login_verification};
  if (legacy) {
    // Before 1.2 the password was the 19th field of the JSON itself; the
    // value is wiped again once the text is made.
    j.insert(j.begin() + 18, std::string(r.password.view()));
    std::string text = j.dump();
    WipeString(j[18].get_ref<std::string&>());
    return Secret(std::move(text));
  }
  // The password joins the text only, never a JSON value; the text is sized
  // once, so no copy is left behind by a reallocation.
  const std::string fields = j.dump();
  std::string text;
  text.reserve(fields.size() + 2 + r.password.size() + r.password_hash.size());
  text.append(fields).append(1, '\x1f').append(r.password.data(), r.password.size());
  // Only when present: fingerprints stored before imports stay valid.
  if (!r.password_hash.empty()) {
    text.append(1, '\x1e').append(r.password_hash.data(), r.password_hash.size());
  }
  return Secret(std::move(text));
}

absl::StatusOr<std::optional<CreateUserResult>> Engine::Impl::Replay(const CreateUserRequest& r,
                                                                     absl::Time now) {
  auto record = store->FindIdempotency(r.tenant, r.client_token);
  if (!record.ok()) return record.status();
  if (!record->has_value() || (*record)->expires_at <= now) {
    return std::optional<CreateUserResult>();
  }
  // Checked against the key the stored fingerprint names: a rotated host key
  // still recognises the twin.
  const std::string& stored = (*record)->fingerprint;
  const bool untagged = stored.find(':') == std::string::npos;  // written before 1.2
  if (!fingerprint_hasher->Matches(stored, FingerprintText(r).view()) &&
      !(untagged && fingerprint_hasher->Matches(stored, FingerprintText(r, true).view()))) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "client_token", "idempotency.mismatch",
                     "client_token: already used with a different request");
  }
  absl::StatusOr<CreateUserResult> first = internal::ParseIdempotencyRecord((*record)->response);
  if (!first.ok()) return first.status();
  first->self_link = SelfLink(first->user.id);
  first->replayed = true;
  return std::optional<CreateUserResult>(std::move(*first));
}

absl::Status Engine::Impl::PrecheckUnique(const UserRecord& rec) {
  for (const internal::UniqueKey& k : internal::UniqueKeysOf(rec)) {
    absl::StatusOr<UserRecord> found = store->FindUser(rec.user.tenant, k.key, k.value);
    if (found.ok()) return internal::DuplicateError(k);
    if (!absl::IsNotFound(found.status())) return found.status();
  }
  return absl::OkStatus();
}

absl::Status Engine::Impl::Issue(const CreateUserRequest& r, Prepared& p, WriteSet* w,
                                 CreateUserResult* result) {
  UserRecord& rec = p.record;
  User& u = rec.user;
  const absl::Time now = w->now;
  if (r.password_mode == PasswordMode::kManual || r.password_mode == PasswordMode::kGenerated) {
    if (p.password_hash.empty()) IAM_RETURN_IF_ERROR(HashAhead({{&r, &p}}, 1));
    rec.password_hash = std::move(p.password_hash);
  }
  if (r.password_mode == PasswordMode::kImportedHash) {
    rec.password_hash = std::string(p.imported_hash.view());
  } else if (r.password_mode == PasswordMode::kGenerated) {
    for (Channel c : r.notify) {
      Enqueue(
          w, u, c, "generated_password",
          Secret(absl::StrCat("Your password for ", u.username, ": ", p.generated_password.view())),
          "", p.generated_password.view());
    }
    result->generated_password = std::move(p.generated_password);
  } else if (r.password_mode == PasswordMode::kFirstLoginLink) {
    const Secret token = NewUserToken(w, u, TokenPurpose::kFirstLogin, options.login_link_ttl);
    std::vector<Channel> channels = r.notify;
    if (std::find(channels.begin(), channels.end(), Channel::kEmail) == channels.end()) {
      channels.insert(channels.begin(), Channel::kEmail);
    }
    const Secret link(absl::StrCat(options.base_url, "/first-login?token=", token.view()));
    for (Channel c : channels) Enqueue(w, u, c, "login_link", link, link.view());
    result->login_link_sent = true;
  }
  if (!rec.password_hash.empty()) {
    u.password_changed_at = now;
    u.password_expires_at = p.checker->ExpiresAt(now);
  }
  if (r.access_key) result->access_key = NewAccessKey(w, u.tenant, u.id);
  result->user = u;
  result->self_link = SelfLink(u.id);
  w->new_users.push_back(rec);
  return absl::OkStatus();
}

absl::Status Engine::Impl::HashAhead(
    const std::vector<std::pair<const CreateUserRequest*, Prepared*>>& items, int threads) {
  std::vector<std::pair<absl::string_view, std::string*>> work;
  for (const auto& [r, p] : items) {
    if (r->password_mode == PasswordMode::kGenerated) {
      GenerateOptions g;
      g.length = r->generated_password_length;
      g.context = {r->username, r->email, r->phone};
      g.random = random;
      absl::StatusOr<Secret> pw = GeneratePassword(*profile, *p->checker, g);
      if (!pw.ok()) return pw.status();
      p->generated_password = std::move(*pw);
      work.emplace_back(p->generated_password.view(), &p->password_hash);
    } else if (r->password_mode == PasswordMode::kManual) {
      work.emplace_back(p->password.view(), &p->password_hash);  // normalized
    }
  }
  std::vector<absl::Status> failures(work.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < work.size(); i = next++) {
      absl::StatusOr<std::string> hash = hasher.Hash(work[i].first);
      if (hash.ok()) {
        *work[i].second = std::move(*hash);
      } else {
        failures[i] = hash.status();
      }
    }
  };
  std::vector<std::thread> pool;
  const size_t n = std::min(work.size(), static_cast<size_t>(std::max(threads, 1)));
  for (size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const absl::Status& s : failures) IAM_RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

absl::StatusOr<CreateUserResult> Engine::CreateUser(const CreateUserRequest& request) {
  Impl& I = *impl_;
  return I.Audited(
      &request.caller, request.tenant, "iam:CreateUser",
      [&](Impl::AuditScope&) -> absl::StatusOr<CreateUserResult> {
        IAM_RETURN_IF_ERROR(I.Admit(request.caller, "iam:CreateUser", request.tenant));
        IAM_RETURN_IF_ERROR(I.AdmitPolicies(request));
        const absl::Time now = I.clock->Now();
        absl::StatusOr<Impl::Prepared> prepared = I.Prepare(request, now);
        if (!prepared.ok()) return prepared.status();
        const bool idempotent = !request.client_token.empty();
        if (idempotent) {
          auto replay = I.Replay(request, now);
          if (!replay.ok()) return replay.status();
          if (replay->has_value()) return std::move(**replay);
        }
        // With a client token, losing to a concurrent twin shows up as a duplicate
        // (at the pre-check or the commit): answer as the twin did.
        auto replay_or = [&](absl::Status failure) -> absl::StatusOr<CreateUserResult> {
          if (idempotent && absl::IsAlreadyExists(failure)) {
            auto replay = I.Replay(request, now);
            if (!replay.ok()) return replay.status();
            if (replay->has_value()) return std::move(**replay);
          }
          return failure;
        };
        if (absl::Status s = I.PrecheckUnique(prepared->record); !s.ok()) return replay_or(s);
        WriteSet w;
        w.now = now;
        CreateUserResult result;
        result.request_id = I.RequestIdFor(request.caller);
        IAM_RETURN_IF_ERROR(I.Issue(request, *prepared, &w, &result));
        if (idempotent) {
          IdempotencyRecord rec;
          rec.tenant = request.tenant;
          rec.client_token = request.client_token;
          rec.fingerprint = prepared->fingerprint;
          rec.response = internal::IdempotencyRecordText(result);
          rec.expires_at = now + I.options.idempotency_window;
          w.idempotency.push_back(std::move(rec));
        }
        if (absl::Status committed = I.Commit(w); !committed.ok()) return replay_or(committed);
        I.DispatchAfterCommit();
        return result;
      });
}

absl::StatusOr<std::optional<CreateUserResult>> Engine::FindReplay(
    const CreateUserRequest& request) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(request.caller, "iam:CreateUser", request.tenant));
  if (request.client_token.empty()) {
    return Invalid("client_token", "client_token.required", "is required to find a replay");
  }
  IAM_RETURN_IF_ERROR(ValidateClientToken(request.client_token));
  return I.Replay(request, I.clock->Now());
}

absl::StatusOr<BatchCreateResult> Engine::BatchCreateUsers(
    const std::vector<CreateUserRequest>& requests, const BatchCreateOptions& batch) {
  Impl& I = *impl_;
  return I.Audited(
      requests.empty() ? nullptr : &requests[0].caller,
      requests.empty() ? absl::string_view() : absl::string_view(requests[0].tenant),
      "iam:CreateUser", [&](Impl::AuditScope& audit) -> absl::StatusOr<BatchCreateResult> {
        audit.set_per_new_user();
        IAM_RETURN_IF_ERROR(I.init);
        if (requests.empty()) return Invalid("users", "batch.empty", "must hold at least one user");
        if (static_cast<int>(requests.size()) > I.options.max_batch) {
          return Invalid("users", "batch.too_large",
                         absl::StrCat("at most ", I.options.max_batch, " users per call"));
        }
        const absl::Time now = I.clock->Now();
        BatchCreateResult out;
        std::vector<std::optional<Impl::Prepared>> prepared(requests.size());
        std::vector<std::optional<CreateUserResult>> replayed(requests.size());
        std::vector<absl::Status> errors(requests.size());
        std::set<std::string> claimed;  // unique keys of the batch's users
        std::set<std::string> tokens;   // their client tokens
        bool failed = false;
        for (size_t i = 0; i < requests.size(); ++i) {
          const CreateUserRequest& r = requests[i];
          absl::Status s = I.Admit(r.caller, "iam:CreateUser", r.tenant);
          if (s.ok()) s = I.AdmitPolicies(r);
          absl::StatusOr<Impl::Prepared> p =
              s.ok() ? I.Prepare(r, now) : absl::StatusOr<Impl::Prepared>(s);
          if (p.ok() && !r.client_token.empty()) {
            // A token already answered replays its first response; one token twice
            // in the batch is refused.
            auto replay = I.Replay(r, now);
            if (!replay.ok()) {
              s = replay.status();
            } else if (replay->has_value()) {
              replayed[i] = std::move(**replay);
              continue;
            } else if (!tokens.insert(absl::StrCat(r.tenant, "\x1f", r.client_token)).second) {
              s = Invalid("client_token", "batch.duplicate_client_token",
                          "is given to another user of this batch");
            }
          }
          if (p.ok() && s.ok()) {
            // Collisions inside the batch, then with the store.
            for (const internal::UniqueKey& k : internal::UniqueKeysOf(p->record)) {
              if (!claimed
                       .insert(
                           absl::StrCat(r.tenant, "\x1f", static_cast<int>(k.key), "\x1f", k.value))
                       .second) {
                s = internal::DuplicateError(k);
                break;
              }
            }
            if (s.ok()) s = I.PrecheckUnique(p->record);
            if (s.ok()) prepared[i] = std::move(*p);
          } else if (s.ok()) {
            s = p.status();
          }
          errors[i] = s;
          failed |= !s.ok();
        }
        if (failed) {
          for (size_t i = 0; i < requests.size(); ++i) {
            if (replayed[i]) {
              out.items.push_back(std::move(*replayed[i]));
            } else {
              out.items.push_back(errors[i].ok() ? internal::BatchSiblingError() : errors[i]);
              // Each refused item, by its reason (never its values).
              if (!errors[i].ok())
                audit.Also("iam:CreateUser", "", "failure", ErrorReason(errors[i]));
            }
          }
          audit.set_outcome("failure", "batch.rejected");
          return out;
        }
        std::vector<std::pair<const CreateUserRequest*, Impl::Prepared*>> fresh;
        for (size_t i = 0; i < requests.size(); ++i) {
          if (prepared[i]) fresh.emplace_back(&requests[i], &*prepared[i]);
        }
        IAM_RETURN_IF_ERROR(I.HashAhead(fresh, batch.threads));
        WriteSet w;
        w.now = now;
        std::vector<CreateUserResult> results(requests.size());
        const std::string request_id = I.RequestIdFor(requests[0].caller);
        for (size_t i = 0; i < requests.size(); ++i) {
          if (!prepared[i]) continue;
          results[i].request_id = request_id;
          IAM_RETURN_IF_ERROR(I.Issue(requests[i], *prepared[i], &w, &results[i]));
          if (!requests[i].client_token.empty()) {
            IdempotencyRecord rec;
            rec.tenant = requests[i].tenant;
            rec.client_token = requests[i].client_token;
            rec.fingerprint = prepared[i]->fingerprint;
            rec.response = internal::IdempotencyRecordText(results[i]);
            rec.expires_at = now + I.options.idempotency_window;
            w.idempotency.push_back(std::move(rec));
          }
        }
        if (!fresh.empty()) IAM_RETURN_IF_ERROR(I.Commit(w));
        out.committed = true;
        for (size_t i = 0; i < requests.size(); ++i) {
          out.items.push_back(replayed[i] ? std::move(*replayed[i]) : std::move(results[i]));
        }
        if (!fresh.empty()) I.DispatchAfterCommit();
        return out;
      });
}

}  // namespace iam
