// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A small command-line parser for iamctl: `--name value`, `--name=value`,
// boolean `--flag`, repeated options, positionals. Each command declares the
// options it takes; anything else is a usage error.
#ifndef IAM_TOOLS_ARGS_H_
#define IAM_TOOLS_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace iamctl {

struct OptionSpec {
  std::set<std::string> with_value;  // e.g. "profile"
  std::set<std::string> flags;       // e.g. "email-verified"
};

class Args {
 public:
  // Parses argv[begin, end). Returns false and sets error() on a usage error.
  bool Parse(const std::vector<std::string>& argv, const OptionSpec& spec);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given for `name`, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& All(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  const std::string& error() const { return error_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  std::string error_;
};

}  // namespace iamctl

#endif  // IAM_TOOLS_ARGS_H_
