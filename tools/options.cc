// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The option builders and value checks the commands share (see commands.h).
#include <charconv>
#include <iostream>

#include "absl/strings/str_join.h"
#include "commands.h"

namespace iamctl {

CLI::Option* AddText(CLI::App* cmd, const std::string& name, std::string* value,
                     const std::string& placeholder, const std::string& help) {
  // CLI11's default policy for a single value, made explicit: twice is an error.
  return cmd->add_option(name, *value, help)
      ->type_name(placeholder)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

CLI::Option* AddList(CLI::App* cmd, const std::string& name, std::vector<std::string>* values,
                     const std::string& placeholder, const std::string& help) {
  // One value per occurrence: `--group a NAME` leaves NAME to the positionals.
  return cmd->add_option(name, *values, help + " (repeatable)")
      ->type_name(placeholder)
      ->allow_extra_args(false);
}

CLI::Option* AddSecret(CLI::App* cmd, const std::string& name, std::string* value,
                       const std::string& placeholder, const std::string& help) {
  return AddText(cmd, name, value, placeholder, help + "; - reads it from standard input");
}

CLI::Option* AddTenant(CLI::App* cmd, std::string* tenant) {
  return AddText(cmd, "--tenant", tenant, "T", "the tenant (Huawei domain_id, Alibaba InstanceId)")
      ->required();
}

CLI::Option* AddOptionalText(CLI::App* cmd, const std::string& name,
                             std::optional<std::string>* field, const std::string& placeholder,
                             const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          name, [field](const std::string& value) { *field = value; }, help)
      ->type_name(placeholder)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

CLI::Option* AddOnOff(CLI::App* cmd, const std::string& name, std::optional<bool>* field,
                      const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          name, [field](const std::string& value) { *field = value == "on" || value == "true"; },
          help)
      ->type_name("on|off")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw)
      ->check(OneOf({"on", "off", "true", "false"}));
}

CLI::Option_group* RequireOneOf(CLI::App* cmd, const std::string& title,
                                const std::string& description,
                                const std::vector<CLI::Option*>& options) {
  CLI::Option_group* group = cmd->add_option_group(title, description);
  group->set_help_flag();  // a group inherits the command's --help, which is no choice of it
  for (CLI::Option* option : options) group->add_option(option);
  group->require_option(1);
  return group;
}

void AddUserRef(CLI::App* cmd, UserRef* user) {
  RequireOneOf(cmd, "User", "the user the command works on",
               {AddText(cmd, "--username", &user->username, "U", "the user's name"),
                AddText(cmd, "--id", &user->id, "ID", "the user's id")});
}

CLI::App* AddUserCommand(Commands& commands, const std::string& name,
                         const std::string& description, UserCommandBody body) {
  struct Options {
    std::string tenant;
    UserRef user;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = commands.Add(name, description, [o, body](const Globals& g) {
    return WithEngine(g, o->tenant, [&](iam::Engine& engine) {
      return body(g, engine, o->tenant, o->user.value());
    });
  });
  AddTenant(cmd, &o->tenant);
  AddUserRef(cmd, &o->user);
  return cmd;
}

CLI::Validator IntegerIn(int64_t lo, int64_t hi, const std::string& expected) {
  // Rewrites the value in canonical decimal as well: CLI11 itself would read
  // 010 as octal and 0x10 as hexadecimal.
  return CLI::Validator(
      [lo, hi, expected](std::string& value) -> std::string {
        int64_t n = 0;
        const char* end = value.data() + value.size();
        auto [ptr, error] = std::from_chars(value.data(), end, n);
        if (value.empty() || error != std::errc() || ptr != end || n < lo || n > hi) {
          return "must be " + expected + ", not " + value;
        }
        value = std::to_string(n);
        return "";
      },
      "");
}

CLI::Validator OneOf(const std::vector<std::string>& words) {
  return CLI::Validator(
      [words](std::string& value) -> std::string {
        for (const std::string& w : words) {
          if (value == w) return "";
        }
        return "must be one of " + absl::StrJoin(words, ", ") + ", not " + value;
      },
      "");
}

CLI::Validator NameEqualsValue() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return value.find('=') == std::string::npos ? "must be NAME=VALUE, not " + value : "";
      },
      "");
}

iam::Channel ChannelNamed(const std::string& name) {
  return name == "sms" ? iam::Channel::kSms : iam::Channel::kEmail;
}

std::vector<iam::CustomFieldValue> SplitCustomFields(const std::vector<std::string>& pairs) {
  std::vector<iam::CustomFieldValue> fields;
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    fields.push_back({pair.substr(0, eq), pair.substr(eq + 1)});
  }
  return fields;
}

iam::Secret ReadSecret(std::string& arg) {
  if (arg != "-") return iam::Secret(std::move(arg));
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return iam::Secret(std::move(line));
}

}  // namespace iamctl
