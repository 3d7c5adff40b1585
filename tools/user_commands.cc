// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// User, group, OU and custom-field commands over the engine and a SQLite file.
// Secrets: the host key comes from IAM_HOST_KEY (64 hex digits) or from the
// file <db>.key (created 0600 on first use); notifications are appended to
// IAM_NOTIFY_FILE (default <db>.notifications.jsonl).
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "commands.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/random.h"
#include "iam/sqlite_store.h"

namespace iamctl {
namespace {}  // namespace

// Reads or creates the 32-byte host key for `db`.
absl::StatusOr<std::string> HostKey(const std::string& db) {
  iam::InitCrypto();
  std::string key(32, '\0');
  if (const char* hex = std::getenv("IAM_HOST_KEY"); hex != nullptr && *hex != '\0') {
    size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex,
                       std::strlen(hex), nullptr, &len, nullptr) != 0 ||
        len != key.size()) {
      return iam::InvalidField("IAM_HOST_KEY", "host_key.invalid",
                               "IAM_HOST_KEY: must be 64 hex digits");
    }
    return key;
  }
  const std::string path = db + ".key";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    in.read(key.data(), static_cast<std::streamsize>(key.size()));
    if (in.gcount() == static_cast<std::streamsize>(key.size())) return key;
    return absl::DataLossError("host key file " + path + " is truncated");
  }
  randombytes_buf(key.data(), key.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError("cannot write host key file " + path);
  }
  ::close(fd);
  return key;
}

absl::StatusOr<Session> OpenSession(const Args& args, const iam::Profile& profile) {
  const std::string db = args.Get("db", "./iam.db");
  Session s;
  auto store = iam::SqliteStore::Open(db);
  if (!store.ok()) return store.status();
  s.store = std::move(*store);
  absl::StatusOr<std::string> key = HostKey(db);
  if (!key.ok()) return key.status();
  const char* notify = std::getenv("IAM_NOTIFY_FILE");
  s.notifier = std::make_unique<iam::JsonLinesNotifier>(
      notify != nullptr && *notify != '\0' ? notify : db + ".notifications.jsonl");
  iam::EngineOptions options;
  options.profile = &profile;
  options.host_key = *key;
  options.notifier = s.notifier.get();
  iam::WipeString(*key);
  s.engine = std::make_unique<iam::Engine>(std::move(options), s.store.get());
  return s;
}

// Runs `body` with an engine for the command's tenant (registered on first use).
int WithEngine(const Args& args, const iam::Profile& profile,
               const std::function<int(iam::Engine&, const std::string& tenant)>& body) {
  if (!args.Has("tenant")) {
    std::cerr << "iamctl: --tenant is required\n";
    return kExitUsage;
  }
  absl::StatusOr<Session> session = OpenSession(args, profile);
  if (!session.ok()) return PrintError(profile, session.status());
  const std::string tenant = args.Get("tenant");
  if (absl::Status s = session->engine->RegisterTenant(tenant); !s.ok()) {
    return PrintError(profile, s);
  }
  return body(*session->engine, tenant);
}

absl::StatusOr<iam::Channel> ParseChannel(const std::string& s) {
  if (s == "email") return iam::Channel::kEmail;
  if (s == "sms") return iam::Channel::kSms;
  return iam::InvalidField("notify", "notify.invalid_channel", "notify: must be email or sms");
}

absl::StatusOr<std::vector<iam::CustomFieldValue>> ParseCustomFields(const Args& args) {
  std::vector<iam::CustomFieldValue> fields;
  for (const std::string& f : args.All("custom-field")) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos) {
      return iam::InvalidField("custom_fields", "custom_field.invalid_syntax",
                               "custom_fields: use --custom-field NAME=VALUE");
    }
    fields.push_back({f.substr(0, eq), f.substr(eq + 1)});
  }
  return fields;
}

namespace {

absl::StatusOr<iam::CreateUserRequest> RequestFromArgs(const Args& args) {
  iam::CreateUserRequest r;
  r.tenant = args.Get("tenant");
  r.username = args.Get("username");
  r.display_name = args.Get("display-name");
  r.description = args.Get("description");
  r.email = args.Get("email");
  if (args.Has("email")) r.email_verified = args.Has("email-verified");
  r.phone_region = args.Get("phone-region");
  r.phone = args.Get("phone");
  if (args.Has("phone")) r.phone_verified = args.Has("phone-verified");
  r.external_id = args.Get("external-id");
  r.enabled = !args.Has("disabled");
  r.default_project_id = args.Get("default-project-id");
  r.primary_ou = args.Get("primary-ou");
  r.ous = args.All("ou");
  r.groups = args.All("group");
  r.policies = args.All("policy");
  absl::StatusOr<std::vector<iam::CustomFieldValue>> fields = ParseCustomFields(args);
  if (!fields.ok()) return fields.status();
  r.custom_fields = std::move(*fields);
  const int modes = args.Has("password") + args.Has("generate-password") + args.Has("login-link");
  if (modes > 1) {
    return iam::InvalidField("password", "password.mode_conflict",
                             "password: choose one of --password, --generate-password, "
                             "--login-link");
  }
  if (args.Has("password")) {
    r.password_mode = iam::PasswordMode::kManual;
    r.password = iam::Secret(ReadSecretArg(args.Get("password")));
  } else if (args.Has("generate-password")) {
    r.password_mode = iam::PasswordMode::kGenerated;
  } else if (args.Has("login-link")) {
    r.password_mode = iam::PasswordMode::kFirstLoginLink;
  }
  if (args.Has("length") && !absl::SimpleAtoi(args.Get("length"), &r.generated_password_length)) {
    return iam::InvalidField("length", "password.generate_length", "length: must be a number");
  }
  r.access_key = args.Has("access-key");
  if (args.Has("no-reset")) r.require_password_reset = false;
  for (const std::string& c : args.All("notify")) {
    absl::StatusOr<iam::Channel> channel = ParseChannel(c);
    if (!channel.ok()) return channel.status();
    r.notify.push_back(*channel);
  }
  r.quick_create = args.Has("quick");
  r.sms_login_verification = args.Has("sms-login-verification");
  r.client_token = args.Get("client-token");
  return r;
}

// One batch item from JSON: the same names as create-user's flags, with '_'.
absl::StatusOr<iam::CreateUserRequest> RequestFromJson(const nlohmann::json& j,
                                                       const std::string& tenant) {
  if (!j.is_object())
    return iam::InvalidField("users", "batch.invalid", "users: each item must be an object");
  try {
    iam::CreateUserRequest r;
    r.tenant = j.value("tenant", tenant);
    r.username = j.value("username", "");
    r.display_name = j.value("display_name", "");
    r.description = j.value("description", "");
    r.email = j.value("email", "");
    if (j.contains("email_verified")) r.email_verified = j["email_verified"].get<bool>();
    r.phone_region = j.value("phone_region", "");
    r.phone = j.value("phone", "");
    if (j.contains("phone_verified")) r.phone_verified = j["phone_verified"].get<bool>();
    r.external_id = j.value("external_id", "");
    r.enabled = j.value("enabled", true);
    r.primary_ou = j.value("primary_ou", "");
    r.ous = j.value("ous", std::vector<std::string>{});
    r.groups = j.value("groups", std::vector<std::string>{});
    r.policies = j.value("policies", std::vector<std::string>{});
    const std::string mode = j.value("password_mode", "none");
    if (mode == "generated") {
      r.password_mode = iam::PasswordMode::kGenerated;
    } else if (mode == "login_link") {
      r.password_mode = iam::PasswordMode::kFirstLoginLink;
    } else if (mode == "manual") {
      r.password_mode = iam::PasswordMode::kManual;
      r.password = iam::Secret(j.value("password", ""));
    } else if (mode != "none") {
      return iam::InvalidField("password_mode", "password.invalid_mode",
                               "password_mode: none, manual, generated or login_link");
    }
    r.access_key = j.value("access_key", false);
    if (j.contains("require_password_reset")) {
      r.require_password_reset = j["require_password_reset"].get<bool>();
    }
    for (const auto& c : j.value("notify", std::vector<std::string>{})) {
      absl::StatusOr<iam::Channel> channel = ParseChannel(c);
      if (!channel.ok()) return channel.status();
      r.notify.push_back(*channel);
    }
    r.quick_create = j.value("quick_create", false);
    return r;
  } catch (const nlohmann::json::exception& e) {
    return iam::InvalidField("users", "batch.invalid", std::string("users: ") + e.what());
  }
}

const OptionSpec kCreateUserOptions = {
    {"tenant", "username", "display-name", "description", "email", "phone-region", "phone",
     "external-id", "default-project-id", "password", "length", "group", "primary-ou", "ou",
     "policy", "custom-field", "notify", "client-token"},
    {"email-verified", "phone-verified", "disabled", "generate-password", "login-link",
     "access-key", "no-reset", "quick", "sms-login-verification"}};

int CreateUser(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("username")) return kExitUsage;
  absl::StatusOr<iam::CreateUserRequest> request = RequestFromArgs(args);
  if (!request.ok()) return PrintError(profile, request.status());
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string&) {
    auto result = engine.CreateUser(*request);
    if (!result.ok()) return PrintError(profile, result.status());
    std::cout << iam::ToSecretJson(*result).view() << std::endl;
    return kExitOk;
  });
}

int BatchCreate(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("file")) return kExitUsage;
  std::ifstream in(args.Get("file"));
  if (!in) {
    return PrintError(profile, iam::MakeError(absl::StatusCode::kNotFound, "file", "file.not_found",
                                              "file: cannot open " + args.Get("file")));
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_object() && doc.contains("users")) doc = doc["users"];
  if (!doc.is_array()) {
    return PrintError(profile, iam::InvalidField("file", "batch.invalid",
                                                 "file: must hold a JSON array of users"));
  }
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    std::vector<iam::CreateUserRequest> requests;
    for (size_t i = 0; i < doc.size(); ++i) {
      auto r = RequestFromJson(doc[i], tenant);
      if (!r.ok()) return PrintError(profile, r.status());
      requests.push_back(std::move(*r));
    }
    auto result = engine.BatchCreateUsers(requests);
    if (!result.ok()) return PrintError(profile, result.status());
    std::cout << iam::ToSecretJson(*result, profile).view() << std::endl;
    return result->committed ? kExitOk : kExitFailed;
  });
}

int GetUser(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || (args.Has("username") == args.Has("id"))) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto user = engine.GetUser({}, tenant, args.Has("id") ? args.Get("id") : args.Get("username"));
    if (!user.ok()) return PrintError(profile, user.status());
    std::cout << "{\"user\":" << iam::ToJson(*user, engine.SelfLink(user->id)).dump() << "}"
              << std::endl;
    return kExitOk;
  });
}

struct EntryCommandInfo {
  iam::EntryKind kind;
  const char* singular;  // JSON key of one entry
  const char* plural;    // JSON key of a list
};

int CreateEntry(const Args& args, const iam::Profile& profile, const EntryCommandInfo& info) {
  if (!args.positionals().empty() || !args.Has("name")) return kExitUsage;
  iam::DirectoryEntry e;
  e.kind = info.kind;
  e.tenant = args.Get("tenant");
  e.name = args.Get("name");
  e.description = args.Get("description");
  e.field_type = args.Get("type");
  if (args.Has("max-length") && !absl::SimpleAtoi(args.Get("max-length"), &e.max_length)) {
    return kExitUsage;
  }
  e.allowed_values = args.All("allowed-value");
  e.pattern = args.Get("pattern");
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string&) {
    auto created = engine.CreateEntry({}, e);
    if (!created.ok()) return PrintError(profile, created.status());
    PrintJson({{info.singular, iam::ToJson(*created)}});
    return kExitOk;
  });
}

int ListEntries(const Args& args, const iam::Profile& profile, const EntryCommandInfo& info) {
  if (!args.positionals().empty()) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto entries = engine.ListEntries({}, info.kind, tenant, args.Get("keyword"));
    if (!entries.ok()) return PrintError(profile, entries.status());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : *entries) list.push_back(iam::ToJson(e));
    PrintJson({{info.plural, list}});
    return kExitOk;
  });
}

int DeleteEntry(const Args& args, const iam::Profile& profile, const EntryCommandInfo& info) {
  if (!args.positionals().empty() || !args.Has("name")) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    absl::Status s = engine.DeleteEntry({}, info.kind, tenant, args.Get("name"));
    if (!s.ok()) return PrintError(profile, s);
    PrintJson({{"deleted", args.Get("name")}});
    return kExitOk;
  });
}

int DispatchOutbox(const Args& args, const iam::Profile& profile) {
  absl::StatusOr<Session> session = OpenSession(args, profile);
  if (!session.ok()) return PrintError(profile, session.status());
  absl::StatusOr<int> sent = session->engine->DispatchOutbox();
  if (!sent.ok()) return PrintError(profile, sent.status());
  absl::StatusOr<int64_t> pending = session->store->PendingOutbox();
  PrintJson({{"sent", *sent}, {"pending", pending.ok() ? *pending : -1}});
  return kExitOk;
}

}  // namespace

void AddUserCommands(std::vector<Command>* out) {
  out->push_back(
      {"create-user",
       "--tenant T --username U [--display-name S] [--description S] [--email E "
       "[--email-verified]] [--phone-region R --phone N [--phone-verified]] [--external-id X] "
       "[--password - | --generate-password [--length N] | --login-link] [--access-key] "
       "[--group G]... [--primary-ou O] [--ou O]... [--policy P]... [--custom-field NAME=VALUE]... "
       "[--notify email|sms]... [--quick] [--sms-login-verification] [--disabled] "
       "[--client-token K] [--no-reset]",
       kCreateUserOptions, CreateUser});
  out->push_back({"batch-create-users",
                  "--tenant T --file USERS.json",
                  {{"tenant", "file"}, {}},
                  BatchCreate});
  out->push_back({"get-user",
                  "--tenant T (--username U | --id ID)",
                  {{"tenant", "username", "id"}, {}},
                  GetUser});
  static const EntryCommandInfo kGroup{iam::EntryKind::kGroup, "group", "groups"};
  static const EntryCommandInfo kOu{iam::EntryKind::kOrganizationalUnit, "ou", "ous"};
  static const EntryCommandInfo kField{iam::EntryKind::kCustomField, "custom_field",
                                       "custom_fields"};
  for (const auto* info : {&kGroup, &kOu, &kField}) {
    std::string noun = info->kind == iam::EntryKind::kGroup                ? "group"
                       : info->kind == iam::EntryKind::kOrganizationalUnit ? "ou"
                                                                           : "custom-field";
    OptionSpec create{{"tenant", "name", "description"}, {}};
    std::string create_usage = "--tenant T --name NAME [--description S]";
    if (info->kind == iam::EntryKind::kCustomField) {
      create.with_value.insert({"type", "max-length", "allowed-value", "pattern"});
      create_usage +=
          " [--type string|number|boolean|enum] [--max-length N] "
          "[--allowed-value V]... [--pattern RE2]";
    }
    out->push_back(
        {"create-" + noun, create_usage, create,
         [info](const Args& a, const iam::Profile& p) { return CreateEntry(a, p, *info); }});
    out->push_back(
        {"list-" + noun + "s",
         "--tenant T [--keyword K]",
         {{"tenant", "keyword"}, {}},
         [info](const Args& a, const iam::Profile& p) { return ListEntries(a, p, *info); }});
    out->push_back(
        {"delete-" + noun,
         "--tenant T --name NAME|ID",
         {{"tenant", "name"}, {}},
         [info](const Args& a, const iam::Profile& p) { return DeleteEntry(a, p, *info); }});
  }
  out->push_back({"dispatch-outbox", "", {{}, {}}, DispatchOutbox});
}

}  // namespace iamctl
