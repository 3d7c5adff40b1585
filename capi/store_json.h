// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The JSON form of the Store port's records, as a host store sees them through
// the C ABI (see "Host stores" in include/iam/iam.h): field names are the C++
// members; times are integer nanoseconds since the Unix epoch with INT64_MIN
// and INT64_MAX for the infinite past and future. Every record round-trips
// exactly. Decoders throw (nlohmann::json::exception, std::invalid_argument) on
// malformed input; the caller turns that into a status.
#ifndef IAM_CAPI_STORE_JSON_H_
#define IAM_CAPI_STORE_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/store.h"
#include "iam/user.h"
#include "json/user_json.h"
#include "nlohmann/json.hpp"

namespace iam::capi {

using internal::TimeFromNanos;  // `if_null` when the value is null
using internal::TimeToNanos;

// "group", "organizational_unit", "custom_field".
const char* EntryKindText(EntryKind kind);
// "first_login", "password_reset" or "session".
const char* TokenPurposeText(TokenPurpose purpose);
TokenPurpose TokenPurposeFromText(absl::string_view text);
std::optional<EntryKind> EntryKindFromText(absl::string_view text);
// "id", "username", "email", "phone", "external_id".
const char* UserKeyText(UserKey key);
std::optional<UserKey> UserKeyFromText(absl::string_view text);

nlohmann::json ToJson(const UserRecord& record);
UserRecord UserRecordFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const DirectoryEntry& entry);
DirectoryEntry EntryFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const AccessKeyRecord& record);
AccessKeyRecord AccessKeyFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const TokenRecord& record);
TokenRecord TokenFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const IdempotencyRecord& record);
IdempotencyRecord IdempotencyFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const OutboxMessage& message);
OutboxMessage OutboxFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const WriteSet& writes);
nlohmann::json ToJson(const ListUsersQuery& query);
ListUsersPage PageFromJson(const nlohmann::json& j);

}  // namespace iam::capi

#endif  // IAM_CAPI_STORE_JSON_H_
