// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl: iamcore on the command line. `iamctl --help` lists the commands,
// `iamctl COMMAND --help` prints one command's options.
//
// Exit codes: 0 success (or valid), 1 failure (or invalid), 2 usage error. A
// usage error prints one line naming the problem on stderr, then the
// command's usage line; help goes to stdout and exits 0.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "commands.h"
#include "iam/json.h"

namespace iamctl {

void PrintJson(const nlohmann::json& value) { std::cout << value.dump() << std::endl; }

void PrintSecretJson(const iam::Secret& json_text, const std::string& under_key) {
  if (!under_key.empty()) std::cout << "{" << nlohmann::json(under_key).dump() << ":";
  std::cout << json_text.view();
  if (!under_key.empty()) std::cout << "}";
  std::cout << std::endl;
}

void PrintUser(const iam::Engine& engine, const iam::User& user) {
  PrintJson({{"user", iam::ToJson(user, engine.SelfLink(user.id))}});
}

int PrintError(const iam::Profile& profile, const absl::Status& status) {
  PrintJson({{"error", iam::ErrorToJson(profile, status)}});
  return kExitFailed;
}

CLI::App* Commands::Add(const std::string& name, const std::string& description, Run run) {
  CLI::App* command = app_->add_subcommand(name, description);
  command->group("Commands");  // the heading of the list in --help
  runs_.emplace_back(command, std::move(run));
  return command;
}

const Run* Commands::Find(const CLI::App* command) const {
  for (const auto& [app, run] : runs_) {
    if (app == command) return &run;
  }
  return nullptr;
}

namespace {

// "--name PLACEHOLDER" (or the positional's name), as a usage line shows it.
std::string OptionUsage(const CLI::Option& option) {
  if (option.get_positional()) return option.get_name();
  std::string text = option.get_name();
  if (option.get_expected_max() > 0) {
    const std::string type = option.get_type_name();
    text += " " + type.substr(0, type.find(':'));  // without the validators' notes
  }
  return text;
}

// Whether `option` was declared ->needs(other).
bool Needs(const CLI::Option& option, const CLI::Option* other) {
  for (const CLI::Option* needed : option.get_needs()) {
    if (needed == other) return true;
  }
  return false;
}

// An optional option shown after the one it needs, [nested]; both ways
// (--token needs --password and back) it follows plainly.
bool NestedUnder(const CLI::Option& option, const CLI::Option& parent) {
  return !option.get_required() && Needs(option, &parent);
}

// `option` with the options nested under it, from `candidates`.
std::string WithNested(const CLI::Option& option,
                       const std::vector<const CLI::Option*>& candidates) {
  std::string text = OptionUsage(option);
  for (const CLI::Option* child : candidates) {
    if (child == &option || !NestedUnder(*child, option)) continue;
    text += Needs(option, child) ? " " + OptionUsage(*child)
                                 : " [" + WithNested(*child, candidates) + "]";
  }
  return text;
}

// The usage line of `app` (the root or a command), generated from its options:
// required ones, then the exactly-one-of groups, then [optional]... ones (an
// option that needs another nested under it), then positionals.
std::string UsageLine(const CLI::App& app) {
  std::string line = "usage: iamctl";
  if (app.get_parent() == nullptr) {
    for (const CLI::Option* option : app.get_options()) {
      if (option != app.get_help_ptr()) line += " [" + OptionUsage(*option) + "]";
    }
    return line + " COMMAND [OPTIONS]";
  }
  line += " " + app.get_name();
  std::vector<const CLI::Option*> options, positionals;
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr()) continue;
    (option->get_positional() ? positionals : options).push_back(option);
  }
  const auto groups =
      app.get_subcommands([](const CLI::App* sub) { return sub->get_name().empty(); });
  // Whether `option` is shown under another option (of the command or a group).
  auto nested = [&](const CLI::Option* option) {
    for (const CLI::Option* parent : options) {
      if (parent != option && NestedUnder(*option, *parent)) return true;
    }
    for (const CLI::App* group : groups) {
      for (const CLI::Option* parent : group->get_options()) {
        if (NestedUnder(*option, *parent)) return true;
      }
    }
    return false;
  };
  for (const CLI::Option* option : options) {
    if (option->get_required()) line += " " + WithNested(*option, options);
  }
  for (const CLI::App* group : groups) {
    std::vector<std::string> choices;
    for (const CLI::Option* option : group->get_options()) {
      choices.push_back(WithNested(*option, options));
    }
    line += " (" + absl::StrJoin(choices, " | ") + ")";
  }
  for (const CLI::Option* option : options) {
    if (option->get_required() || nested(option)) continue;
    line += " [" + WithNested(*option, options) + "]";
    if (option->get_items_expected_max() > 1) line += "...";
  }
  for (const CLI::Option* option : positionals) {
    line +=
        " " + (option->get_required() ? OptionUsage(*option) : "[" + OptionUsage(*option) + "]");
  }
  return line;
}

// CLI11's help with our usage line.
class UsageFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string) const override {
    return UsageLine(*app) + "\n";
  }
};

// Why the command line is refused, naming the option at fault: CLI11's own
// message where it names the option well, a plainer one where it does not.
// A word nothing took (an unknown option, a typo) goes first, as it is often
// why a required option seems missing.
std::string Reason(const CLI::App& root, const CLI::App* command, const CLI::ParseError& error) {
  const std::string message = error.what();
  const std::vector<std::string> leftovers = root.remaining();
  if (!leftovers.empty()) {
    const std::string& word = leftovers.front();
    const bool is_option = word.size() > 1 && word[0] == '-';
    const std::string name = word.substr(0, word.find('='));
    if (command == nullptr) {
      return is_option ? "unknown option " + name +
                             " before the command (only --profile and --db go there; a "
                             "command's options follow its name)"
                       : "unknown command " + word + " (iamctl --help lists the commands)";
    }
    if (!is_option) return "unexpected argument " + word;
    if (command->get_option_no_throw(name) != nullptr) {
      return name + " is an option of " + command->get_name() + ": give it after the command name";
    }
    // iamctl has no short options but -h: "-abc" is most likely a value.
    return "unknown option " + name +
           (name[1] != '-' ? " (a value starting with - goes after --: -- " + name + ")" : "");
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    // CLI11 says "--tenant: At Most 1 required but received 2" or
    // "--tenant: 1 required T missing".
    const std::string name = message.substr(0, message.find(':'));
    if (message.find("At Most") != std::string::npos) {
      return name + " given more than once (it takes one value)";
    }
    if (message.find("missing") != std::string::npos) return name + " needs a value";
    return message;
  }
  if (command == nullptr) {
    return dynamic_cast<const CLI::RequiredError*>(&error) != nullptr
               ? "no command given (iamctl --help lists the commands)"
               : message;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
      message.find('[') != std::string::npos) {
    // An exactly-one-of group: CLI11 says "Exactly 1 option from [--username,--id] ...".
    for (const CLI::App* group :
         command->get_subcommands([](const CLI::App* sub) { return sub->get_name().empty(); })) {
      std::vector<std::string> names;
      size_t given = 0;
      for (const CLI::Option* option : group->get_options()) {
        names.push_back(option->get_name());
        given += option->count() > 0;
      }
      if (given == 1) continue;
      return given == 0 ? "one of " + absl::StrJoin(names, ", ") + " is required"
                        : absl::StrJoin(names, " and ") + " exclude each other: give one";
    }
  }
  return message;
}

// Prints the reason and the usage line on stderr; returns kExitUsage.
int UsageError(const CLI::App& root, const CLI::ParseError& error) {
  const std::vector<CLI::App*> chosen = root.get_subcommands();
  const CLI::App* command = chosen.empty() ? nullptr : chosen.front();
  std::cerr << "iamctl" << (command ? " " + command->get_name() : "") << ": "
            << Reason(root, command, error) << "\n"
            << UsageLine(command ? *command : root) << "\n";
  return kExitUsage;
}

std::string Help(const CLI::App& app) {
  return app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
}

// `iamctl help [COMMAND]`: the command list, or one command's help.
void AddHelpCommand(Commands& commands, CLI::App& root) {
  struct Options {
    std::string command;
    CLI::App* help = nullptr;
  };
  auto o = std::make_shared<Options>();
  o->help = commands.Add("help", "Lists the commands, or prints one command's help.",
                         [o, &root](const Globals&) {
                           if (o->command.empty()) {
                             std::cout << Help(root);
                             return kExitOk;
                           }
                           for (const CLI::App* command : root.get_subcommands({})) {
                             if (command->get_name() == o->command) {
                               std::cout << Help(*command);
                               return kExitOk;
                             }
                           }
                           std::cerr << "iamctl help: unknown command " << o->command
                                     << " (iamctl --help lists the commands)\n"
                                     << UsageLine(*o->help) << "\n";
                           return kExitUsage;
                         });
  o->help->add_option("COMMAND", o->command, "the command to describe")->type_name("");
}

}  // namespace

int Main(int argc, char** argv) {
  Globals globals;
  CLI::App app("iamcore on the command line: each command prints one JSON object on stdout.",
               "iamctl");
  app.formatter(std::make_shared<UsageFormatter>());  // the commands inherit it
  app.fallthrough();  // commands hand the global options back to the app: they may follow
  app.require_subcommand(1);
  app.footer(
      "Run iamctl COMMAND --help for a command's options. Exit codes: 0 success (or valid), "
      "1 failure (or invalid), 2 usage error. A secret given as - is read as one line from "
      "standard input.");
  std::vector<std::string> profiles;
  for (const iam::Profile* profile : iam::AllProfiles()) profiles.emplace_back(profile->name);
  AddText(&app, "--profile", &globals.profile_name, absl::StrJoin(profiles, "|"),
          "the rules and error dialect (default huawei)")
      ->check(OneOf(profiles));
  AddText(&app, "--db", &globals.db, "PATH|URL",
          "the SQLite file (default ./iam.db), or a PostgreSQL connection string "
          "(postgresql://... or \"host=... dbname=...\"; the host key then comes from "
          "IAM_HOST_KEY or IAM_HOST_KEY_FILE)");

  Commands commands(&app);
  AddRuleCommands(commands);
  AddUserCommands(commands);
  AddAuditCommands(commands);
  AddLifecycleCommands(commands);
  AddImportCommand(commands);
  AddServerCommands(commands);
  AddHelpCommand(commands, app);
  for (CLI::App* command : app.get_subcommands({})) {
    command->footer("Global options, before or after the command: --profile " +
                    absl::StrJoin(profiles, "|") + " (default huawei), --db PATH|URL (default " +
                    "./iam.db).");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help) {
    return app.exit(help);  // --help: that command's help (or the list) on stdout, exit 0
  } catch (const CLI::ParseError& error) {
    return UsageError(app, error);
  }
  globals.profile = iam::FindProfile(globals.profile_name);
  return (*commands.Find(app.get_subcommands().front()))(globals);
}

}  // namespace iamctl

int main(int argc, char** argv) { return iamctl::Main(argc, argv); }
