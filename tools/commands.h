// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl's command table. Each command prints one JSON object on stdout and
// returns the exit code: 0 success (or valid), 1 failure (or invalid), 2 usage.
#ifndef IAM_TOOLS_COMMANDS_H_
#define IAM_TOOLS_COMMANDS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "args.h"
#include "iam/engine.h"
#include "iam/profile.h"
#include "iam/sqlite_store.h"
#include "nlohmann/json.hpp"

namespace iamctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  std::string name;
  std::string usage;  // the arguments after the command name
  OptionSpec options;
  std::function<int(const Args&, const iam::Profile&)> run;
};

// Commands of each group, appended to `out`.
void AddRuleCommands(std::vector<Command>* out);
void AddUserCommands(std::vector<Command>* out);
void AddLifecycleCommands(std::vector<Command>* out);

// The store, notifier and engine one command uses (a SQLite file at --db).
struct Session {
  std::unique_ptr<iam::SqliteStore> store;
  std::unique_ptr<iam::JsonLinesNotifier> notifier;
  std::unique_ptr<iam::Engine> engine;
};
absl::StatusOr<Session> OpenSession(const Args& args, const iam::Profile& profile);
// Runs `body` with an engine for --tenant (registered on first use).
int WithEngine(const Args& args, const iam::Profile& profile,
               const std::function<int(iam::Engine&, const std::string& tenant)>& body);
absl::StatusOr<iam::Channel> ParseChannel(const std::string& s);
// The --custom-field NAME=VALUE options, in order.
absl::StatusOr<std::vector<iam::CustomFieldValue>> ParseCustomFields(const Args& args);

// Prints `value` as one line of JSON on stdout.
void PrintJson(const nlohmann::json& value);
// Prints {"error": ErrorJson(...)} and returns kExitFailed.
int PrintError(const iam::Profile& profile, const absl::Status& status);
// Reads a secret argument: "-" means one line from standard input.
std::string ReadSecretArg(const std::string& arg);

}  // namespace iamctl

#endif  // IAM_TOOLS_COMMANDS_H_
