// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// check-username, check-password, generate-password: the profile's rules, no
// database.
#include <climits>
#include <iostream>

#include "commands.h"
#include "iam/blocklist.h"
#include "iam/password_generator.h"
#include "iam/password_policy.h"
#include "iam/username.h"

namespace iamctl {
namespace {

// Prints {"valid", "violations"}; kExitFailed when there is a violation.
int PrintVerdict(const iam::Violations& violations) {
  nlohmann::json list = nlohmann::json::array();
  for (const iam::Violation& v : violations) {
    list.push_back({{"field", v.field}, {"reason", v.reason}, {"message", v.message}});
  }
  PrintJson({{"valid", violations.empty()}, {"violations", list}});
  return violations.empty() ? kExitOk : kExitFailed;
}

// The profile's policy plus the --blocklist file (when given), compiled.
absl::StatusOr<std::shared_ptr<const iam::PasswordChecker>> CheckerFor(
    const iam::Profile& profile, const std::string& blocklist) {
  iam::PasswordPolicy policy = profile.password;
  if (!blocklist.empty()) {
    auto list = iam::Blocklist::LoadFile(blocklist);
    if (!list.ok()) return list.status();
    policy.blocklist = *list;
  }
  return iam::PasswordChecker::Create(std::move(policy));
}

CLI::Option* AddBlocklist(CLI::App* cmd, std::string* path) {
  return AddText(cmd, "--blocklist", path, "FILE",
                 "a file of refused passwords, one a line, added to the profile's");
}

void AddCheckUsername(Commands& commands) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = commands.Add(
      "check-username", "Checks a username against the profile's rules.",
      [name](const Globals& g) { return PrintVerdict(iam::CheckUsername(*g.profile, *name)); });
  cmd->add_option("NAME", *name, "the username to check")->type_name("")->required();
}

void AddCheckPassword(Commands& commands) {
  struct Options {
    std::string username, email, phone, blocklist;
    std::string password;  // "-" = standard input
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "check-password", "Checks a password against the profile's policy; lists every violation.",
      [o](const Globals& g) {
        auto checker = CheckerFor(*g.profile, o->blocklist);
        if (!checker.ok()) return PrintError(*g.profile, checker.status());
        const iam::Secret password = ReadSecret(o->password);
        return PrintVerdict((*checker)->Check(password.view(), {o->username, o->email, o->phone}));
      });
  AddText(cmd, "--username", &o->username, "U", "the account's username (not to be contained)");
  AddText(cmd, "--email", &o->email, "E", "the account's email (not to be contained)");
  AddText(cmd, "--phone", &o->phone, "N", "the account's mobile number (not to be contained)");
  AddBlocklist(cmd, &o->blocklist);
  cmd->add_option("PASSWORD", o->password, "the password; - reads it from standard input")
      ->type_name("")
      ->required();
}

void AddGeneratePassword(Commands& commands) {
  struct Options {
    iam::GenerateOptions generate;
    std::string blocklist;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(
      "generate-password", "Prints a password that meets the profile's policy (not JSON).",
      [o](const Globals& g) {
        auto checker = CheckerFor(*g.profile, o->blocklist);
        if (!checker.ok()) return PrintError(*g.profile, checker.status());
        absl::StatusOr<iam::Secret> password =
            iam::GeneratePassword(*g.profile, **checker, o->generate);
        if (!password.ok()) return PrintError(*g.profile, password.status());
        std::cout.write(password->data(), static_cast<std::streamsize>(password->size()));
        std::cout << "\n";
        return kExitOk;
      });
  // The policy bounds the length (a JSON error naming "length"); only the type is ours.
  cmd->add_option("--length", o->generate.length, "the length (default: the profile's)")
      ->type_name("N")
      ->transform(IntegerIn(INT_MIN, INT_MAX, "an integer"));
  AddBlocklist(cmd, &o->blocklist);
}

}  // namespace

void AddRuleCommands(Commands& commands) {
  AddCheckUsername(commands);
  AddCheckPassword(commands);
  AddGeneratePassword(commands);
}

}  // namespace iamctl
