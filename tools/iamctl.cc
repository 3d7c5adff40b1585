// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl: iamcore on the command line. `iamctl help` lists the commands.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/secret.h"

namespace iamctl {

void PrintJson(const nlohmann::json& value) { std::cout << value.dump() << std::endl; }

int PrintError(const iam::Profile& profile, const absl::Status& status) {
  PrintJson({{"error", iam::ErrorToJson(profile, status)}});
  return kExitFailed;
}

std::string ReadSecretArg(const std::string& arg) {
  if (arg != "-") return arg;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  AddRuleCommands(&commands);
  AddUserCommands(&commands);
  AddLifecycleCommands(&commands);
  return commands;
}

int Usage(const std::vector<Command>& commands, const std::string& problem) {
  std::ostream& out = problem.empty() ? std::cout : std::cerr;
  if (!problem.empty()) out << "iamctl: " << problem << "\n";
  out << "usage: iamctl [--profile huawei|alibaba|tencent|nist] [--db PATH] COMMAND ...\n";
  for (const Command& c : commands) out << "  iamctl " << c.name << " " << c.usage << "\n";
  return problem.empty() ? kExitOk : kExitUsage;
}

}  // namespace

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  std::vector<std::string> words(argv + 1, argv + argc);
  // Global options come before the command; they may also follow it.
  std::vector<std::string> global;
  size_t i = 0;
  while (i < words.size() && words[i].rfind("--", 0) == 0) {
    const std::string& w = words[i];
    if (w == "--help") return Usage(commands, "");
    const bool inline_value = w.find('=') != std::string::npos;
    global.push_back(w);
    if (!inline_value && i + 1 < words.size()) global.push_back(words[++i]);
    ++i;
  }
  if (i >= words.size()) return Usage(commands, "no command given");
  const std::string name = words[i];
  if (name == "help") return Usage(commands, "");
  const Command* command = nullptr;
  for (const Command& c : commands) {
    if (c.name == name) command = &c;
  }
  if (command == nullptr) return Usage(commands, "unknown command " + name);
  std::vector<std::string> rest = global;
  rest.insert(rest.end(), words.begin() + static_cast<ptrdiff_t>(i) + 1, words.end());
  OptionSpec spec = command->options;
  spec.with_value.insert({"profile", "db"});
  Args args;
  if (!args.Parse(rest, spec)) {
    std::cerr << "iamctl " << name << ": " << args.error() << "\n";
    std::cerr << "usage: iamctl " << name << " " << command->usage << "\n";
    return kExitUsage;
  }
  const std::string profile_name = args.Get("profile", "huawei");
  const iam::Profile* profile = iam::FindProfile(profile_name);
  if (profile == nullptr) {
    std::cerr << "iamctl: unknown profile " << profile_name
              << " (huawei, alibaba, tencent, nist)\n";
    return kExitUsage;
  }
  const int code = command->run(args, *profile);
  if (code == kExitUsage) std::cerr << "usage: iamctl " << name << " " << command->usage << "\n";
  return code;
}

}  // namespace iamctl

int main(int argc, char** argv) { return iamctl::Main(argc, argv); }
