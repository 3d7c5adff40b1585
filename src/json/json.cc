// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/json.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "iam/error.h"
#include "json/user_json.h"

namespace iam {
namespace {

using nlohmann::json;

// An allocator that wipes every block it releases, so that the strings and
// nodes of a JSON document holding a secret leave nothing behind when they
// grow or die.
template <typename T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, size_t n) {
    sodium_memzero(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U>
  bool operator==(const WipingAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const WipingAllocator<U>&) const {
    return false;
  }
};

using WipingString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;
using WipingJson = nlohmann::basic_json<std::map, std::vector, WipingString, bool, std::int64_t,
                                        std::uint64_t, double, WipingAllocator>;

// `public_part` (no secret in it) as a document that secrets may be added to.
WipingJson Wiping(const json& public_part) { return WipingJson::parse(public_part.dump()); }

// A copy on the heap even when short: a string that fits the small-string
// buffer would live inside a temporary and its moves, which no allocator
// wipes.
WipingString WipingCopy(const Secret& s) {
  WipingString copy;
  copy.reserve(std::max<size_t>(s.size(), sizeof(WipingString)));
  copy.assign(s.data(), s.size());
  return copy;
}

Secret Text(const WipingJson& j) {
  const WipingString text = j.dump();
  return Secret(absl::string_view(text.data(), text.size()));
}

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// The result without its secrets.
json PublicPart(const CreateUserResult& r) {
  json j = {{"user", ToJson(r.user, r.self_link)},
            {"request_id", r.request_id},
            {"login_link_sent", r.login_link_sent},
            {"replayed", r.replayed}};
  if (r.access_key.has_value()) {
    j["access_key"] = {{"id", r.access_key->id},
                       {"created_at", TimeToJson(r.access_key->created_at)}};
  }
  if (r.replayed) j["secrets_withheld"] = true;
  return j;
}

// Adds the one-time secrets of `r` to its rendering `j`.
void AddSecrets(const CreateUserResult& r, WipingJson* j) {
  if (!r.generated_password.empty()) (*j)["generated_password"] = WipingCopy(r.generated_password);
  if (r.access_key.has_value() && !r.access_key->secret.empty()) {
    (*j)["access_key"]["secret"] = WipingCopy(r.access_key->secret);
  }
}

}  // namespace

json TimeToJson(absl::Time t) { return internal::TimeJson(t); }

absl::Time TimeFromJson(const json& j, absl::Time if_null) {
  return internal::TimeFromJson(j, if_null);
}

json ToJson(const User& user, absl::string_view self_link) {
  return internal::ToJson(user, internal::UserJsonStyle::kApi, std::string(self_link));
}

absl::StatusOr<User> UserFromJson(const json& j) {
  try {
    return internal::UserFromJsonOrThrow(j, internal::UserJsonStyle::kApi);
  } catch (const json::exception& e) {
    return InvalidField("user", "user.malformed", std::string("user: ") + e.what());
  }
}

json ToJson(const DirectoryEntry& e) { return internal::ToJson(e); }

json ToJson(const ListUsersResult& page, const Engine& engine) {
  json users = json::array();
  for (const User& u : page.users) users.push_back(ToJson(u, engine.SelfLink(u.id)));
  return {{"users", std::move(users)}, {"next_page_token", OrNull(page.next_page_token)}};
}

json ToJson(const AuthResult& r) {
  return {{"outcome", AuthOutcomeName(r.outcome)},
          {"user_id", OrNull(r.user_id)},
          {"locked_until", TimeToJson(r.locked_until)}};
}

json ToJson(const AccessKeyInfo& k) {
  return {{"id", k.id},
          {"user_id", k.user_id},
          {"enabled", k.enabled},
          {"created_at", TimeToJson(k.created_at)},
          {"description", k.description},
          {"last_used_at", TimeToJson(k.last_used_at)},
          {"last_used_from", k.last_used_from.empty() ? json(nullptr) : json(k.last_used_from)}};
}

json ToJson(const AccessKeyVerification& v) {
  return {{"valid", v.valid},
          {"tenant", v.valid ? OrNull(v.tenant) : json(nullptr)},
          {"user_id", v.valid ? OrNull(v.user_id) : json(nullptr)}};
}

json ToJson(const AuditEvent& e) {
  json j = {{"time", TimeToJson(e.time)}, {"tenant", e.tenant},         {"actor", e.actor},
            {"action", e.action},         {"target", e.target},         {"outcome", e.outcome},
            {"reason", e.reason},         {"request_id", e.request_id}, {"source", e.source},
            {"user_agent", e.user_agent}};
  if (e.id != 0) j["id"] = e.id;
  return j;
}

absl::StatusOr<AuditQuery> AuditQueryFromJson(absl::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (!j.is_object()) return InvalidField("query", "query.invalid", "query: must be a JSON object");
  AuditQuery q;
  for (const auto& [key, value] : j.items()) {
    auto text_of = [&, &key = key, &value = value](std::string* out) -> absl::Status {
      if (!value.is_string()) {
        return InvalidField(key, "query.invalid", absl::StrCat(key, ": must be a string"));
      }
      *out = value.get<std::string>();
      return absl::OkStatus();
    };
    auto time_of = [&, &key = key, &value = value](absl::Time* out) -> absl::Status {
      std::string t;
      if (value.is_null()) return absl::OkStatus();
      if (!value.is_string() ||
          !absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), out, &t)) {
        return InvalidField(key, "query.invalid", absl::StrCat(key, ": must be an RFC 3339 time"));
      }
      return absl::OkStatus();
    };
    absl::Status s;
    if (key == "tenant") {
      s = text_of(&q.tenant);
    } else if (key == "target") {
      s = text_of(&q.target);
    } else if (key == "action") {
      s = text_of(&q.action);
    } else if (key == "page_token") {
      s = value.is_null() ? absl::OkStatus() : text_of(&q.page_token);
    } else if (key == "since") {
      s = time_of(&q.since);
    } else if (key == "until") {
      s = time_of(&q.until);
    } else if (key == "page_size") {
      if (!value.is_number_integer()) {
        s = InvalidField(key, "query.invalid", "page_size: must be an integer");
      } else {
        q.page_size = static_cast<int>(std::clamp<int64_t>(value.get<int64_t>(), 0, 100000));
      }
    } else {
      s = InvalidField(key, "query.invalid", absl::StrCat(key, ": is not a query member"));
    }
    if (!s.ok()) return s;
  }
  return q;
}

json ToJson(const AuditPage& page) {
  json events = json::array();
  for (const AuditEvent& e : page.events) events.push_back(ToJson(e));
  return {{"events", std::move(events)}, {"next_page_token", page.next_page_token}};
}

json ToJson(const OutboxMessage& m) {
  return {{"id", m.id},
          {"tenant", m.tenant},
          {"user_id", m.user_id},
          {"channel", m.channel},
          {"recipient", m.recipient},
          {"kind", m.kind},
          {"attempts", m.attempts},
          {"next_attempt_at", TimeToJson(m.next_attempt_at)},
          {"last_error", m.last_error}};
}

json ToJson(const ImportSummary& s) {
  const double seconds = absl::ToDoubleSeconds(s.elapsed);
  return {{"rows", s.rows},
          {"created", s.created},
          {"already_present", s.already_present},
          {"failed", s.failed},
          {"elapsed_seconds", seconds},
          {"rows_per_second", seconds > 0 ? static_cast<double>(s.rows) / seconds : 0.0},
          {"source_id", s.source_id}};
}

json ToJson(const ImportRowError& e) {
  return {{"row", e.row},
          {"username", e.username},
          {"field", OrNull(e.field)},
          {"reason", e.reason},
          {"message", e.message}};
}

json ErrorToJson(const Profile& profile, const absl::Status& status) {
  const HttpError http = MapError(profile, status);
  return {{"code", absl::StatusCodeToString(status.code())},
          {"reason", OrNull(ErrorReason(status))},
          {"field", OrNull(ErrorField(status))},
          {"http_status", http.http_status},
          {"provider_code", http.provider_code},
          {"message", std::string(status.message())}};
}

Secret ToSecretJson(const CreateUserResult& result) {
  WipingJson j = Wiping(PublicPart(result));
  AddSecrets(result, &j);
  return Text(j);
}

Secret ToSecretJson(const BatchCreateResult& batch, const Profile& profile) {
  WipingJson items = WipingJson::array();
  for (size_t i = 0; i < batch.items.size(); ++i) {
    const absl::StatusOr<CreateUserResult>& item = batch.items[i];
    if (item.ok()) {
      WipingJson result = Wiping(PublicPart(*item));
      AddSecrets(*item, &result);
      items.push_back({{"index", i}, {"result", std::move(result)}});
    } else {
      items.push_back(Wiping({{"index", i}, {"error", ErrorToJson(profile, item.status())}}));
    }
  }
  WipingJson j = {{"committed", batch.committed}, {"items", std::move(items)}};
  return Text(j);
}

Secret ToSecretJson(const IssuedAccessKey& key) {
  WipingJson j = Wiping({{"id", key.id}, {"created_at", TimeToJson(key.created_at)}});
  j["secret"] = WipingCopy(key.secret);
  return Text(j);
}

Secret ToSecretJson(const ImportSummary& summary, const std::vector<ImportRowError>& errors,
                    const std::vector<ImportedSecret>& secrets) {
  json pub = ToJson(summary);
  pub["errors"] = json::array();
  for (const ImportRowError& e : errors) pub["errors"].push_back(ToJson(e));
  WipingJson j = Wiping(pub);
  WipingJson list = WipingJson::array();
  for (const ImportedSecret& s : secrets) {
    WipingJson item = Wiping({{"row", s.row},
                              {"username", s.username},
                              {"user_id", s.user_id},
                              {"access_key_id", OrNull(s.access_key_id)}});
    item["password"] = s.password.empty() ? WipingJson() : WipingJson(WipingCopy(s.password));
    item["access_key_secret"] =
        s.access_key_secret.empty() ? WipingJson() : WipingJson(WipingCopy(s.access_key_secret));
    list.push_back(std::move(item));
  }
  j["secrets"] = std::move(list);
  return Text(j);
}

}  // namespace iam
