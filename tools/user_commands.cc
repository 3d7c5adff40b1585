// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// create-user, batch-create-users, get-user; the group, OU and custom-field
// commands (one set of builders for the three); dispatch-outbox.
#include <climits>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "iam/error.h"
#include "iam/json.h"

namespace iamctl {
namespace {

void AddCreateUser(Commands& commands) {
  // Options bind straight into the request; the rest is settled in Finish().
  struct Options {
    iam::CreateUserRequest request;
    std::string password;  // --password: "-" = standard input
    bool generate_password = false, login_link = false;
    bool email_verified = false, phone_verified = false, disabled = false, no_reset = false;
    std::vector<std::string> custom_fields, notify;
    CLI::Option* email = nullptr;  // given (even as "") means the *_verified flag counts
    CLI::Option* phone = nullptr;
    CLI::Option* password_option = nullptr;

    iam::CreateUserRequest& Finish() {
      iam::CreateUserRequest& r = request;
      if (email->count() > 0) r.email_verified = email_verified;
      if (phone->count() > 0) r.phone_verified = phone_verified;
      r.enabled = !disabled;
      if (no_reset) r.require_password_reset = false;
      r.custom_fields = SplitCustomFields(custom_fields);
      for (const std::string& channel : notify) r.notify.push_back(ChannelNamed(channel));
      if (generate_password) r.password_mode = iam::PasswordMode::kGenerated;
      if (login_link) r.password_mode = iam::PasswordMode::kFirstLoginLink;
      if (password_option->count() > 0) {
        r.password_mode = iam::PasswordMode::kManual;
        r.password = ReadSecret(password);
      }
      return r;
    }
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add("create-user", "Creates a user; prints its secrets once.",
                               [o](const Globals& g) {
                                 iam::CreateUserRequest& request = o->Finish();
                                 return WithEngine(g, request.tenant, [&](iam::Engine& engine) {
                                   auto result = engine.CreateUser(request);
                                   if (!result.ok()) return PrintError(*g.profile, result.status());
                                   PrintSecretJson(iam::ToSecretJson(*result));
                                   return kExitOk;
                                 });
                               });
  iam::CreateUserRequest& r = o->request;
  AddTenant(cmd, &r.tenant);
  AddText(cmd, "--username", &r.username, "U", "the new user's name")->required();
  AddText(cmd, "--display-name", &r.display_name, "S", "the display name");
  AddText(cmd, "--description", &r.description, "S", "a description");
  o->email = AddText(cmd, "--email", &r.email, "E", "the email address");
  cmd->add_flag("--email-verified", o->email_verified, "the email is verified")->needs(o->email);
  AddText(cmd, "--phone-region", &r.phone_region, "R", "the mobile number's region (86, 1, ...)");
  o->phone = AddText(cmd, "--phone", &r.phone, "N", "the mobile number");
  cmd->add_flag("--phone-verified", o->phone_verified, "the mobile number is verified")
      ->needs(o->phone);
  AddText(cmd, "--external-id", &r.external_id, "X", "the external id (default: the user id)");
  AddText(cmd, "--default-project-id", &r.default_project_id, "P", "the default project");
  CLI::Option* password = o->password_option =
      AddSecret(cmd, "--password", &o->password, "-", "a password to set");
  CLI::Option* generate =
      cmd->add_flag("--generate-password", o->generate_password, "generate a password");
  CLI::Option* link =
      cmd->add_flag("--login-link", o->login_link, "send a first-login link to set one");
  password->excludes(generate)->excludes(link);
  generate->excludes(link);
  cmd->add_option("--length", r.generated_password_length, "the generated password's length")
      ->type_name("N")
      ->transform(IntegerIn(INT_MIN, INT_MAX, "an integer"))
      ->needs(generate);
  cmd->add_flag("--access-key", r.access_key, "issue an access key pair");
  AddList(cmd, "--group", &r.groups, "G", "a group (id or name) to join");
  AddText(cmd, "--primary-ou", &r.primary_ou, "O", "the primary OU (id or name)");
  AddList(cmd, "--ou", &r.ous, "O", "another OU (id or name)");
  AddList(cmd, "--policy", &r.policies, "P", "a policy to attach");
  AddList(cmd, "--custom-field", &o->custom_fields, "NAME=VALUE", "a custom field's value")
      ->check(NameEqualsValue());
  AddList(cmd, "--notify", &o->notify, "email|sms",
          "deliver the generated password or link by this channel")
      ->check(OneOf({"email", "sms"}));
  cmd->add_flag("--quick", r.quick_create, "quick creation: attach the administrator policy");
  cmd->add_flag("--sms-login-verification", r.sms_login_verification,
                "log in with an SMS code as well (needs email and mobile)");
  cmd->add_flag("--disabled", o->disabled, "create the user disabled");
  AddText(cmd, "--client-token", &r.client_token, "K",
          "idempotency: the same token returns the first user, without secrets");
  cmd->add_flag("--no-reset", o->no_reset, "do not require a password change at first login");
}

void AddBatchCreateUsers(Commands& commands) {
  struct Options {
    std::string tenant, file;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add("batch-create-users", "Creates up to 10 users from a JSON file, all or none.",
                   [o](const Globals& g) {
                     // The whole file is read and checked before the database is touched.
                     auto requests = ReadBatchFile(o->file, o->tenant);
                     if (!requests.ok()) return PrintError(*g.profile, requests.status());
                     return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
                       auto result = engine.BatchCreateUsers(*requests);
                       if (!result.ok()) return PrintError(*g.profile, result.status());
                       PrintSecretJson(iam::ToSecretJson(*result, *g.profile));
                       return result->committed ? kExitOk : kExitFailed;
                     });
                   });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--file", &o->file, "USERS.json",
          "a JSON array of users (or {\"users\": [...]}); keys are create-user's options with _")
      ->required();
}

void AddGetUser(Commands& commands) {
  AddUserCommand(commands, "get-user", "Prints a user.",
                 [](const Globals& g, iam::Engine& engine, const std::string& tenant,
                    const std::string& user) {
                   auto found = engine.GetUser({}, tenant, user);
                   if (!found.ok()) return PrintError(*g.profile, found.status());
                   PrintUser(engine, *found);
                   return kExitOk;
                 });
}

// A policy document given as "@FILE" is read from that file.
absl::Status ReadDocument(std::string* document) {
  if (document->empty() || document->front() != '@') return absl::OkStatus();
  const std::string path = document->substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return iam::MakeError(absl::StatusCode::kNotFound, "document", "file.not_found",
                          "document: cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  *document = text.str();
  return absl::OkStatus();
}

// One kind of directory entry and the names its commands print.
struct EntryKindInfo {
  iam::EntryKind kind;
  const char* noun;      // in the command names: create-NOUN, get-NOUN, delete-NOUN
  const char* nouns;     // list-NOUNS
  const char* title;     // in the descriptions: one entry
  const char* titles;    // in the descriptions: a list
  const char* singular;  // JSON key of one entry
  const char* plural;    // JSON key of a list
};

void AddCreateEntry(Commands& commands, const EntryKindInfo& info) {
  auto e = std::make_shared<iam::DirectoryEntry>();
  e->kind = info.kind;
  CLI::App* cmd =
      commands.Add(std::string("create-") + info.noun, std::string("Creates ") + info.title + ".",
                   [e, &info](const Globals& g) {
                     absl::Status read = ReadDocument(&e->document);
                     if (!read.ok()) return PrintError(*g.profile, read);
                     return WithEngine(g, e->tenant, [&](iam::Engine& engine) {
                       auto created = engine.CreateEntry({}, *e);
                       if (!created.ok()) return PrintError(*g.profile, created.status());
                       PrintJson({{info.singular, iam::ToJson(*created)}});
                       return kExitOk;
                     });
                   });
  AddTenant(cmd, &e->tenant);
  AddText(cmd, "--name", &e->name, "NAME", "the name")->required();
  AddText(cmd, "--description", &e->description, "S", "a description");
  if (info.kind == iam::EntryKind::kGroup) {
    AddList(cmd, "--policy", &e->policies, "P",
            "a policy (system or the tenant's) every member has");
  }
  if (info.kind == iam::EntryKind::kPolicy) {
    AddText(cmd, "--document", &e->document, "JSON|@FILE",
            "the policy document, or @ and the file holding it")
        ->required();
  }
  if (info.kind != iam::EntryKind::kCustomField) return;
  AddText(cmd, "--type", &e->field_type, "string|number|boolean|enum", "the value type");
  cmd->add_option("--max-length", e->max_length, "the longest value (default 0: unlimited)")
      ->type_name("N")
      ->transform(IntegerIn(INT_MIN, INT_MAX, "an integer"));
  AddList(cmd, "--allowed-value", &e->allowed_values, "V", "a value of an enum");
  AddText(cmd, "--pattern", &e->pattern, "RE2", "an RE2 pattern every value must match");
}

void AddListEntries(Commands& commands, const EntryKindInfo& info) {
  struct Options {
    std::string tenant, keyword;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add(std::string("list-") + info.nouns, std::string("Lists the ") + info.titles + ".",
                   [o, &info](const Globals& g) {
                     return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
                       auto entries = engine.ListEntries({}, info.kind, o->tenant, o->keyword);
                       if (!entries.ok()) return PrintError(*g.profile, entries.status());
                       nlohmann::json list = nlohmann::json::array();
                       for (const auto& e : *entries) list.push_back(iam::ToJson(e));
                       PrintJson({{info.plural, list}});
                       return kExitOk;
                     });
                   });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--keyword", &o->keyword, "K", "a keyword the names are matched against");
}

void AddGetEntry(Commands& commands, const EntryKindInfo& info) {
  struct Options {
    std::string tenant, name;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add(std::string("get-") + info.noun, std::string("Prints ") + info.title + ".",
                   [o, &info](const Globals& g) {
                     return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
                       auto found = engine.GetEntry({}, info.kind, o->tenant, o->name);
                       if (!found.ok()) return PrintError(*g.profile, found.status());
                       PrintJson({{info.singular, iam::ToJson(*found)}});
                       return kExitOk;
                     });
                   });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--name", &o->name, "NAME|ID", "the name or id")->required();
}

// update-group (description, policies) and update-policy (description,
// document): the version goes up by one.
void AddUpdateEntry(Commands& commands, const EntryKindInfo& info) {
  struct Options {
    iam::EntryUpdate update;
    int64_t expected_version = 0;
  };
  auto o = std::make_shared<Options>();
  o->update.kind = info.kind;
  CLI::App* cmd =
      commands.Add(std::string("update-") + info.noun, std::string("Changes ") + info.title + ".",
                   [o, &info](const Globals& g) {
                     iam::EntryUpdate& u = o->update;
                     if (u.document) {
                       absl::Status read = ReadDocument(&*u.document);
                       if (!read.ok()) return PrintError(*g.profile, read);
                     }
                     if (o->expected_version != 0) u.expected_version = o->expected_version;
                     return WithEngine(g, u.tenant, [&](iam::Engine& engine) {
                       auto updated = engine.UpdateEntry(u);
                       if (!updated.ok()) return PrintError(*g.profile, updated.status());
                       PrintJson({{info.singular, iam::ToJson(*updated)}});
                       return kExitOk;
                     });
                   });
  AddTenant(cmd, &o->update.tenant);
  AddText(cmd, "--name", &o->update.id_or_name, "NAME|ID", "the name or id")->required();
  AddOptionalText(cmd, "--description", &o->update.description, "S", "a new description");
  cmd->add_option("--expected-version", o->expected_version,
                  "refuse the change if the version is no longer N")
      ->type_name("N")
      ->transform(IntegerIn(1, INT_MAX, "a version"));
  if (info.kind == iam::EntryKind::kPolicy) {
    AddOptionalText(cmd, "--document", &o->update.document, "JSON|@FILE",
                    "the new policy document, or @ and the file holding it");
    return;
  }
  auto* field = &o->update.policies;
  CLI::Option* values =
      cmd->add_option_function<std::vector<std::string>>(
             "--policy", [field](const std::vector<std::string>& v) { *field = v; },
             "a policy every member has (repeatable; replaces the list)")
          ->type_name("P")
          ->allow_extra_args(false);
  cmd->add_flag_callback(
         "--clear-policies", [field] { field->emplace(); }, "detach every policy")
      ->excludes(values);
}

void AddDeleteEntry(Commands& commands, const EntryKindInfo& info) {
  struct Options {
    std::string tenant, name;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      commands.Add(std::string("delete-") + info.noun, std::string("Deletes ") + info.title + ".",
                   [o, &info](const Globals& g) {
                     return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
                       absl::Status s = engine.DeleteEntry({}, info.kind, o->tenant, o->name);
                       if (!s.ok()) return PrintError(*g.profile, s);
                       PrintJson({{"deleted", o->name}});
                       return kExitOk;
                     });
                   });
  AddTenant(cmd, &o->tenant);
  AddText(cmd, "--name", &o->name, "NAME|ID", "the name or id")->required();
}

void AddDispatchOutbox(Commands& commands) {
  commands.Add("dispatch-outbox", "Delivers the pending notifications.", [](const Globals& g) {
    absl::StatusOr<Session> session = OpenSession(g);
    if (!session.ok()) return PrintError(*g.profile, session.status());
    absl::StatusOr<int> sent = session->engine->DispatchOutbox();
    if (!sent.ok()) return PrintError(*g.profile, sent.status());
    absl::StatusOr<int64_t> pending = session->store->PendingOutbox();
    PrintJson({{"sent", *sent}, {"pending", pending.ok() ? *pending : -1}});
    return kExitOk;
  });
}

}  // namespace

void AddUserCommands(Commands& commands) {
  AddCreateUser(commands);
  AddBatchCreateUsers(commands);
  AddGetUser(commands);
  static const EntryKindInfo kEntryKinds[] = {
      {iam::EntryKind::kGroup, "group", "groups", "a group", "groups", "group", "groups"},
      {iam::EntryKind::kOrganizationalUnit, "ou", "ous", "an organizational unit",
       "organizational units", "ou", "ous"},
      {iam::EntryKind::kCustomField, "custom-field", "custom-fields", "a custom field definition",
       "custom field definitions", "custom_field", "custom_fields"},
      {iam::EntryKind::kPolicy, "policy", "policies", "a permission policy",
       "permission policies (the profile's system policies, then the tenant's)", "policy",
       "policies"},
  };
  for (const EntryKindInfo& info : kEntryKinds) {
    AddCreateEntry(commands, info);
    AddGetEntry(commands, info);
    AddListEntries(commands, info);
    if (info.kind == iam::EntryKind::kGroup || info.kind == iam::EntryKind::kPolicy) {
      AddUpdateEntry(commands, info);
    }
    AddDeleteEntry(commands, info);
  }
  AddDispatchOutbox(commands);
}

}  // namespace iamctl
