// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl's commands, one CLI11 subcommand each. A command declares its options
// with CLI11 (required, typed, ranged, exclusive), so its body runs only on a
// well-formed command line; it prints one JSON object on stdout and returns the
// exit code: 0 success (or valid), 1 failure (or invalid). Usage errors (2) are
// CLI11's, reported by iamctl.cc before any body runs.
//
// iamctl uses the public API only (include/iam/), as any embedder would.
#ifndef IAM_TOOLS_COMMANDS_H_
#define IAM_TOOLS_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iam/delivery.h"
#include "iam/engine.h"
#include "iam/notifier.h"
#include "iam/open_store.h"
#include "iam/profile.h"
#include "iam/secret.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iamctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// The global options, accepted before or after the command name.
struct Globals {
  std::string profile_name = "huawei";  // checked against iam::AllProfiles()
  std::string db = "./iam.db";
  const iam::Profile* profile = nullptr;  // set from profile_name once parsed
};

// What a command does once its command line parsed: returns the exit code.
using Run = std::function<int(const Globals&)>;

// The command table: the subcommands of the iamctl app and what each runs.
class Commands {
 public:
  explicit Commands(CLI::App* app) : app_(app) {}
  // Adds subcommand `name`; `run` is called when it is the one chosen.
  CLI::App* Add(const std::string& name, const std::string& description, Run run);
  // The run of `command`, or nullptr when it is not one of ours.
  const Run* Find(const CLI::App* command) const;

 private:
  CLI::App* app_;
  std::vector<std::pair<const CLI::App*, Run>> runs_;
};

// The commands of each group.
void AddRuleCommands(Commands& commands);
void AddUserCommands(Commands& commands);
void AddLifecycleCommands(Commands& commands);
void AddServerCommands(Commands& commands);  // serve, bootstrap
void AddImportCommand(Commands& commands);
void AddAuditCommands(Commands& commands);  // events, dead letters

// --- Option builders (options.cc). Every single-valued option may be given at
// most once; a repeatable one adds one value per occurrence. `placeholder` is
// the value's name in the usage line (T, U, N, ...).

// A text option, optional unless the caller adds ->required().
CLI::Option* AddText(CLI::App* cmd, const std::string& name, std::string* value,
                     const std::string& placeholder, const std::string& help);
// A repeatable text option: --name V [--name V]...
CLI::Option* AddList(CLI::App* cmd, const std::string& name, std::vector<std::string>* values,
                     const std::string& placeholder, const std::string& help);
// A secret: "-" means one line of standard input (read it with ReadSecret).
CLI::Option* AddSecret(CLI::App* cmd, const std::string& name, std::string* value,
                       const std::string& placeholder, const std::string& help);
// --tenant T, required.
CLI::Option* AddTenant(CLI::App* cmd, std::string* tenant);
// An option that sets `*field` only when given (the fields an update changes).
CLI::Option* AddOptionalText(CLI::App* cmd, const std::string& name,
                             std::optional<std::string>* field, const std::string& placeholder,
                             const std::string& help);
// `--name on|off` (also true|false) into `*field`.
CLI::Option* AddOnOff(CLI::App* cmd, const std::string& name, std::optional<bool>* field,
                      const std::string& help);
// Exactly one of `options` must be given (an option group with require_option(1));
// help shows them under `title`, with `description`.
CLI::Option_group* RequireOneOf(CLI::App* cmd, const std::string& title,
                                const std::string& description,
                                const std::vector<CLI::Option*>& options);

// The user a command works on: exactly one of --username U and --id ID.
struct UserRef {
  std::string username;
  std::string id;
  // The id when given, else the username (the engine accepts either).
  const std::string& value() const { return id.empty() ? username : id; }
};
void AddUserRef(CLI::App* cmd, UserRef* user);

// A command on one user: --tenant T and the user reference. `body` runs with
// the engine, the tenant and the user's id or name; add the command's other
// options to the answer.
using UserCommandBody = std::function<int(const Globals&, iam::Engine&, const std::string& tenant,
                                          const std::string& user)>;
CLI::App* AddUserCommand(Commands& commands, const std::string& name,
                         const std::string& description, UserCommandBody body);

// Value checks for ->check(): a decimal integer in [lo, hi] (`expected` words
// the range in the error), one of `words`, and NAME=VALUE.
CLI::Validator IntegerIn(int64_t lo, int64_t hi, const std::string& expected);
CLI::Validator OneOf(const std::vector<std::string>& words);
CLI::Validator NameEqualsValue();

// "email" or "sms" (checked by OneOf on the command line).
iam::Channel ChannelNamed(const std::string& name);
// NAME=VALUE pairs (checked by NameEqualsValue) as custom field values.
std::vector<iam::CustomFieldValue> SplitCustomFields(const std::vector<std::string>& pairs);

// The secret an option holds: "-" reads one line from standard input (without
// its line break); anything else is the secret itself. `arg` is wiped.
iam::Secret ReadSecret(std::string& arg);

// --- Sessions (session.cc).

// The store, notifier and engine one command uses (a SQLite file at --db).
struct Session {
  std::unique_ptr<iam::Store> store;
  std::unique_ptr<iam::Notifier> notifier;
  std::unique_ptr<iam::Authorizer> authorizer;  // null: the engine allows every caller
  std::unique_ptr<iam::Engine> engine;
};
// `configure` may adjust the engine's options (and add ports to the session,
// whose store is open by then) before the engine is built.
absl::StatusOr<Session> OpenSession(
    const Globals& globals,
    const std::function<void(iam::EngineOptions&, Session&)>& configure = {});
// Runs `body` with an engine for `tenant` (registered on first use); prints
// the error and returns kExitFailed when the session cannot be opened.
int WithEngine(const Globals& globals, const std::string& tenant,
               const std::function<int(iam::Engine&)>& body);

// --- Output (iamctl.cc).

// Prints `value` as one line of JSON on stdout.
void PrintJson(const nlohmann::json& value);
// Prints a JSON text held in a Secret (one-time secrets inside) as one line,
// as {"<under_key>": text} when `under_key` is given; the text is not copied.
void PrintSecretJson(const iam::Secret& json_text, const std::string& under_key = "");
// Prints {"user": ...} with the user's self link.
void PrintUser(const iam::Engine& engine, const iam::User& user);
// Prints {"error": ErrorToJson(...)} and returns kExitFailed.
int PrintError(const iam::Profile& profile, const absl::Status& status);

// --- Batch files (batch_file.cc).

// The users of a batch-create-users file: a JSON array of user objects (or
// {"users": [...]}) whose keys are create-user's options with '_' for '-'. An
// unknown key is refused (reason batch.unknown_field, field users[I].KEY), as
// is a value of the wrong JSON type (batch.invalid_type); `tenant` is the
// default of each user's "tenant".
absl::StatusOr<std::vector<iam::CreateUserRequest>> ReadBatchFile(const std::string& path,
                                                                  const std::string& tenant);

}  // namespace iamctl

#endif  // IAM_TOOLS_COMMANDS_H_
