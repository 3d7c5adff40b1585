// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "args.h"

namespace iamctl {

bool Args::Parse(const std::vector<std::string>& argv, const OptionSpec& spec) {
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positionals || arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      if (arg == "--") {
        only_positionals = true;
        continue;
      }
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    if (spec.flags.count(name)) {
      if (inline_value) {
        error_ = "option --" + name + " takes no value";
        return false;
      }
      values_[name].push_back("true");
    } else if (spec.with_value.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) {
          error_ = "option --" + name + " needs a value";
          return false;
        }
        value = argv[++i];
      }
      values_[name].push_back(value);
    } else {
      error_ = "unknown option --" + name;
      return false;
    }
  }
  return true;
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::All(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(name);
  return it == values_.end() ? kEmpty : it->second;
}

}  // namespace iamctl
