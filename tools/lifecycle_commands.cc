// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What follows creation: list, update, delete, login, links, resets, password
// changes, access keys and the password policy. Secrets are read with "-" from standard input, in
// the order the options are listed in each command's usage.
#include <cstdint>
#include <iostream>
#include <limits>

#include "absl/strings/numbers.h"
#include "commands.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/password_policy.h"

namespace iamctl {
namespace {

// --version N: the version the caller read; a stale one fails (user.version_conflict).
CLI::Option* AddVersion(CLI::App* cmd, int64_t* version) {
  return cmd->add_option("--version", *version, "the version read (User.version); stale ones fail")
      ->type_name("N")
      ->transform(IntegerIn(1, std::numeric_limits<int64_t>::max(), "a positive integer"));
}

void AddListUsers(Commands& commands) {
  auto q = std::make_shared<iam::ListUsersRequest>();
  CLI::App* cmd = commands.Add("list-users", "Lists a page of users.", [q](const Globals& g) {
    return WithEngine(g, q->tenant, [&](iam::Engine& engine) {
      auto page = engine.ListUsers(*q);
      if (!page.ok()) return PrintError(*g.profile, page.status());
      PrintJson(iam::ToJson(*page, engine));
      return kExitOk;
    });
  });
  AddTenant(cmd, &q->tenant);
  AddText(cmd, "--prefix", &q->name_prefix, "P", "usernames starting with P (any case)");
  AddText(cmd, "--group", &q->group, "G", "members of group G (id or name)");
  AddText(cmd, "--ou", &q->ou, "O", "members of OU O (id or name)");
  AddOnOff(cmd, "--enabled", &q->enabled, "only enabled (on) or disabled (off) users");
  cmd->add_option("--page-size", q->page_size, "users per page (default 100)")
      ->type_name("N")
      ->transform(IntegerIn(1, 1000, "1 to 1000"));
  AddText(cmd, "--page-token", &q->page_token, "K", "the previous page's next_page_token");
}

void AddUpdateUser(Commands& commands) {
  // The options set the request's optional fields: only what is given changes.
  auto request = std::make_shared<iam::UpdateUserRequest>();
  CLI::App* cmd =
      AddUserCommand(commands, "update-user", "Changes the given fields of a user; lists replace.",
                     [request](const Globals& g, iam::Engine& engine, const std::string& tenant,
                               const std::string& user) {
                       request->tenant = tenant;
                       request->user = user;
                       auto updated = engine.UpdateUser(*request);
                       if (!updated.ok()) return PrintError(*g.profile, updated.status());
                       PrintUser(engine, *updated);
                       return kExitOk;
                     });
  iam::UpdateUserRequest& r = *request;
  AddVersion(cmd, &r.expected_version);
  CLI::Option* enable = cmd->add_flag_callback(
      "--enable", [&r] { r.enabled = true; }, "enable the user");
  cmd->add_flag_callback(
         "--disable", [&r] { r.enabled = false; }, "disable the user")
      ->excludes(enable);
  const struct {
    const char* name;
    const char* placeholder;
    const char* help;
    std::optional<std::string>* field;
  } kTexts[] = {
      {"--display-name", "S", "the display name", &r.display_name},
      {"--description", "S", "the description", &r.description},
      {"--email", "E", "the email address (\"\" removes it)", &r.email},
      {"--phone-region", "R", "the mobile number's region", &r.phone_region},
      {"--phone", "N", "the mobile number (\"\" removes it)", &r.phone},
      {"--external-id", "X", "the external id", &r.external_id},
      {"--default-project-id", "P", "the default project", &r.default_project_id},
      {"--primary-ou", "O", "the primary OU (id or name)", &r.primary_ou},
  };
  for (const auto& t : kTexts) AddOptionalText(cmd, t.name, t.field, t.placeholder, t.help);
  cmd->add_flag_callback(
      "--email-verified", [&r] { r.email_verified = true; }, "mark the email verified");
  cmd->add_flag_callback(
      "--phone-verified", [&r] { r.phone_verified = true; }, "mark the mobile number verified");
  // Each list is replaced by the values given, or emptied by its --clear-* flag.
  const struct {
    const char* name;
    const char* clear;
    const char* placeholder;
    const char* help;
    std::optional<std::vector<std::string>>* field;
  } kLists[] = {
      {"--ou", "--clear-ous", "O", "an OU (id or name)", &r.ous},
      {"--group", "--clear-groups", "G", "a group (id or name)", &r.groups},
      {"--policy", "--clear-policies", "P", "a policy", &r.policies},
  };
  for (const auto& l : kLists) {
    auto* field = l.field;
    CLI::Option* values = cmd->add_option_function<std::vector<std::string>>(
                                 l.name, [field](const std::vector<std::string>& v) { *field = v; },
                                 std::string(l.help) + " (repeatable; replaces the list)")
                              ->type_name(l.placeholder)
                              ->allow_extra_args(false);
    cmd->add_flag_callback(
           l.clear, [field] { field->emplace(); }, "empty the list")
        ->excludes(values);
  }
  CLI::Option* fields =
      cmd->add_option_function<std::vector<std::string>>(
             "--custom-field",
             [&r](const std::vector<std::string>& v) { r.custom_fields = SplitCustomFields(v); },
             "a custom field's value (repeatable; replaces them all)")
          ->type_name("NAME=VALUE")
          ->allow_extra_args(false)
          ->check(NameEqualsValue());
  cmd->add_flag_callback(
         "--clear-custom-fields", [&r] { r.custom_fields.emplace(); },
         "remove every custom field value")
      ->excludes(fields);
  AddOnOff(cmd, "--sms-login-verification", &r.sms_login_verification,
           "log in with an SMS code as well");
  AddOnOff(cmd, "--require-reset", &r.password_reset_required,
           "require a password change at next login");
}

void AddDeleteUser(Commands& commands) {
  auto version = std::make_shared<int64_t>(0);  // 0 = whatever is current
  CLI::App* cmd = AddUserCommand(
      commands, "delete-user", "Deletes a user with its keys, memberships and tokens.",
      [version](const Globals& g, iam::Engine& engine, const std::string& tenant,
                const std::string& user) {
        auto found = engine.GetUser({}, tenant, user);
        if (!found.ok()) return PrintError(*g.profile, found.status());
        absl::Status s = engine.DeleteUser({}, tenant, found->id, *version);
        if (!s.ok()) return PrintError(*g.profile, s);
        PrintJson({{"deleted", {{"id", found->id}, {"name", found->username}}}});
        return kExitOk;
      });
  AddVersion(cmd, version.get());
}

void AddLogin(Commands& commands) {
  struct Options {
    std::string tenant, identifier, password;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add("login", "Checks a password; prints the outcome (exit 1 unless success).",
                   [o](const Globals& g) {
                     const iam::Secret password = ReadSecret(o->password);
                     return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
                       auto result = engine.Authenticate(o->tenant, o->identifier, password.view());
                       if (!result.ok()) return PrintError(*g.profile, result.status());
                       PrintJson(iam::ToJson(*result));
                       return result->outcome == iam::AuthOutcome::kSuccess ? kExitOk : kExitFailed;
                     });
                   });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--identifier", &o->identifier, "USERNAME|EMAIL|MOBILE",
          "the username, email or \"+REGION MOBILE\"")
      ->required();
  AddSecret(cmd, "--password", &o->password, "-", "the password")->required();
}

// redeem-link and the completing half of reset-password: a one-time token
// sets a password (token read first, then the password).
int SetPasswordByToken(const Globals& g, std::string& token_arg, std::string& password_arg,
                       bool reset) {
  const iam::Secret token = ReadSecret(token_arg);
  const iam::Secret password = ReadSecret(password_arg);
  absl::StatusOr<Session> session = OpenSession(g);
  if (!session.ok()) return PrintError(*g.profile, session.status());
  iam::Engine& engine = *session->engine;
  auto user = reset ? engine.CompleteReset(token.view(), password.view())
                    : engine.RedeemLoginLink(token.view(), password.view());
  if (!user.ok()) return PrintError(*g.profile, user.status());
  PrintUser(engine, *user);
  return kExitOk;
}

void AddRedeemLink(Commands& commands) {
  struct Options {
    std::string token, password;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "redeem-link", "Sets the first password with a first-login link's token.",
      [o](const Globals& g) { return SetPasswordByToken(g, o->token, o->password, false); });
  AddSecret(cmd, "--token", &o->token, "-|TOKEN", "the link's token")->required();
  AddSecret(cmd, "--password", &o->password, "-", "the new password")->required();
}

void AddResetPassword(Commands& commands) {
  struct Options {
    std::string tenant, identifier, channel = "email", token, password;
    CLI::Option* token_option = nullptr;  // given: complete a reset
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "reset-password",
      "Sends a reset link (--tenant, --identifier), or completes a reset (--token, --password).",
      [o](const Globals& g) {
        if (o->token_option->count() > 0) {
          return SetPasswordByToken(g, o->token, o->password, true);
        }
        return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
          absl::Status s =
              engine.StartPasswordReset(o->tenant, o->identifier, ChannelNamed(o->channel));
          if (!s.ok()) return PrintError(*g.profile, s);
          // The same answer whether or not the account exists.
          PrintJson({{"reset", "if the account exists, a reset link was sent"}});
          return kExitOk;
        });
      });
  CLI::Option* tenant = AddText(cmd, "--tenant", &o->tenant, "T", "the tenant (to send a link)");
  CLI::Option* identifier =
      AddText(cmd, "--identifier", &o->identifier, "X", "the username, email or mobile");
  CLI::Option* token = o->token_option =
      AddSecret(cmd, "--token", &o->token, "-|TOKEN", "the reset link's token");
  RequireOneOf(cmd, "Mode", "send a reset link, or complete a reset with its token",
               {identifier, token});
  identifier->needs(tenant);
  AddText(cmd, "--channel", &o->channel, "email|sms", "how to send the link (default email)")
      ->check(OneOf({"email", "sms"}))
      ->needs(identifier);
  CLI::Option* password = AddSecret(cmd, "--password", &o->password, "-", "the new password");
  token->needs(password);
  password->needs(token);
}

void AddChangePassword(Commands& commands) {
  struct Secrets {
    std::string old_password, new_password;  // read in this order
  };
  auto o = std::make_shared<Secrets>();
  CLI::App* cmd =
      AddUserCommand(commands, "change-password", "Changes a password, given the current one.",
                     [o](const Globals& g, iam::Engine& engine, const std::string& tenant,
                         const std::string& user) {
                       const iam::Secret old_password = ReadSecret(o->old_password);
                       const iam::Secret new_password = ReadSecret(o->new_password);
                       absl::Status s = engine.ChangePassword(tenant, user, old_password.view(),
                                                              new_password.view());
                       if (!s.ok()) return PrintError(*g.profile, s);
                       PrintJson({{"changed", true}});
                       return kExitOk;
                     });
  AddSecret(cmd, "--old", &o->old_password, "-", "the current password")->required();
  AddSecret(cmd, "--new", &o->new_password, "-", "the new password")->required();
}

void AddCreateAccessKey(Commands& commands) {
  AddUserCommand(commands, "create-access-key", "Issues an access key; prints its secret once.",
                 [](const Globals& g, iam::Engine& engine, const std::string& tenant,
                    const std::string& user) {
                   auto key = engine.CreateAccessKey({}, tenant, user);
                   if (!key.ok()) return PrintError(*g.profile, key.status());
                   PrintSecretJson(iam::ToSecretJson(*key), "access_key");
                   return kExitOk;
                 });
}

void AddListAccessKeys(Commands& commands) {
  AddUserCommand(commands, "list-access-keys", "Lists a user's access keys (no secrets).",
                 [](const Globals& g, iam::Engine& engine, const std::string& tenant,
                    const std::string& user) {
                   auto keys = engine.ListAccessKeys({}, tenant, user);
                   if (!keys.ok()) return PrintError(*g.profile, keys.status());
                   nlohmann::json list = nlohmann::json::array();
                   for (const auto& k : *keys) list.push_back(iam::ToJson(k));
                   PrintJson({{"access_keys", list}});
                   return kExitOk;
                 });
}

// A command on one access key: --tenant T --id ACCESS_KEY_ID. `body` runs with
// the engine, the tenant and the key id; add the command's other options.
CLI::App* AddAccessKeyCommand(
    Commands& commands, const std::string& name, const std::string& description,
    std::function<int(const Globals&, iam::Engine&, const std::string& tenant,
                      const std::string& key_id)>
        body) {
  struct Options {
    std::string tenant, id;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(name, description, [o, body](const Globals& g) {
    return WithEngine(g, o->tenant,
                      [&](iam::Engine& engine) { return body(g, engine, o->tenant, o->id); });
  });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--id", &o->id, "ACCESS_KEY_ID", "the access key id")->required();
  return cmd;
}

void AddUpdateAccessKey(Commands& commands) {
  auto enable = std::make_shared<bool>(false);
  CLI::App* cmd =
      AddAccessKeyCommand(commands, "update-access-key", "Enables or disables an access key.",
                          [enable](const Globals& g, iam::Engine& engine, const std::string& tenant,
                                   const std::string& id) {
                            absl::Status s = engine.SetAccessKeyEnabled({}, tenant, id, *enable);
                            if (!s.ok()) return PrintError(*g.profile, s);
                            PrintJson({{"access_key", {{"id", id}, {"enabled", *enable}}}});
                            return kExitOk;
                          });
  RequireOneOf(cmd, "State", "the key's new state",
               {cmd->add_flag("--enable", *enable, "enable the key"),
                cmd->add_flag("--disable", "disable the key")});
}

void AddDeleteAccessKey(Commands& commands) {
  AddAccessKeyCommand(
      commands, "delete-access-key", "Deletes an access key.",
      [](const Globals& g, iam::Engine& engine, const std::string& tenant, const std::string& id) {
        absl::Status s = engine.DeleteAccessKey({}, tenant, id);
        if (!s.ok()) return PrintError(*g.profile, s);
        PrintJson({{"deleted", id}});
        return kExitOk;
      });
}

void AddVerifyAccessKey(Commands& commands) {
  struct Options {
    std::string id, secret;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add("verify-access-key", "Checks an access key's secret (exit 1 unless valid).",
                   [o](const Globals& g) {
                     const iam::Secret secret = ReadSecret(o->secret);
                     absl::StatusOr<Session> session = OpenSession(g);
                     if (!session.ok()) return PrintError(*g.profile, session.status());
                     auto v = session->engine->VerifyAccessKey(o->id, secret.view());
                     if (!v.ok()) return PrintError(*g.profile, v.status());
                     PrintJson(iam::ToJson(*v));
                     return v->valid ? kExitOk : kExitFailed;
                   });
  AddText(cmd, "--id", &o->id, "ACCESS_KEY_ID", "the access key id")->required();
  AddSecret(cmd, "--secret", &o->secret, "-", "the secret")->required();
}

// password-policy: the tenant's Account Settings, shown or changed
// (--set NAME=VALUE, Huawei's names: iam/password_policy.h).
void AddPasswordPolicy(Commands& commands) {
  struct Options {
    std::string tenant;
    std::vector<std::string> settings;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "password-policy",
      "Shows the tenant's password policy, or changes its settings (kept in the store).",
      [o](const Globals& g) {
        nlohmann::json settings = nlohmann::json::object();
        for (const std::string& item : o->settings) {
          const size_t eq = item.find('=');
          const std::string name = item.substr(0, eq);
          const std::string text = eq == std::string::npos ? "" : item.substr(eq + 1);
          int64_t number = 0;
          if (text == "true" || text == "false") {
            settings[name] = text == "true";
          } else if (absl::SimpleAtoi(text, &number)) {
            settings[name] = number;
          } else {
            return PrintError(*g.profile,
                              iam::InvalidField("--set", "request.invalid_value",
                                                "--set: must be NAME=INTEGER or NAME=true|false"));
          }
        }
        return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
          absl::StatusOr<std::shared_ptr<const iam::PasswordChecker>> checker =
              o->settings.empty() ? engine.GetPasswordPolicy({}, o->tenant)
                                  : engine.UpdatePasswordPolicy({}, o->tenant, settings);
          if (!checker.ok()) return PrintError(*g.profile, checker.status());
          PrintJson({{"password_policy", iam::PasswordPolicyJson(**checker)}});
          return kExitOk;
        });
      });
  AddTenant(cmd, &o->tenant);
  cmd->add_option("--set", o->settings,
                  "NAME=VALUE, repeatable: minimum_password_length, password_char_combination, "
                  "maximum_consecutive_identical_chars, number_of_recent_passwords_disallowed, "
                  "minimum_password_age (minutes), password_validity_period (days), "
                  "password_not_username_or_invert (true|false)")
      ->type_name("NAME=VALUE");
}

}  // namespace

void AddLifecycleCommands(Commands& commands) {
  AddListUsers(commands);
  AddUpdateUser(commands);
  AddDeleteUser(commands);
  AddLogin(commands);
  AddRedeemLink(commands);
  AddResetPassword(commands);
  AddChangePassword(commands);
  AddCreateAccessKey(commands);
  AddListAccessKeys(commands);
  AddUpdateAccessKey(commands);
  AddDeleteAccessKey(commands);
  AddVerifyAccessKey(commands);
  AddPasswordPolicy(commands);
}

}  // namespace iamctl
