// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// check-username, check-password, generate-password.
#include <iostream>

#include "absl/strings/numbers.h"
#include "commands.h"
#include "iam/blocklist.h"
#include "iam/password_generator.h"
#include "iam/password_policy.h"
#include "iam/secret.h"
#include "iam/username.h"

namespace iamctl {
namespace {

int PrintVerdict(const iam::Violations& violations) {
  nlohmann::json list = nlohmann::json::array();
  for (const iam::Violation& v : violations) {
    list.push_back({{"field", v.field}, {"reason", v.reason}, {"message", v.message}});
  }
  PrintJson({{"valid", violations.empty()}, {"violations", list}});
  return violations.empty() ? kExitOk : kExitFailed;
}

// The profile's policy plus --blocklist, compiled.
absl::StatusOr<std::shared_ptr<const iam::PasswordChecker>> CheckerFor(
    const Args& args, const iam::Profile& profile) {
  iam::PasswordPolicy policy = profile.password;
  if (args.Has("blocklist")) {
    auto list = iam::Blocklist::LoadFile(args.Get("blocklist"));
    if (!list.ok()) return list.status();
    policy.blocklist = *list;
  }
  return iam::PasswordChecker::Create(std::move(policy));
}

int CheckUsername(const Args& args, const iam::Profile& profile) {
  if (args.positionals().size() != 1) return kExitUsage;
  return PrintVerdict(iam::CheckUsername(profile, args.positionals()[0]));
}

int CheckPassword(const Args& args, const iam::Profile& profile) {
  if (args.positionals().size() != 1) return kExitUsage;
  auto checker = CheckerFor(args, profile);
  if (!checker.ok()) return PrintError(profile, checker.status());
  iam::Secret password(ReadSecretArg(args.positionals()[0]));
  const std::string username = args.Get("username");
  const std::string email = args.Get("email");
  const std::string phone = args.Get("phone");
  return PrintVerdict((*checker)->Check(password.view(), {username, email, phone}));
}

int GeneratePassword(const Args& args, const iam::Profile& profile) {
  if (!args.positionals().empty()) return kExitUsage;
  iam::GenerateOptions options;
  if (args.Has("length") && !absl::SimpleAtoi(args.Get("length"), &options.length)) {
    return kExitUsage;
  }
  auto checker = CheckerFor(args, profile);
  if (!checker.ok()) return PrintError(profile, checker.status());
  absl::StatusOr<iam::Secret> password = iam::GeneratePassword(profile, **checker, options);
  if (!password.ok()) return PrintError(profile, password.status());
  std::cout.write(password->data(), static_cast<std::streamsize>(password->size()));
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void AddRuleCommands(std::vector<Command>* out) {
  out->push_back({"check-username", "[--profile P] NAME", {{"profile"}, {}}, CheckUsername});
  out->push_back({"check-password",
                  "[--profile P] [--username U] [--email E] [--phone N] [--blocklist FILE] "
                  "PASSWORD|-",
                  {{"profile", "username", "email", "phone", "blocklist"}, {}},
                  CheckPassword});
  out->push_back({"generate-password",
                  "[--profile P] [--length N] [--blocklist FILE]",
                  {{"profile", "length", "blocklist"}, {}},
                  GeneratePassword});
}

}  // namespace iamctl
