// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// JSON views of users and entries (the API's view: never a hash or secret).
#ifndef IAM_SRC_USER_JSON_H_
#define IAM_SRC_USER_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iam::internal {

// RFC 3339 UTC, or null for InfinitePast/InfiniteFuture.
nlohmann::json TimeJson(absl::Time t);
absl::Time TimeFromJson(const nlohmann::json& j, absl::Time if_null);

nlohmann::json ToJson(const User& user, const std::string& self_link);
absl::StatusOr<User> UserFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const DirectoryEntry& entry);

}  // namespace iam::internal

#endif  // IAM_SRC_USER_JSON_H_
