// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The JSON forms behind include/iam/json.h: users in the API view or in the
// record form (host stores through the C ABI, idempotency records), entries,
// times. Never a hash or secret.
#ifndef IAM_SRC_JSON_USER_JSON_H_
#define IAM_SRC_JSON_USER_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/engine.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iam::internal {

// RFC 3339 UTC, or null for InfinitePast/InfiniteFuture.
nlohmann::json TimeJson(absl::Time t);
absl::Time TimeFromJson(const nlohmann::json& j, absl::Time if_null);

// j[key] as a T, or `if_absent` when the key is missing or null. Throws
// nlohmann::json::exception on a wrong type.
template <typename T>
T ValueOr(const nlohmann::json& j, const char* key, T if_absent) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return if_absent;
  return it->get<T>();
}

// Unix nanoseconds, INT64_MIN/INT64_MAX for the infinite past/future.
int64_t TimeToNanos(absl::Time t);
absl::Time TimeFromNanos(const nlohmann::json& j, absl::Time if_null);

// How a user is spelled: the API's view (domain_id, name, RFC 3339 times) or
// the record form host stores receive through the C ABI (tenant, username,
// unix nanoseconds, password_changed_at too).
enum class UserJsonStyle { kApi, kRecord };

nlohmann::json ToJson(const User& user, UserJsonStyle style, const std::string& self_link = "");
// Throws nlohmann::json::exception on malformed input.
User UserFromJsonOrThrow(const nlohmann::json& j, UserJsonStyle style);

// The API view with Huawei's links.self.
inline nlohmann::json ToJson(const User& user, const std::string& self_link) {
  return ToJson(user, UserJsonStyle::kApi, self_link);
}
// The idempotency record of a create (a versioned record of the result, the
// user in the record form, without secrets) and its reading; records written
// before the version field held the API view and are read too. kDataLoss when
// malformed.
std::string IdempotencyRecordText(const CreateUserResult& result);
absl::StatusOr<CreateUserResult> ParseIdempotencyRecord(absl::string_view text);
nlohmann::json ToJson(const DirectoryEntry& entry);

}  // namespace iam::internal

#endif  // IAM_SRC_JSON_USER_JSON_H_
