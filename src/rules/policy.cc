// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Policy documents: parsed and checked once (every error names its field),
// compiled into statements whose actions are a bit set over the engine's
// actions (a dialect's names and wildcards expanded here), whose resources
// are glob patterns with their literal prefix split off, and whose IP
// conditions are parsed ranges. Evaluate then only tests bits, compares
// bytes and matches globs: no JSON, no allocation.
#include "iam/policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "nlohmann/json.hpp"
#include "rules/policy_tables.h"

namespace iam {

namespace {

using internal::ConditionKey;
using internal::ConditionOp;
using nlohmann::json;

constexpr size_t kMaxDocument = 6144;  // Alibaba RAM's and AWS's managed-policy limit
constexpr size_t kMaxStatements = 100;
constexpr size_t kMaxPatterns = 100;  // actions or resources in one statement
constexpr size_t kMaxPattern = 1024;

// `*` any run, `?` one character; iterative, linear in practice.
bool GlobMatch(absl::string_view pattern, absl::string_view s) {
  size_t p = 0, i = 0, star = absl::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p, ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = i;
    } else if (star != absl::string_view::npos) {
      p = star + 1, i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A resource pattern: "*" matches all; otherwise the literal prefix is
// compared first and the rest globbed (nothing to glob when exact).
struct ResourcePattern {
  std::string prefix;  // up to the first wildcard
  std::string rest;    // from it ("" = exact)
  bool Matches(absl::string_view resource) const {
    // Prefixes share their start (the service and tenant) and differ near
    // their end: the last byte first rejects most without a full compare.
    if (resource.size() < prefix.size()) return false;
    if (!prefix.empty() && resource[prefix.size() - 1] != prefix.back()) return false;
    if (std::memcmp(resource.data(), prefix.data(), prefix.size()) != 0) return false;
    resource.remove_prefix(prefix.size());
    return rest.empty() ? resource.empty() : GlobMatch(rest, resource);
  }
};

// An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96).
using Address = std::array<uint8_t, 16>;

std::optional<Address> ParseAddress(absl::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Address a{};
  if (inet_pton(AF_INET6, buf, a.data()) == 1) return a;
  uint8_t v4[4];
  if (inet_pton(AF_INET, buf, v4) != 1) return std::nullopt;
  a[10] = a[11] = 0xff;
  std::memcpy(a.data() + 12, v4, 4);
  return a;
}

struct AddressRange {
  Address base{};
  int prefix = 128;
  bool Contains(const Address& a) const {
    const int whole = prefix / 8, bits = prefix % 8;
    if (std::memcmp(base.data(), a.data(), static_cast<size_t>(whole)) != 0) return false;
    if (bits == 0) return true;
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
    return (base[whole] & mask) == (a[whole] & mask);
  }
};

// "10.0.0.0/8", "2001:db8::/32", or one address.
std::optional<AddressRange> ParseRange(absl::string_view text) {
  AddressRange r;
  const size_t slash = text.find('/');
  std::optional<Address> base = ParseAddress(text.substr(0, slash));
  if (!base) return std::nullopt;
  const bool v4 = text.substr(0, slash).find(':') == absl::string_view::npos;
  r.prefix = v4 ? 32 : 128;
  if (slash != absl::string_view::npos) {
    int bits = 0;
    if (!absl::SimpleAtoi(text.substr(slash + 1), &bits) || bits < 0 || bits > r.prefix) {
      return std::nullopt;
    }
    r.prefix = bits;
  }
  if (v4) r.prefix += 96;
  r.base = *base;
  return r;
}

struct Condition {
  ConditionKey key;
  ConditionOp op;
  std::vector<AddressRange> ranges;  // IP operators
  std::vector<std::string> values;   // string operators (lower case), Bool ("true"/"false")
};

struct Statement {
  bool deny = false;
  std::bitset<kMaxEngineActions> actions;
  std::vector<ResourcePattern> resources;  // empty = every resource ("*")
  std::vector<Condition> conditions;
};

}  // namespace

class CompiledPolicy {
 public:
  std::vector<Statement> deny;
  std::vector<Statement> allow;
};

namespace {

absl::Status Bad(const std::string& field, absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, field, "policy.document_invalid",
                   absl::StrCat(field, ": ", message));
}

// A string or a non-empty array of strings, as a list.
absl::StatusOr<std::vector<std::string>> Strings(const json& value, const std::string& field) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array() && !value.empty()) {
    if (value.size() > kMaxPatterns) {
      return Bad(field, absl::StrCat("at most ", kMaxPatterns, " entries"));
    }
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) return Bad(absl::StrCat(field, "[", i, "]"), "must be a string");
      out.push_back(value[i].get<std::string>());
    }
  } else {
    return Bad(field, "must be a string or a non-empty array of strings");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty() || out[i].size() > kMaxPattern) {
      return Bad(value.is_string() ? field : absl::StrCat(field, "[", i, "]"),
                 absl::StrCat("must be 1 to ", kMaxPattern, " characters"));
    }
  }
  return out;
}

// The engine actions `pattern` names, directly or through the profile's
// dialect names; matching ignores case, as the clouds do.
absl::Status AddActions(const std::string& pattern, const std::string& field,
                        absl::Span<const internal::ActionAlias> aliases,
                        std::bitset<kMaxEngineActions>* bits) {
  if (pattern != "*" && pattern.find(':') == std::string::npos) {
    return Bad(field, "an action is \"service:Name\" or \"*\"");
  }
  const std::string p = absl::AsciiStrToLower(pattern);
  const absl::Span<const internal::EngineAction> actions = internal::EngineActionTable();
  for (size_t i = 0; i < actions.size(); ++i) {
    if (GlobMatch(p, absl::AsciiStrToLower(actions[i].name))) bits->set(i);
  }
  for (const internal::ActionAlias& alias : aliases) {
    if (GlobMatch(p, absl::AsciiStrToLower(alias.dialect))) {
      bits->set(static_cast<size_t>(EngineActionIndex(alias.engine)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Condition> CompileCondition(ConditionOp op, const std::string& key_name,
                                           const json& values, const std::string& field) {
  const ConditionKey* key = internal::FindConditionKey(key_name);
  if (key == nullptr) return Bad(field, "unknown condition key");
  if (!internal::OperatorFits(op, *key)) return Bad(field, "this operator cannot test this key");
  Condition c{*key, op, {}, {}};
  json list = values;
  if (values.is_boolean()) list = values.get<bool>() ? "true" : "false";
  auto strings_or = Strings(list, field);
  if (!strings_or.ok()) return strings_or.status();
  std::vector<std::string> strings = *std::move(strings_or);
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string at =
        strings.size() > 1 || values.is_array() ? absl::StrCat(field, "[", i, "]") : field;
    if (*key == ConditionKey::kSourceIp) {
      std::optional<AddressRange> range = ParseRange(strings[i]);
      if (!range) return Bad(at, "must be an IP address or CIDR range");
      c.ranges.push_back(*range);
    } else if (*key == ConditionKey::kMfa) {
      const std::string v = absl::AsciiStrToLower(strings[i]);
      if (v != "true" && v != "false") return Bad(at, "must be true or false");
      c.values.push_back(v);
    } else {
      c.values.push_back(absl::AsciiStrToLower(strings[i]));
    }
  }
  return c;
}

absl::Status CompileConditions(const json& block, const std::string& field,
                               std::vector<Condition>* out) {
  if (!block.is_object() || block.empty()) return Bad(field, "must be a non-empty object");
  for (auto op_it = block.begin(); op_it != block.end(); ++op_it) {
    const std::string op_field = absl::StrCat(field, ".", op_it.key());
    const ConditionOp* op = internal::FindConditionOp(op_it.key());
    if (op == nullptr) return Bad(op_field, "unknown condition operator");
    if (!op_it->is_object() || op_it->empty()) return Bad(op_field, "must be a non-empty object");
    for (auto key_it = op_it->begin(); key_it != op_it->end(); ++key_it) {
      absl::StatusOr<Condition> c = CompileCondition(*op, key_it.key(), key_it.value(),
                                                     absl::StrCat(op_field, ".", key_it.key()));
      if (!c.ok()) return c.status();
      out->push_back(*std::move(c));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> CompileStatement(const json& s, const std::string& field,
                                           absl::Span<const internal::ActionAlias> aliases,
                                           bool resource_optional) {
  if (!s.is_object()) return Bad(field, "must be an object");
  Statement out;
  bool has_effect = false, has_action = false, has_resource = false, any_resource = false;
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string key = absl::AsciiStrToLower(it.key());
    const std::string at = absl::StrCat(field, ".", it.key());
    if (key == "sid") {
      if (!it->is_string()) return Bad(at, "must be a string");
    } else if (key == "effect") {
      const std::string effect =
          it->is_string() ? absl::AsciiStrToLower(it->get<std::string>()) : "";
      if (effect != "allow" && effect != "deny") return Bad(at, "must be Allow or Deny");
      out.deny = effect == "deny";
      has_effect = true;
    } else if (key == "action") {
      auto actions_or = Strings(*it, at);
      if (!actions_or.ok()) return actions_or.status();
      std::vector<std::string> actions = *std::move(actions_or);
      for (size_t i = 0; i < actions.size(); ++i) {
        IAM_RETURN_IF_ERROR(AddActions(actions[i],
                                       it->is_array() ? absl::StrCat(at, "[", i, "]") : at, aliases,
                                       &out.actions));
      }
      has_action = true;
    } else if (key == "resource") {
      auto resources_or = Strings(*it, at);
      if (!resources_or.ok()) return resources_or.status();
      std::vector<std::string> resources = *std::move(resources_or);
      for (const std::string& r : resources) {
        if (r == "*") any_resource = true;
        const size_t wild = r.find_first_of("*?");
        out.resources.push_back(
            {r.substr(0, wild), wild == std::string::npos ? "" : r.substr(wild)});
      }
      has_resource = true;
    } else if (key == "condition") {
      IAM_RETURN_IF_ERROR(CompileConditions(*it, at, &out.conditions));
    } else {
      return Bad(at, "is not supported (Sid, Effect, Action, Resource, Condition)");
    }
  }
  if (!has_effect) return Bad(field + ".Effect", "is required");
  if (!has_action) return Bad(field + ".Action", "is required");
  if (!has_resource && !resource_optional) return Bad(field + ".Resource", "is required");
  if (any_resource) out.resources.clear();
  return out;
}

bool StringMatches(const Condition& c, absl::string_view value) {
  for (const std::string& v : c.values) {
    if (c.op == ConditionOp::kStringLike ? GlobMatch(v, value) : v == value) return true;
  }
  return false;
}

// Per evaluation: the context's address, parsed on first use.
struct ContextView {
  const RequestContext* context;
  std::optional<Address> address;
  bool parsed = false;
  const Address* SourceAddress() {
    if (!parsed) {
      parsed = true;
      if (context != nullptr) address = ParseAddress(context->source_ip);
    }
    return address ? &*address : nullptr;
  }
};

bool ConditionHolds(const Condition& c, ContextView& ctx) {
  switch (c.key) {
    case ConditionKey::kSourceIp: {
      const Address* a = ctx.SourceAddress();
      bool in = false;
      if (a != nullptr) {
        for (const AddressRange& r : c.ranges) in = in || r.Contains(*a);
      }
      // An unknown address is in no range: IpAddress fails, NotIpAddress holds.
      return c.op == ConditionOp::kIpAddress ? in : !in;
    }
    case ConditionKey::kMfa:
      return StringMatches(c, ctx.context != nullptr && ctx.context->mfa ? "true" : "false");
    case ConditionKey::kAuthMethod: {
      const bool match =
          StringMatches(c, ctx.context != nullptr ? ctx.context->auth_method : absl::string_view());
      return c.op == ConditionOp::kStringNotEquals ? !match : match;
    }
  }
  return false;
}

bool Applies(const Statement& s, size_t action, absl::string_view resource, ContextView& ctx) {
  if (!s.actions.test(action)) return false;
  if (!s.resources.empty()) {
    bool matched = false;
    for (const ResourcePattern& r : s.resources) {
      if (r.Matches(resource)) {
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  for (const Condition& c : s.conditions) {
    if (!ConditionHolds(c, ctx)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompilePolicy(absl::string_view document,
                                                                    const Profile& profile) {
  if (document.size() > kMaxDocument) {
    return Bad("document", absl::StrCat("must be at most ", kMaxDocument, " bytes"));
  }
  const json doc = json::parse(document.begin(), document.end(), nullptr, false);
  if (doc.is_discarded()) return Bad("document", "is not valid JSON");
  if (!doc.is_object()) return Bad("document", "must be a JSON object");
  // Keys in any case ("Statement", Tencent's "statement"); errors use the
  // document's own spelling.
  const json* version = nullptr;
  const json* statements = nullptr;
  std::string version_key = "Version", statement_key = "Statement";
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (absl::EqualsIgnoreCase(it.key(), "Version")) {
      version = &it.value(), version_key = it.key();
    } else if (absl::EqualsIgnoreCase(it.key(), "Statement")) {
      statements = &it.value(), statement_key = it.key();
    } else {
      return Bad(it.key(), "is not supported (Version, Statement)");
    }
  }
  if (version == nullptr) return Bad("Version", "is required");
  // The grammars' versions: Alibaba RAM "1", Huawei's fine-grained "1.1" (where
  // a statement without Resource is on every resource), Tencent CAM "2.0",
  // AWS "2012-10-17".
  struct Grammar {
    absl::string_view version;
    bool resource_optional;
  };
  static constexpr Grammar kGrammars[] = {
      {"1", false}, {"1.1", true}, {"2.0", false}, {"2012-10-17", false}};
  const Grammar* grammar = nullptr;
  for (const Grammar& g : kGrammars) {
    if (version->is_string() && version->get<std::string>() == g.version) grammar = &g;
  }
  if (grammar == nullptr) {
    return Bad(version_key, "must be \"1\", \"1.1\", \"2.0\" or \"2012-10-17\"");
  }
  if (statements == nullptr) return Bad("Statement", "is required");
  json list = statements->is_object() ? json::array({*statements}) : *statements;
  if (!list.is_array() || list.empty()) {
    return Bad(statement_key, "must be a statement or a non-empty array of them");
  }
  if (list.size() > kMaxStatements) {
    return Bad(statement_key, absl::StrCat("at most ", kMaxStatements, " statements"));
  }
  auto policy = std::make_shared<CompiledPolicy>();
  const absl::Span<const internal::ActionAlias> aliases = internal::ActionAliases(profile.name);
  for (size_t i = 0; i < list.size(); ++i) {
    auto s_or = CompileStatement(list[i], absl::StrCat(statement_key, "[", i, "]"), aliases,
                                 grammar->resource_optional);
    if (!s_or.ok()) return s_or.status();

    Statement s = *std::move(s_or);
    (s.deny ? policy->deny : policy->allow).push_back(std::move(s));
  }
  return std::shared_ptr<const CompiledPolicy>(std::move(policy));
}

Decision Evaluate(absl::Span<const CompiledPolicy* const> policies,
                  const AccessQuestion& question) {
  const int action = EngineActionIndex(question.action);
  if (action < 0) return Decision::kImplicitDeny;  // not an action any policy can name
  const size_t bit = static_cast<size_t>(action);
  ContextView ctx{question.context, std::nullopt};
  for (const CompiledPolicy* p : policies) {
    if (p == nullptr) continue;
    for (const Statement& s : p->deny) {
      if (Applies(s, bit, question.resource, ctx)) return Decision::kExplicitDeny;
    }
  }
  for (const CompiledPolicy* p : policies) {
    if (p == nullptr) continue;
    for (const Statement& s : p->allow) {
      if (Applies(s, bit, question.resource, ctx)) return Decision::kAllow;
    }
  }
  return Decision::kImplicitDeny;
}

}  // namespace iam
