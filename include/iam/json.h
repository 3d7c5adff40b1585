// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The one JSON rendering of every object iamcore hands out. The C ABI, iamctl
// and the wire layer all print through these functions, so a user, a group or
// an error has one shape everywhere. The engine itself returns structs.
//
//   absl::StatusOr<iam::User> user = engine.GetUser({}, tenant, "alice.wong");
//   std::cout << iam::ToJson(*user, engine.SelfLink(user->id)).dump();
//   // {"id": "...", "domain_id": "...", "name": "alice.wong", ..., "links": {"self": ...}}
//
// Results that carry one-time secrets (a generated password, an access-key
// secret) are rendered straight to text inside a Secret: no copy of a secret
// is left in freed memory, neither here nor in a JSON value.
// WARNING: print such a text once and let the Secret go.
//
// Thread-safety: pure functions.
#ifndef IAM_JSON_H_
#define IAM_JSON_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/engine.h"
#include "iam/export.h"
#include "iam/import.h"
#include "iam/profile.h"
#include "iam/secret.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iam {

// RFC 3339 UTC with the fraction of a second, or null for the infinite past
// and future; TimeFromJson answers `if_null` for null or malformed input.
IAM_EXPORT nlohmann::json TimeToJson(absl::Time t);
IAM_EXPORT absl::Time TimeFromJson(const nlohmann::json& j, absl::Time if_null);

// The API view of a user: never a hash or secret. Huawei's links.self when
// `self_link` is given (Engine::SelfLink).
IAM_EXPORT nlohmann::json ToJson(const User& user, absl::string_view self_link = "");
// kInvalidArgument when `j` is not a user in the API view.
IAM_EXPORT absl::StatusOr<User> UserFromJson(const nlohmann::json& j);

// {"kind", "tenant", "id", "name", "description", "created_at"}, and for a
// custom field "type", "max_length", "allowed_values", "pattern".
IAM_EXPORT nlohmann::json ToJson(const DirectoryEntry& entry);
// {"users": [...], "next_page_token": "..." or null on the last page}.
IAM_EXPORT nlohmann::json ToJson(const ListUsersResult& page, const Engine& engine);
// {"outcome", "user_id" or null, "locked_until" or null}.
IAM_EXPORT nlohmann::json ToJson(const AuthResult& result);
// {"id", "user_id", "enabled", "created_at", "description"}.
IAM_EXPORT nlohmann::json ToJson(const AccessKeyInfo& key);
// {"valid", "tenant" or null, "user_id" or null}.
IAM_EXPORT nlohmann::json ToJson(const AccessKeyVerification& verification);
// {"id","time","tenant","actor","action","target","outcome","reason",
//  "request_id","source","user_agent"} (id omitted while 0: not yet stored).
IAM_EXPORT nlohmann::json ToJson(const AuditEvent& event);
// {"tenant","target","action","since","until" (RFC 3339),"page_size",
//  "page_token"}: kInvalidArgument naming the member at fault.
IAM_EXPORT absl::StatusOr<AuditQuery> AuditQueryFromJson(absl::string_view text);
// {"events":[...],"next_page_token"}
IAM_EXPORT nlohmann::json ToJson(const AuditPage& page);
// An outbox message without its body: {"id","tenant","user_id","channel",
// "recipient","kind","attempts","next_attempt_at","last_error"}.
IAM_EXPORT nlohmann::json ToJson(const OutboxMessage& message);
// {"rows", "created", "already_present", "failed", "elapsed_seconds",
// "rows_per_second", "source_id"}.
IAM_EXPORT nlohmann::json ToJson(const ImportSummary& summary);
// {"row", "username", "field" or null, "reason", "message"}.
IAM_EXPORT nlohmann::json ToJson(const ImportRowError& error);
// {"code", "reason", "field", "http_status", "provider_code", "message"} under
// the dialect of `profile`; reason and field are null when absent.
IAM_EXPORT nlohmann::json ErrorToJson(const Profile& profile, const absl::Status& status);

// {"user", "request_id", "login_link_sent", "replayed", "generated_password"?,
// "access_key"? {"id", "created_at", "secret"?}}; a replay adds
// "secrets_withheld": true.
IAM_EXPORT Secret ToSecretJson(const CreateUserResult& result);
// {"committed", "items": [{"index", "result"} or {"index", "error"}, ...]}.
IAM_EXPORT Secret ToSecretJson(const BatchCreateResult& batch, const Profile& profile);
// {"id", "secret", "created_at"}.
IAM_EXPORT Secret ToSecretJson(const IssuedAccessKey& key);
// The summary, {"errors": [...]} and {"secrets": [{"row", "username",
// "user_id", "password" or null, "access_key_id" or null, "access_key_secret"
// or null}]}.
IAM_EXPORT Secret ToSecretJson(const ImportSummary& summary,
                               const std::vector<ImportRowError>& errors,
                               const std::vector<ImportedSecret>& secrets);

}  // namespace iam

#endif  // IAM_JSON_H_
