// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The data behind permission policies (policy_catalog.cc): the engine's
// actions with the resource kind each acts on, each dialect's names for them,
// and the condition keys and operators of the three clouds' grammars.
#ifndef IAM_SRC_RULES_POLICY_TABLES_H_
#define IAM_SRC_RULES_POLICY_TABLES_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace iam::internal {

struct EngineAction {
  absl::string_view name;  // "iam:CreateUser"
  // "user", "group", "organizational_unit", "custom_field", "policy"
  absl::string_view resource_kind;
};
absl::Span<const EngineAction> EngineActionTable();

// A dialect's action name for an engine action ("cam:AddUser" -> "iam:CreateUser").
struct ActionAlias {
  absl::string_view dialect;
  absl::string_view engine;
};
absl::Span<const ActionAlias> ActionAliases(absl::string_view profile);

enum class ConditionKey : uint8_t { kSourceIp, kMfa, kAuthMethod };
enum class ConditionOp : uint8_t {
  kIpAddress,
  kNotIpAddress,
  kBool,
  kStringEquals,
  kStringNotEquals,
  kStringLike,
};
// Case-insensitive lookups; null when the grammar has no such name.
const ConditionKey* FindConditionKey(absl::string_view name);
const ConditionOp* FindConditionOp(absl::string_view name);
// The operators that may test `key` (an IP operator on an IP key, ...).
bool OperatorFits(ConditionOp op, ConditionKey key);

}  // namespace iam::internal

#endif  // IAM_SRC_RULES_POLICY_TABLES_H_
