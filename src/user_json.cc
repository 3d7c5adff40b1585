// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "user_json.h"

#include "absl/status/status.h"

namespace iam::internal {

nlohmann::json TimeJson(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

absl::Time TimeFromJson(const nlohmann::json& j, absl::Time if_null) {
  if (!j.is_string()) return if_null;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, j.get<std::string>(), &t, &err)) return if_null;
  return t;
}

nlohmann::json ToJson(const User& u, const std::string& self_link) {
  nlohmann::json custom = nlohmann::json::object();
  for (const auto& [k, v] : u.custom_fields) custom[k] = v;
  nlohmann::json j = {
      {"id", u.id},
      {"domain_id", u.tenant},
      {"name", u.username},
      {"display_name", u.display_name},
      {"description", u.description},
      {"email", u.email},
      {"email_verified", u.email_verified},
      {"phone_region", u.phone_region},
      {"phone", u.phone},
      {"phone_verified", u.phone_verified},
      {"external_id", u.external_id},
      {"enabled", u.enabled},
      {"default_project_id", u.default_project_id},
      {"primary_ou", u.primary_ou},
      {"ous", u.ous},
      {"groups", u.groups},
      {"custom_fields", custom},
      {"policies", u.policies},
      {"console_access", u.console_access},
      {"password_reset_required", u.password_reset_required},
      {"sms_login_verification", u.sms_login_verification},
      {"created_at", TimeJson(u.created_at)},
      {"password_expires_at", TimeJson(u.password_expires_at)},
      {"version", u.version},
  };
  if (!self_link.empty()) j["links"] = {{"self", self_link}};
  return j;
}

absl::StatusOr<User> UserFromJson(const nlohmann::json& j) {
  try {
    User u;
    u.id = j.at("id").get<std::string>();
    u.tenant = j.at("domain_id").get<std::string>();
    u.username = j.at("name").get<std::string>();
    u.display_name = j.value("display_name", "");
    u.description = j.value("description", "");
    u.email = j.value("email", "");
    u.email_verified = j.value("email_verified", false);
    u.phone_region = j.value("phone_region", "");
    u.phone = j.value("phone", "");
    u.phone_verified = j.value("phone_verified", false);
    u.external_id = j.value("external_id", "");
    u.enabled = j.value("enabled", true);
    u.default_project_id = j.value("default_project_id", "");
    u.primary_ou = j.value("primary_ou", "");
    u.ous = j.value("ous", std::vector<std::string>{});
    u.groups = j.value("groups", std::vector<std::string>{});
    if (j.contains("custom_fields")) {
      for (const auto& [k, v] : j.at("custom_fields").items()) {
        u.custom_fields[k] = v.get<std::string>();
      }
    }
    u.policies = j.value("policies", std::vector<std::string>{});
    u.console_access = j.value("console_access", false);
    u.password_reset_required = j.value("password_reset_required", false);
    u.sms_login_verification = j.value("sms_login_verification", false);
    u.created_at = TimeFromJson(j.value("created_at", nlohmann::json()), absl::InfinitePast());
    u.password_expires_at =
        TimeFromJson(j.value("password_expires_at", nlohmann::json()), absl::InfiniteFuture());
    u.version = j.value("version", int64_t{1});
    return u;
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(std::string("stored user JSON is malformed: ") + e.what());
  }
}

nlohmann::json ToJson(const DirectoryEntry& e) {
  nlohmann::json j = {{"id", e.id}, {"name", e.name}};
  if (!e.description.empty()) j["description"] = e.description;
  if (e.kind == EntryKind::kCustomField) {
    j["type"] = e.field_type;
    j["max_length"] = e.max_length;
    j["allowed_values"] = e.allowed_values;
    j["pattern"] = e.pattern;
  }
  return j;
}

}  // namespace iam::internal
