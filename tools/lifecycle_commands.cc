// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What follows creation: list, update, delete, login, links, resets, password
// changes and access keys. Secrets are read with "-" from standard input.
#include <iostream>

#include "absl/strings/numbers.h"
#include "commands.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/secret.h"

namespace iamctl {
namespace {

std::string UserRef(const Args& args) {
  return args.Has("id") ? args.Get("id") : args.Get("username");
}
bool HasUserRef(const Args& args) { return args.Has("id") != args.Has("username"); }

absl::StatusOr<bool> OnOff(const Args& args, const std::string& name) {
  const std::string v = args.Get(name);
  if (v == "on" || v == "true") return true;
  if (v == "off" || v == "false") return false;
  return iam::InvalidField(name, "option.invalid", name + ": must be on or off");
}

int ListUsers(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty()) return kExitUsage;
  iam::ListUsersRequest q;
  q.name_prefix = args.Get("prefix");
  q.group = args.Get("group");
  q.ou = args.Get("ou");
  q.page_token = args.Get("page-token");
  if (args.Has("page-size") && !absl::SimpleAtoi(args.Get("page-size"), &q.page_size)) {
    return kExitUsage;
  }
  if (args.Has("enabled")) {
    auto v = OnOff(args, "enabled");
    if (!v.ok()) return PrintError(profile, v.status());
    q.enabled = *v;
  }
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    q.tenant = tenant;
    auto page = engine.ListUsers(q);
    if (!page.ok()) return PrintError(profile, page.status());
    PrintJson(iam::ToJson(*page, engine));
    return kExitOk;
  });
}

int UpdateUser(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !HasUserRef(args)) return kExitUsage;
  if (args.Has("enable") && args.Has("disable")) return kExitUsage;
  iam::UpdateUserRequest r;
  r.user = UserRef(args);
  if (args.Has("version") && !absl::SimpleAtoi(args.Get("version"), &r.expected_version)) {
    return kExitUsage;
  }
  if (args.Has("enable")) r.enabled = true;
  if (args.Has("disable")) r.enabled = false;
  auto text = [&](const char* name, std::optional<std::string>* out) {
    if (args.Has(name)) *out = args.Get(name);
  };
  text("display-name", &r.display_name);
  text("description", &r.description);
  text("email", &r.email);
  text("phone-region", &r.phone_region);
  text("phone", &r.phone);
  text("external-id", &r.external_id);
  text("default-project-id", &r.default_project_id);
  text("primary-ou", &r.primary_ou);
  if (args.Has("email-verified")) r.email_verified = true;
  if (args.Has("phone-verified")) r.phone_verified = true;
  auto list = [&](const char* name, const char* clear,
                  std::optional<std::vector<std::string>>* out) {
    if (args.Has(name) || args.Has(clear)) *out = args.All(name);
  };
  list("group", "clear-groups", &r.groups);
  list("ou", "clear-ous", &r.ous);
  list("policy", "clear-policies", &r.policies);
  if (args.Has("custom-field") || args.Has("clear-custom-fields")) {
    absl::StatusOr<std::vector<iam::CustomFieldValue>> fields = ParseCustomFields(args);
    if (!fields.ok()) return PrintError(profile, fields.status());
    r.custom_fields = std::move(*fields);
  }
  for (auto [name, field] : {std::pair{"sms-login-verification", &r.sms_login_verification},
                             {"require-reset", &r.password_reset_required}}) {
    if (!args.Has(name)) continue;
    auto v = OnOff(args, name);
    if (!v.ok()) return PrintError(profile, v.status());
    *field = *v;
  }
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    r.tenant = tenant;
    auto user = engine.UpdateUser(r);
    if (!user.ok()) return PrintError(profile, user.status());
    std::cout << "{\"user\":" << iam::ToJson(*user, engine.SelfLink(user->id)).dump() << "}"
              << std::endl;
    return kExitOk;
  });
}

int DeleteUser(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !HasUserRef(args)) return kExitUsage;
  int64_t version = 0;
  if (args.Has("version") && !absl::SimpleAtoi(args.Get("version"), &version)) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto user = engine.GetUser({}, tenant, UserRef(args));
    if (!user.ok()) return PrintError(profile, user.status());
    absl::Status s = engine.DeleteUser({}, tenant, user->id, version);
    if (!s.ok()) return PrintError(profile, s);
    PrintJson({{"deleted", {{"id", user->id}, {"name", user->username}}}});
    return kExitOk;
  });
}

int Login(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("identifier") || !args.Has("password")) {
    return kExitUsage;
  }
  iam::Secret password(ReadSecretArg(args.Get("password")));
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto result = engine.Authenticate(tenant, args.Get("identifier"), password.view());
    if (!result.ok()) return PrintError(profile, result.status());
    PrintJson(iam::ToJson(*result));
    return result->outcome == iam::AuthOutcome::kSuccess ? kExitOk : kExitFailed;
  });
}

// redeem-link and the completing half of reset-password.
int SetPasswordByToken(const Args& args, const iam::Profile& profile, bool reset) {
  iam::Secret token(ReadSecretArg(args.Get("token")));
  iam::Secret password(ReadSecretArg(args.Get("password")));
  absl::StatusOr<Session> session = OpenSession(args, profile);
  if (!session.ok()) return PrintError(profile, session.status());
  iam::Engine& engine = *session->engine;
  auto user = reset ? engine.CompleteReset(token.view(), password.view())
                    : engine.RedeemLoginLink(token.view(), password.view());
  if (!user.ok()) return PrintError(profile, user.status());
  std::cout << "{\"user\":" << iam::ToJson(*user, engine.SelfLink(user->id)).dump() << "}"
            << std::endl;
  return kExitOk;
}

int RedeemLink(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("token") || !args.Has("password")) {
    return kExitUsage;
  }
  return SetPasswordByToken(args, profile, false);
}

int ResetPassword(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty()) return kExitUsage;
  if (args.Has("token")) {
    if (!args.Has("password")) return kExitUsage;
    return SetPasswordByToken(args, profile, true);
  }
  if (!args.Has("identifier")) return kExitUsage;
  auto channel = ParseChannel(args.Get("channel", "email"));
  if (!channel.ok()) return PrintError(profile, channel.status());
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    absl::Status s = engine.StartPasswordReset(tenant, args.Get("identifier"), *channel);
    if (!s.ok()) return PrintError(profile, s);
    // The same answer whether or not the account exists.
    PrintJson({{"reset", "if the account exists, a reset link was sent"}});
    return kExitOk;
  });
}

int ChangePassword(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !HasUserRef(args) || !args.Has("old") || !args.Has("new")) {
    return kExitUsage;
  }
  iam::Secret old_password(ReadSecretArg(args.Get("old")));
  iam::Secret new_password(ReadSecretArg(args.Get("new")));
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    absl::Status s =
        engine.ChangePassword(tenant, UserRef(args), old_password.view(), new_password.view());
    if (!s.ok()) return PrintError(profile, s);
    PrintJson({{"changed", true}});
    return kExitOk;
  });
}

int CreateAccessKey(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !HasUserRef(args)) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto key = engine.CreateAccessKey({}, tenant, UserRef(args));
    if (!key.ok()) return PrintError(profile, key.status());
    std::cout << "{\"access_key\":" << iam::ToSecretJson(*key).view() << "}" << std::endl;
    return kExitOk;
  });
}

int ListAccessKeys(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !HasUserRef(args)) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    auto keys = engine.ListAccessKeys({}, tenant, UserRef(args));
    if (!keys.ok()) return PrintError(profile, keys.status());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& k : *keys) list.push_back(iam::ToJson(k));
    PrintJson({{"access_keys", list}});
    return kExitOk;
  });
}

int DeleteAccessKey(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("id")) return kExitUsage;
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    absl::Status s = engine.DeleteAccessKey({}, tenant, args.Get("id"));
    if (!s.ok()) return PrintError(profile, s);
    PrintJson({{"deleted", args.Get("id")}});
    return kExitOk;
  });
}

int UpdateAccessKey(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("id") || args.Has("enable") == args.Has("disable")) {
    return kExitUsage;
  }
  return WithEngine(args, profile, [&](iam::Engine& engine, const std::string& tenant) {
    absl::Status s = engine.SetAccessKeyEnabled({}, tenant, args.Get("id"), args.Has("enable"));
    if (!s.ok()) return PrintError(profile, s);
    PrintJson({{"access_key", {{"id", args.Get("id")}, {"enabled", args.Has("enable")}}}});
    return kExitOk;
  });
}

int VerifyAccessKey(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty() || !args.Has("id") || !args.Has("secret")) return kExitUsage;
  iam::Secret secret(ReadSecretArg(args.Get("secret")));
  absl::StatusOr<Session> session = OpenSession(args, profile);
  if (!session.ok()) return PrintError(profile, session.status());
  auto v = session->engine->VerifyAccessKey(args.Get("id"), secret.view());
  if (!v.ok()) return PrintError(profile, v.status());
  PrintJson(iam::ToJson(*v));
  return v->valid ? kExitOk : kExitFailed;
}

}  // namespace

void AddLifecycleCommands(std::vector<Command>* out) {
  const std::string who = "--tenant T (--username U | --id ID)";
  out->push_back({"list-users",
                  "--tenant T [--prefix P] [--group G] [--ou O] [--enabled on|off] "
                  "[--page-size N] [--page-token K]",
                  {{"tenant", "prefix", "group", "ou", "enabled", "page-size", "page-token"}, {}},
                  ListUsers});
  out->push_back(
      {"update-user",
       who + " [--version N] [--enable|--disable] [--display-name S] [--description S] "
             "[--email E [--email-verified]] [--phone-region R] [--phone N [--phone-verified]] "
             "[--external-id X] [--default-project-id P] [--primary-ou O] "
             "[--ou O]...|--clear-ous [--group G]...|--clear-groups "
             "[--policy P]...|--clear-policies [--custom-field N=V]...|--clear-custom-fields "
             "[--sms-login-verification on|off] [--require-reset on|off]",
       {{"tenant", "username", "id", "version", "display-name", "description", "email",
         "phone-region", "phone", "external-id", "default-project-id", "primary-ou", "ou", "group",
         "policy", "custom-field", "sms-login-verification", "require-reset"},
        {"enable", "disable", "email-verified", "phone-verified", "clear-ous", "clear-groups",
         "clear-policies", "clear-custom-fields"}},
       UpdateUser});
  out->push_back({"delete-user",
                  who + " [--version N]",
                  {{"tenant", "username", "id", "version"}, {}},
                  DeleteUser});
  out->push_back({"login",
                  "--tenant T --identifier USERNAME|EMAIL|MOBILE --password -",
                  {{"tenant", "identifier", "password"}, {}},
                  Login});
  out->push_back(
      {"redeem-link", "--token -|TOKEN --password -", {{"token", "password"}, {}}, RedeemLink});
  out->push_back({"reset-password",
                  "--tenant T --identifier X [--channel email|sms]  |  --token -|TOKEN "
                  "--password -",
                  {{"tenant", "identifier", "channel", "token", "password"}, {}},
                  ResetPassword});
  out->push_back({"change-password",
                  who + " --old - --new -",
                  {{"tenant", "username", "id", "old", "new"}, {}},
                  ChangePassword});
  out->push_back({"create-access-key", who, {{"tenant", "username", "id"}, {}}, CreateAccessKey});
  out->push_back({"list-access-keys", who, {{"tenant", "username", "id"}, {}}, ListAccessKeys});
  out->push_back({"update-access-key",
                  "--tenant T --id ACCESS_KEY_ID (--enable | --disable)",
                  {{"tenant", "id"}, {"enable", "disable"}},
                  UpdateAccessKey});
  out->push_back({"delete-access-key",
                  "--tenant T --id ACCESS_KEY_ID",
                  {{"tenant", "id"}, {}},
                  DeleteAccessKey});
  out->push_back({"verify-access-key",
                  "--id ACCESS_KEY_ID --secret -",
                  {{"id", "secret"}, {}},
                  VerifyAccessKey});
}

}  // namespace iamctl
