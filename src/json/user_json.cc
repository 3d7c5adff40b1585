// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "json/user_json.h"

#include <limits>

#include "absl/status/status.h"
#include "iam/names.h"

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

int64_t TimeToNanos(absl::Time t) {
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return absl::ToUnixNanos(t);
}

absl::Time TimeFromNanos(const nlohmann::json& j, absl::Time if_null) {
  if (j.is_null()) return if_null;
  const int64_t n = j.get<int64_t>();
  if (n == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  if (n == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  return absl::FromUnixNanos(n);
}

namespace {

using nlohmann::json;

const char* TenantKey(UserJsonStyle style) {
  return style == UserJsonStyle::kApi ? "domain_id" : "tenant";
}
const char* NameKey(UserJsonStyle style) {
  return style == UserJsonStyle::kApi ? "name" : "username";
}
json EncodeTime(absl::Time t, UserJsonStyle style) {
  return style == UserJsonStyle::kApi ? TimeJson(t) : json(TimeToNanos(t));
}
absl::Time DecodeTime(const json& j, const char* key, UserJsonStyle style, absl::Time if_null) {
  auto it = j.find(key);
  if (it == j.end()) return if_null;
  return style == UserJsonStyle::kApi ? TimeFromJson(*it, if_null) : TimeFromNanos(*it, if_null);
}

}  // namespace

json ToJson(const User& u, UserJsonStyle style, const std::string& self_link) {
  json custom = json::object();
  for (const auto& [k, v] : u.custom_fields) custom[k] = v;
  json j = {
      {"id", u.id},
      {TenantKey(style), u.tenant},
      {NameKey(style), u.username},
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
      {"created_at", EncodeTime(u.created_at, style)},
      {"password_expires_at", EncodeTime(u.password_expires_at, style)},
      {"version", u.version},
  };
  if (style == UserJsonStyle::kRecord) {
    j["password_changed_at"] = EncodeTime(u.password_changed_at, style);
    j["updated_at"] = EncodeTime(u.updated_at, style);
  }
  if (!self_link.empty()) j["links"] = {{"self", self_link}};
  return j;
}

User UserFromJsonOrThrow(const json& j, UserJsonStyle style) {
  User u;
  u.id = j.at("id").get<std::string>();
  u.tenant = j.at(TenantKey(style)).get<std::string>();
  u.username = ValueOr<std::string>(j, NameKey(style), "");
  u.display_name = ValueOr<std::string>(j, "display_name", "");
  u.description = ValueOr<std::string>(j, "description", "");
  u.email = ValueOr<std::string>(j, "email", "");
  u.email_verified = ValueOr<bool>(j, "email_verified", false);
  u.phone_region = ValueOr<std::string>(j, "phone_region", "");
  u.phone = ValueOr<std::string>(j, "phone", "");
  u.phone_verified = ValueOr<bool>(j, "phone_verified", false);
  u.external_id = ValueOr<std::string>(j, "external_id", "");
  u.enabled = ValueOr<bool>(j, "enabled", true);
  u.default_project_id = ValueOr<std::string>(j, "default_project_id", "");
  u.primary_ou = ValueOr<std::string>(j, "primary_ou", "");
  u.ous = ValueOr<std::vector<std::string>>(j, "ous", {});
  u.groups = ValueOr<std::vector<std::string>>(j, "groups", {});
  if (auto it = j.find("custom_fields"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) u.custom_fields[k] = v.get<std::string>();
  }
  u.policies = ValueOr<std::vector<std::string>>(j, "policies", {});
  u.console_access = ValueOr<bool>(j, "console_access", false);
  u.password_reset_required = ValueOr<bool>(j, "password_reset_required", false);
  u.sms_login_verification = ValueOr<bool>(j, "sms_login_verification", false);
  u.created_at = DecodeTime(j, "created_at", style, absl::InfinitePast());
  u.password_changed_at = DecodeTime(j, "password_changed_at", style, absl::InfinitePast());
  u.password_expires_at = DecodeTime(j, "password_expires_at", style, absl::InfiniteFuture());
  u.version = ValueOr<int64_t>(j, "version", 1);
  u.updated_at = DecodeTime(j, "updated_at", style, absl::InfinitePast());
  return u;
}

std::string IdempotencyRecordText(const CreateUserResult& r) {
  json j = {{"v", 1},
            {"user", ToJson(r.user, UserJsonStyle::kRecord)},
            {"request_id", r.request_id},
            {"login_link_sent", r.login_link_sent}};
  if (r.access_key.has_value()) {
    j["access_key"] = {{"id", r.access_key->id},
                       {"created_at", TimeToNanos(r.access_key->created_at)}};
  }
  return j.dump();
}

absl::StatusOr<CreateUserResult> ParseIdempotencyRecord(absl::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("stored idempotent response is malformed");
  }
  try {
    // Records without "v" hold the API view of the first response (0.1).
    const UserJsonStyle style = j.contains("v") ? UserJsonStyle::kRecord : UserJsonStyle::kApi;
    CreateUserResult r;
    r.user = UserFromJsonOrThrow(j.at("user"), style);
    r.request_id = ValueOr<std::string>(j, "request_id", "");
    r.login_link_sent = ValueOr<bool>(j, "login_link_sent", false);
    if (auto key = j.find("access_key"); key != j.end() && key->is_object()) {
      IssuedAccessKey k;
      k.id = key->at("id").get<std::string>();
      k.created_at = style == UserJsonStyle::kRecord
                         ? TimeFromNanos(key->value("created_at", json()), absl::InfinitePast())
                         : TimeFromJson(key->value("created_at", json()), absl::InfinitePast());
      r.access_key = std::move(k);
    }
    return r;
  } catch (const json::exception& e) {
    return absl::DataLossError(std::string("stored idempotent response is malformed: ") + e.what());
  }
}

nlohmann::json ToJson(const DirectoryEntry& e) {
  nlohmann::json j = {{"kind", std::string(KindInfo(e.kind).json_name)},
                      {"tenant", e.tenant},
                      {"id", e.id},
                      {"name", e.name},
                      {"description", e.description},
                      {"created_at", TimeJson(e.created_at)}};
  if (e.kind == EntryKind::kCustomField) {
    j["type"] = e.field_type;
    j["max_length"] = e.max_length;
    j["allowed_values"] = e.allowed_values;
    j["pattern"] = e.pattern;
  }
  if (e.kind == EntryKind::kGroup) j["policies"] = e.policies;
  if (e.kind == EntryKind::kPolicy) {
    j["type"] = e.system ? "system" : "custom";
    j["document"] = e.document;
  }
  j["version"] = e.version;
  j["updated_at"] = TimeJson(e.updated_at);
  return j;
}

}  // namespace iam::internal
