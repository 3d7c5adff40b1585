// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The batch-create-users file: each user object is read key by key through the
// tables below, so a misspelt key or a value of the wrong JSON type is refused
// with the key's path (users[I].KEY) instead of being ignored.
#include <fstream>

#include "commands.h"
#include "iam/error.h"

namespace iamctl {
namespace {

using Request = iam::CreateUserRequest;

// The keys of a user object, by JSON type and request field.
const struct {
  const char* key;
  std::string Request::*field;
} kTextKeys[] = {
    {"tenant", &Request::tenant},
    {"username", &Request::username},
    {"display_name", &Request::display_name},
    {"description", &Request::description},
    {"email", &Request::email},
    {"phone_region", &Request::phone_region},
    {"phone", &Request::phone},
    {"external_id", &Request::external_id},
    {"default_project_id", &Request::default_project_id},
    {"primary_ou", &Request::primary_ou},
};
const struct {
  const char* key;
  bool Request::*field;
} kFlagKeys[] = {
    {"enabled", &Request::enabled},
    {"access_key", &Request::access_key},
    {"quick_create", &Request::quick_create},
    {"sms_login_verification", &Request::sms_login_verification},
};
const struct {
  const char* key;
  std::optional<bool> Request::*field;
} kOptionalFlagKeys[] = {
    {"email_verified", &Request::email_verified},
    {"phone_verified", &Request::phone_verified},
    {"require_password_reset", &Request::require_password_reset},
};
const struct {
  const char* key;
  std::vector<std::string> Request::*field;
} kListKeys[] = {
    {"ous", &Request::ous},
    {"groups", &Request::groups},
    {"policies", &Request::policies},
};
// Read apart from the tables: "password_mode" (none, manual, generated,
// login_link), "password" (with manual) and "notify" (["email", "sms"]).

absl::Status WrongType(const std::string& field, const char* expected) {
  return iam::InvalidField(field, "batch.invalid_type", field + ": must be " + expected);
}

absl::StatusOr<std::vector<std::string>> Strings(const nlohmann::json& value,
                                                 const std::string& field) {
  if (!value.is_array()) return WrongType(field, "an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return WrongType(field + "[" + std::to_string(i) + "]", "a string");
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

// Sets the request field of `key` from `value`; false when no table has `key`.
absl::StatusOr<bool> SetFromTables(const std::string& key, const nlohmann::json& value,
                                   const std::string& field, Request& r) {
  for (const auto& k : kTextKeys) {
    if (key != k.key) continue;
    if (!value.is_string()) return WrongType(field, "a string");
    r.*k.field = value.get<std::string>();
    return true;
  }
  for (const auto& k : kFlagKeys) {
    if (key != k.key) continue;
    if (!value.is_boolean()) return WrongType(field, "true or false");
    r.*k.field = value.get<bool>();
    return true;
  }
  for (const auto& k : kOptionalFlagKeys) {
    if (key != k.key) continue;
    if (!value.is_boolean()) return WrongType(field, "true or false");
    r.*k.field = value.get<bool>();
    return true;
  }
  for (const auto& k : kListKeys) {
    if (key != k.key) continue;
    auto list = Strings(value, field);
    if (!list.ok()) return list.status();
    r.*k.field = std::move(*list);
    return true;
  }
  return false;
}

absl::StatusOr<Request> ReadUser(nlohmann::json& user, const std::string& path,
                                 const std::string& tenant) {
  if (!user.is_object()) {
    return iam::InvalidField(path, "batch.invalid", path + ": each user must be an object");
  }
  Request r;
  r.tenant = tenant;
  std::string mode = "none";
  for (auto& [key, value] : user.items()) {
    const std::string field = path + "." + key;
    absl::StatusOr<bool> known = SetFromTables(key, value, field, r);
    if (!known.ok()) return known.status();
    if (*known) continue;
    if (key == "password_mode") {
      if (!value.is_string()) return WrongType(field, "a string");
      mode = value.get<std::string>();
    } else if (key == "password") {
      if (!value.is_string()) return WrongType(field, "a string");
      r.password = iam::Secret(value.get<std::string>());
      iam::WipeString(value.get_ref<std::string&>());
    } else if (key == "notify") {
      auto channels = Strings(value, field);
      if (!channels.ok()) return channels.status();
      for (size_t i = 0; i < channels->size(); ++i) {
        const std::string& c = (*channels)[i];
        if (c != "email" && c != "sms") {
          const std::string at = field + "[" + std::to_string(i) + "]";
          return iam::InvalidField(at, "notify.invalid_channel", at + ": must be email or sms");
        }
        r.notify.push_back(ChannelNamed(c));
      }
    } else {
      return iam::InvalidField(field, "batch.unknown_field",
                               field +
                                   ": unknown key (the keys are create-user's options, "
                                   "with _ for -)");
    }
  }
  if (mode == "generated") {
    r.password_mode = iam::PasswordMode::kGenerated;
  } else if (mode == "login_link") {
    r.password_mode = iam::PasswordMode::kFirstLoginLink;
  } else if (mode == "manual") {
    r.password_mode = iam::PasswordMode::kManual;
  } else if (mode != "none") {
    return iam::InvalidField(path + ".password_mode", "password.invalid_mode",
                             path + ".password_mode: none, manual, generated or login_link");
  }
  return r;
}

}  // namespace

absl::StatusOr<std::vector<Request>> ReadBatchFile(const std::string& path,
                                                   const std::string& tenant) {
  std::ifstream in(path);
  if (!in) {
    return iam::MakeError(absl::StatusCode::kNotFound, "file", "file.not_found",
                          "file: cannot open " + path);
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_object() && doc.contains("users")) {
    for (const auto& [key, value] : doc.items()) {
      if (key != "users") {
        return iam::InvalidField(key, "batch.unknown_field",
                                 key + ": unknown key (the file holds {\"users\": [...]})");
      }
    }
    doc = std::move(doc["users"]);
  }
  if (!doc.is_array()) {
    return iam::InvalidField("file", "batch.invalid", "file: must hold a JSON array of users");
  }
  std::vector<Request> requests;
  for (size_t i = 0; i < doc.size(); ++i) {
    auto r = ReadUser(doc[i], "users[" + std::to_string(i) + "]", tenant);
    if (!r.ok()) return r.status();
    requests.push_back(std::move(*r));
  }
  return requests;
}

}  // namespace iamctl
