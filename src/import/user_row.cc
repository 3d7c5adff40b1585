// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A create-user object read key by key through the tables below, so a
// misspelt key or a value of the wrong JSON type is refused with the key's
// path instead of being ignored. iamctl's batch file and imports share it.
#include "import/user_row.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/import.h"

namespace iam {
namespace {

using Request = CreateUserRequest;

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
// Read apart from the tables: password_mode, password, password_hash, notify
// (["email", "sms"]) and custom_fields ({"name": "value"}).
const struct {
  const char* key;
  PasswordMode mode;
} kModes[] = {
    {"none", PasswordMode::kNone},
    {"manual", PasswordMode::kManual},
    {"generated", PasswordMode::kGenerated},
    {"login_link", PasswordMode::kFirstLoginLink},
    {"imported_hash", PasswordMode::kImportedHash},
};
constexpr char kCustomPrefix[] = "custom_fields.";

absl::Status WrongType(const std::string& field, const char* expected) {
  return InvalidField(field, "batch.invalid_type", absl::StrCat(field, ": must be ", expected));
}

absl::StatusOr<std::vector<std::string>> Strings(const nlohmann::json& value,
                                                 const std::string& field) {
  if (!value.is_array()) return WrongType(field, "an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) return WrongType(absl::StrCat(field, "[", i, "]"), "a string");
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

absl::Status ReadSecret(nlohmann::json& value, const std::string& field, Secret* out) {
  if (!value.is_string()) return WrongType(field, "a string");
  *out = Secret(value.get<std::string>());
  WipeString(value.get_ref<std::string&>());
  return absl::OkStatus();
}

}  // namespace

namespace internal {

KeyType CreateKeyType(absl::string_view key) {
  for (const auto& k : kTextKeys) {
    if (key == k.key) return KeyType::kText;
  }
  for (const auto& k : kFlagKeys) {
    if (key == k.key) return KeyType::kFlag;
  }
  for (const auto& k : kOptionalFlagKeys) {
    if (key == k.key) return KeyType::kFlag;
  }
  for (const auto& k : kListKeys) {
    if (key == k.key) return KeyType::kList;
  }
  if (key == "notify") return KeyType::kList;
  if (key == "password_mode" || key == "password" || key == "password_hash") return KeyType::kText;
  if (absl::StartsWith(key, kCustomPrefix) && key.size() > sizeof kCustomPrefix - 1) {
    return KeyType::kCustomField;
  }
  return KeyType::kUnknown;
}

}  // namespace internal

absl::StatusOr<CreateUserRequest> CreateRequestFromJson(nlohmann::json& user,
                                                        const std::string& path,
                                                        const std::string& tenant) {
  const std::string where = path.empty() ? "row" : path;
  if (!user.is_object()) {
    return InvalidField(path, "batch.invalid",
                        absl::StrCat(where, ": each user must be an object"));
  }
  auto field_of = [&](absl::string_view key) {
    return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
  };
  Request r;
  r.tenant = tenant;
  std::string mode;
  for (auto& [key, value] : user.items()) {
    const std::string field = field_of(key);
    absl::StatusOr<bool> known = SetFromTables(key, value, field, r);
    if (!known.ok()) return known.status();
    if (*known) continue;
    if (key == "password_mode") {
      if (!value.is_string()) return WrongType(field, "a string");
      mode = value.get<std::string>();
    } else if (key == "password") {
      IAM_RETURN_IF_ERROR(ReadSecret(value, field, &r.password));
    } else if (key == "password_hash") {
      IAM_RETURN_IF_ERROR(ReadSecret(value, field, &r.password_hash));
    } else if (key == "notify") {
      auto channels = Strings(value, field);
      if (!channels.ok()) return channels.status();
      for (size_t i = 0; i < channels->size(); ++i) {
        const std::string& c = (*channels)[i];
        if (c != "email" && c != "sms") {
          const std::string at = absl::StrCat(field, "[", i, "]");
          return InvalidField(at, "notify.invalid_channel",
                              absl::StrCat(at, ": must be email or sms"));
        }
        r.notify.push_back(c == "email" ? Channel::kEmail : Channel::kSms);
      }
    } else if (key == "custom_fields") {
      if (!value.is_object()) return WrongType(field, "an object of names and values");
      for (const auto& [name, text] : value.items()) {
        if (!text.is_string()) return WrongType(absl::StrCat(field, ".", name), "a string");
        r.custom_fields.push_back({name, text.get<std::string>()});
      }
    } else {
      return InvalidField(field, "batch.unknown_field",
                          absl::StrCat(field,
                                       ": unknown key (the keys are create-user's options, "
                                       "with _ for -)"));
    }
  }
  if (mode.empty()) {
    mode = !r.password_hash.empty() ? "imported_hash" : !r.password.empty() ? "manual" : "none";
  }
  bool known_mode = false;
  for (const auto& m : kModes) {
    if (mode != m.key) continue;
    r.password_mode = m.mode;
    known_mode = true;
  }
  if (!known_mode) {
    const std::string field = field_of("password_mode");
    return InvalidField(
        field, "password.invalid_mode",
        absl::StrCat(field, ": none, manual, generated, login_link or imported_hash"));
  }
  return r;
}

absl::StatusOr<std::vector<CreateUserRequest>> BatchRequestsFromJson(nlohmann::json& batch,
                                                                     const std::string& field,
                                                                     const std::string& tenant) {
  nlohmann::json* users = &batch;
  if (batch.is_object() && batch.contains("users")) {
    for (const auto& [key, value] : batch.items()) {
      if (key != "users") {
        return InvalidField(key, "batch.unknown_field",
                            key + ": unknown key (the batch is {\"users\": [...]})");
      }
    }
    users = &batch["users"];
  }
  if (!users->is_array()) {
    return InvalidField(field, "batch.invalid", field + ": must hold a JSON array of users");
  }
  std::vector<CreateUserRequest> requests;
  for (size_t i = 0; i < users->size(); ++i) {
    absl::StatusOr<CreateUserRequest> r =
        CreateRequestFromJson((*users)[i], absl::StrCat("users[", i, "]"), tenant);
    if (!r.ok()) return r.status();
    requests.push_back(*std::move(r));
  }
  return requests;
}

}  // namespace iam
