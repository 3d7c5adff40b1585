// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The helpers every dialect's handlers share: body shape checks, query
// parameters, the domain check, Keystone's time format and links.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "iam/error.h"
#include "iam/names.h"
#include "iam/secret.h"
#include "iam/user_id.h"
#include "wire/percent_encoding.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

bool KindMatches(const json& value, JsonKind kind) {
  switch (kind) {
    case JsonKind::kString:
      return value.is_string();
    case JsonKind::kBool:
      return value.is_boolean();
    case JsonKind::kObject:
      return value.is_object();
    case JsonKind::kArray:
      return value.is_array();
    case JsonKind::kAny:
      return true;
  }
  return false;
}

const char* KindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kString:
      return "a string";
    case JsonKind::kBool:
      return "true or false";
    case JsonKind::kObject:
      return "an object";
    case JsonKind::kArray:
      return "an array";
    case JsonKind::kAny:
      break;
  }
  return "a value";
}

}  // namespace

absl::StatusOr<const json*> BodyObject(const Call& call, absl::string_view root,
                                       absl::Span<const FieldSpec> fields) {
  const std::string root_name(root);
  for (const auto& [key, value] : call.body.items()) {
    if (key != root_name) {
      return InvalidField(key, "request.unknown_field",
                          absl::StrCat(key, ": is not a member of this request"));
    }
  }
  auto it = call.body.find(root_name);
  if (it == call.body.end()) {
    return InvalidField(root, "request.missing_field", absl::StrCat(root, ": is required"));
  }
  if (!it->is_object()) {
    return InvalidField(root, "request.invalid_type", absl::StrCat(root, ": must be an object"));
  }
  for (const auto& member : it->items()) {
    const std::string& key = member.key();
    const json& value = member.value();
    const auto spec = std::find_if(fields.begin(), fields.end(),
                                   [&](const FieldSpec& f) { return f.name == key; });
    const std::string field = absl::StrCat(root, ".", key);
    if (spec == fields.end()) {
      return InvalidField(field, "request.unknown_field",
                          absl::StrCat(field, ": is not a member of ", root));
    }
    if (!KindMatches(value, spec->kind)) {
      return InvalidField(field, "request.invalid_type",
                          absl::StrCat(field, ": must be ", KindName(spec->kind)));
    }
  }
  return &*it;
}

std::optional<std::string> OptString(const json& object, absl::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<bool> OptBool(const json& object, absl::string_view name) {
  auto it = object.find(std::string(name));
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::optional<std::string> QueryParam(const Call& call, absl::string_view name) {
  for (absl::string_view item : absl::StrSplit(call.request.query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (PercentDecode(kv.first, true) == name) return PercentDecode(kv.second, true);
  }
  return std::nullopt;
}

absl::Status SameDomain(const Call& call, const std::optional<std::string>& domain_id,
                        absl::string_view field) {
  if (!domain_id.has_value() || *domain_id == call.caller.tenant) return absl::OkStatus();
  return MakeError(absl::StatusCode::kPermissionDenied, field, "domain.forbidden",
                   absl::StrCat(field, ": the caller may act in its own domain only"));
}

json KeystoneTime(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

json SelfLinks(absl::string_view url) { return {{"self", url}}; }

json ListLinks(const Call& call) {
  std::string self = absl::StrCat(call.options.public_url, call.request.path);
  if (!call.request.query.empty()) absl::StrAppend(&self, "?", call.request.query);
  return {{"self", self}, {"previous", nullptr}, {"next", nullptr}};
}

absl::StatusOr<User> UserById(Call& call, absl::string_view id) {
  absl::StatusOr<User> user = call.engine.GetUser(call.caller, call.caller.tenant, id);
  if (user.ok() && user->id != id) {
    return MakeError(absl::StatusCode::kNotFound, "user_id", "user.not_found",
                     "Could not find user.");
  }
  return user;
}

absl::StatusOr<std::vector<User>> AllUsers(Call& call, const std::optional<std::string>& name,
                                           std::optional<bool> enabled) {
  if (name.has_value()) {
    std::vector<User> out;
    // An exact name: the username lookup (case-insensitive, as the engine's).
    absl::StatusOr<User> user = call.engine.GetUser(call.caller, call.caller.tenant, *name);
    if (absl::IsNotFound(user.status()) || absl::IsInvalidArgument(user.status())) return out;
    if (!user.ok()) return user.status();
    if (user->id == *name && !absl::EqualsIgnoreCase(user->username, *name)) return out;
    if (!enabled.has_value() || user->enabled == *enabled) out.push_back(*std::move(user));
    return out;
  }
  ListUsersRequest request;
  request.caller = call.caller;
  request.tenant = call.caller.tenant;
  request.enabled = enabled;
  return AllPages(call.engine, std::move(request));
}

absl::StatusOr<std::vector<User>> AllPages(Engine& engine, ListUsersRequest request) {
  std::vector<User> out;
  request.page_size = 1000;
  do {
    absl::StatusOr<ListUsersResult> page = engine.ListUsers(request);
    if (!page.ok()) return page.status();
    for (User& u : page->users) out.push_back(std::move(u));
    request.page_token = page->next_page_token;
  } while (!request.page_token.empty());
  return out;
}

absl::StatusOr<DirectoryEntry> EntryById(Call& call, EntryKind kind, absl::string_view id,
                                         absl::string_view field) {
  absl::StatusOr<DirectoryEntry> e =
      call.engine.GetEntry(call.caller, kind, call.caller.tenant, id);
  if (e.ok() && e->id == id) return e;
  if (!e.ok() && !absl::IsNotFound(e.status())) return e.status();
  const absl::string_view kind_name = KindInfo(kind).reason_name;
  return MakeError(absl::StatusCode::kNotFound, field, absl::StrCat(kind_name, ".not_found"),
                   absl::StrCat(field, ": no such ", kind_name));
}

bool SetPolicyName(std::vector<std::string>* names, absl::string_view policy, bool attached) {
  auto it = std::find_if(names->begin(), names->end(),
                         [&](const std::string& n) { return absl::EqualsIgnoreCase(n, policy); });
  if (attached == (it != names->end())) return false;
  if (attached) {
    names->emplace_back(policy);
  } else {
    names->erase(it);
  }
  return true;
}

absl::StatusOr<bool> SetGroupPolicy(Call& call, const DirectoryEntry& group,
                                    absl::string_view policy, bool attached) {
  EntryUpdate u;
  u.caller = call.caller;
  u.kind = EntryKind::kGroup;
  u.tenant = call.caller.tenant;
  u.id_or_name = group.id;
  u.expected_version = group.version;
  u.policies = group.policies;
  if (!SetPolicyName(&*u.policies, policy, attached)) return false;
  absl::StatusOr<DirectoryEntry> updated = call.engine.UpdateEntry(u);
  if (!updated.ok()) return updated.status();
  return true;
}

UpdateUserRequest UpdateOf(const Call& call, const User& current) {
  UpdateUserRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.user = current.id;
  req.expected_version = current.version;
  return req;
}

CreateUserRequest BaseCreate(const Call& call, const json& u) {
  CreateUserRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.username = OptString(u, "name").value_or("");
  req.description = OptString(u, "description").value_or("");
  req.email = OptString(u, "email").value_or("");
  req.enabled = OptBool(u, "enabled").value_or(true);
  if (std::optional<std::string> password = OptString(u, "password")) {
    req.password_mode = PasswordMode::kManual;
    req.password = Secret(std::move(*password));
    // Keystone: the password is the user's; Huawei's pwd_status true asks
    // for a change at the first login.
    req.require_password_reset = OptBool(u, "pwd_status").value_or(false);
  }
  return req;
}

absl::StatusOr<UpdateUserRequest> BaseUpdate(const Call& call, const json& u, const User& current) {
  if (std::optional<std::string> name = OptString(u, "name");
      name.has_value() && *name != current.username) {
    return InvalidField("user.name", "user.rename_unsupported",
                        "user.name: a user cannot be renamed");
  }
  UpdateUserRequest req = UpdateOf(call, current);
  req.enabled = OptBool(u, "enabled");
  req.description = OptString(u, "description");
  req.email = OptString(u, "email");
  req.password_reset_required = OptBool(u, "pwd_status");
  // Checked, hashed and committed with the rest, or nothing changes.
  if (std::optional<std::string> password = OptString(u, "password")) {
    if (password->empty()) {  // the engine reads "" as "unchanged"
      return InvalidField("user.password", "password.too_short", "user.password: is empty");
    }
    req.password = Secret(std::move(*password));
  }
  return req;
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void WipeJsonStrings(json& value) {
  // Iterative: a body's depth is bounded, but no recursion is needed anyway.
  std::vector<json*> stack = {&value};
  while (!stack.empty()) {
    json* v = stack.back();
    stack.pop_back();
    if (v->is_string()) {
      WipeString(v->get_ref<std::string&>());
    } else if (v->is_structured()) {
      for (json& child : *v) stack.push_back(&child);
    }
  }
}

Secret JsonWithSecret(const json& body, absl::string_view root, absl::string_view key,
                      absl::string_view secret) {
  SecretSlot slot;
  slot.pointer = root.empty() ? absl::StrCat("/", key) : absl::StrCat("/", root, "/", key);
  slot.value = Secret(secret);
  return JsonWithSecrets(body, absl::MakeConstSpan(&slot, 1));
}

Secret JsonWithSecrets(const json& body, absl::Span<const SecretSlot> slots) {
  // Placeholders no client can guess, so none can plant one in another field.
  const std::string nonce = NewRequestId();
  json copy = body;
  std::vector<std::string> quoted;
  for (size_t i = 0; i < slots.size(); ++i) {
    const std::string placeholder = absl::StrCat("\x01", nonce, ".", i, "\x01");
    copy[json::json_pointer(slots[i].pointer)] = placeholder;
    quoted.push_back(json(placeholder).dump());
  }
  const std::string text = Dump(copy);
  // (position in text, slot) in text order.
  std::vector<std::pair<size_t, size_t>> at;
  size_t size = text.size();
  for (size_t i = 0; i < slots.size(); ++i) {
    const size_t pos = text.find(quoted[i]);
    if (pos == std::string::npos) return Secret();  // unreachable: the placeholders are ours
    at.emplace_back(pos, i);
    size -= quoted[i].size();
    size += 2;
    for (char c : slots[i].value.view()) size += (c == '"' || c == '\\') ? 2 : 1;
  }
  std::sort(at.begin(), at.end());
  std::string out;
  out.reserve(size);  // no reallocation: no stray copy of a secret
  size_t from = 0;
  for (const auto& [pos, i] : at) {
    out.append(text, from, pos - from);
    out.push_back('"');
    for (char c : slots[i].value.view()) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
    from = pos + quoted[i].size();
  }
  out.append(text, from, std::string::npos);
  return Secret(std::move(out));
}

json NumericId(absl::string_view id) {
  uint64_t n = 0;
  if (!id.empty() && id.size() <= 18 && absl::SimpleAtoi(id, &n) && id[0] != '0' &&
      std::all_of(id.begin(), id.end(), absl::ascii_isdigit)) {
    return n;
  }
  return std::string(id);
}

std::optional<std::string> IdText(const json& value) {
  if (value.is_number_unsigned()) return absl::StrCat(value.get<uint64_t>());
  if (value.is_number_integer() && value.get<int64_t>() > 0) {
    return absl::StrCat(value.get<int64_t>());
  }
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}

Reply JsonReply(json body, int status) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply NoContent() {
  Reply r;
  r.status = 204;
  return r;
}

absl::Status AddUsersToGroup(Call& call, absl::string_view group, absl::string_view group_field,
                             const std::vector<std::string>& users) {
  absl::StatusOr<std::vector<DirectoryEntry>> groups =
      call.engine.ListEntries(call.caller, EntryKind::kGroup, call.caller.tenant, "");
  if (!groups.ok()) return groups.status();
  if (std::none_of(groups->begin(), groups->end(),
                   [&](const DirectoryEntry& e) { return e.id == group || e.name == group; })) {
    return MakeError(absl::StatusCode::kNotFound, group_field, "group.not_found",
                     absl::StrCat(group_field, ": no such group in this tenant"));
  }
  std::vector<User> found;
  for (const std::string& id : users) {
    absl::StatusOr<User> user = call.engine.GetUser(call.caller, call.caller.tenant, id);
    if (!user.ok()) return user.status();
    found.push_back(*std::move(user));
  }
  for (const User& user : found) {
    std::vector<std::string> groups = user.groups;
    groups.push_back(std::string(group));  // the engine resolves a name and drops a repeat
    UpdateUserRequest req = UpdateOf(call, user);
    req.groups = std::move(groups);
    absl::StatusOr<User> updated = call.engine.UpdateUser(req);
    if (!updated.ok()) return updated.status();
  }
  return absl::OkStatus();
}

std::pair<size_t, size_t> PageBounds(size_t total, int64_t page, int64_t size) {
  if (page < 1 || size < 1) return {0, 0};
  const uint64_t begin = static_cast<uint64_t>(page - 1) * static_cast<uint64_t>(size);
  if (page > (int64_t{1} << 31) || size > (int64_t{1} << 31) || begin >= total)
    return {total, total};
  return {static_cast<size_t>(begin), static_cast<size_t>(std::min<uint64_t>(total, begin + size))};
}

}  // namespace iam::wire
