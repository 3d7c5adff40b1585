// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// How the SQL stores (SQLite, PostgreSQL) put values into columns, shared so
// both write the same forms: times as unix nanoseconds with InfinitePast and
// InfiniteFuture as INT64_MIN and INT64_MAX, lists and maps of strings as JSON
// text (strict UTF-8: other bytes are an error, never replaced).
#ifndef IAM_SRC_STORE_ROW_CODEC_H_
#define IAM_SRC_STORE_ROW_CODEC_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iam::internal {

inline int64_t ToNanos(absl::Time t) {
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return absl::ToUnixNanos(t);  // saturates outside the int64 range
}

inline absl::Time FromNanos(int64_t n) {
  if (n == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  if (n == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  return absl::FromUnixNanos(n);
}

// A stored value that cannot be decoded; `store` names the backend.
inline absl::Status Corrupt(absl::string_view store, absl::string_view what) {
  return MakeError(absl::StatusCode::kDataLoss, "", "store.corrupt",
                   absl::StrCat(store, ": stored ", what, " cannot be decoded"));
}

// JSON text of a list or map of strings; kInvalidArgument naming `field` when
// a string is not UTF-8.
template <typename T>
absl::StatusOr<std::string> EncodeJson(const T& value, absl::string_view field) {
  using Json = nlohmann::json;
  try {
    return Json(value).dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return InvalidField(field, "store.not_utf8",
                        absl::StrCat(field, ": must be valid UTF-8 to be stored"));
  }
}

template <typename T>
absl::Status DecodeJson(absl::string_view store, absl::string_view text, absl::string_view what,
                        T* out) {
  using Json = nlohmann::json;
  try {
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Corrupt(store, what);
    *out = j.get<T>();
    return absl::OkStatus();
  } catch (const Json::exception&) {
    return Corrupt(store, what);
  }
}

// The JSON columns of a user row.
struct UserJsonColumns {
  std::string ous, groups, custom_fields, policies, password_history;
};

inline absl::StatusOr<UserJsonColumns> EncodeUserJson(const UserRecord& r) {
  UserJsonColumns c;
  const User& u = r.user;
  IAM_ASSIGN_OR_RETURN(c.ous, EncodeJson(u.ous, "ous"));
  IAM_ASSIGN_OR_RETURN(c.groups, EncodeJson(u.groups, "groups"));
  IAM_ASSIGN_OR_RETURN(c.custom_fields, EncodeJson(u.custom_fields, "custom_fields"));
  IAM_ASSIGN_OR_RETURN(c.policies, EncodeJson(u.policies, "policies"));
  IAM_ASSIGN_OR_RETURN(c.password_history, EncodeJson(r.password_history, "password_history"));
  return c;
}

inline absl::Status DecodeUserJson(absl::string_view store, const UserJsonColumns& c,
                                   UserRecord* r) {
  User& u = r->user;
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.ous, "user.ous", &u.ous));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.groups, "user.groups", &u.groups));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.custom_fields, "user.custom_fields", &u.custom_fields));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.policies, "user.policies", &u.policies));
  return DecodeJson(store, c.password_history, "user.password_history", &r->password_history);
}

}  // namespace iam::internal

#endif  // IAM_SRC_STORE_ROW_CODEC_H_
