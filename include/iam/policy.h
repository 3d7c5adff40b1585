// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Permission policies: the JSON grammar AWS IAM, Alibaba RAM and Tencent CAM
// share, compiled once into a form that is evaluated without parsing.
//
//   {"Version": "1",
//    "Statement": [{"Effect": "Allow", "Action": ["cam:GetUser", "iam:List*"],
//                   "Resource": "*",
//                   "Condition": {"IpAddress": {"qcs:ip": ["10.0.0.0/8"]}}}]}
//
// Actions name the engine's operations ("iam:CreateUser") or a dialect's name
// for one ("cam:AddUser", "eiam:CreateUser"), with `*` and `?` wildcards,
// case-insensitively; other services' actions are valid and match nothing.
// Resources are the profile's resource names (PolicyCatalog::RenderResource)
// with `*` and `?`. Conditions: IpAddress/NotIpAddress on the source address,
// Bool on MFA, StringEquals/StringNotEquals/StringLike on the authentication
// method, under each cloud's key and operator names (policy_catalog.cc).
//
// Evaluation: an explicit Deny wins, then any Allow, else deny.
//
// Thread-safety: a CompiledPolicy is immutable and may be shared.
#ifndef IAM_POLICY_H_
#define IAM_POLICY_H_

#include <bitset>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "iam/export.h"
#include "iam/profile.h"

namespace iam {

// What the host knows of a request beyond its caller, for conditions.
struct RequestContext {
  std::string source_ip;    // "" = unknown (an in-process call)
  std::string auth_method;  // "token", "access_key"; "" = in-process
  bool mfa = false;         // the caller proved a second factor
  // For the audit log (iam/audit.h); "" = unknown.
  std::string request_id;
  std::string user_agent;
};

// The engine's operations, each with one stable action name
// ("iam:CreateUser", ...; the table is in policy_catalog.cc).
inline constexpr size_t kMaxEngineActions = 64;
// The index of engine action `action` (its bit in a compiled statement), or -1.
IAM_EXPORT int EngineActionIndex(absl::string_view action);

class CompiledPolicy;

// What a decision is asked about: an engine action on a rendered resource.
struct AccessQuestion {
  absl::string_view action;                 // an engine action, "iam:GetUser"
  absl::string_view resource;               // PolicyCatalog::RenderResource's answer
  const RequestContext* context = nullptr;  // null = nothing known
};

enum class Decision : uint8_t { kImplicitDeny, kAllow, kExplicitDeny };

// Parses and compiles `document` for `profile` (whose dialect names actions
// may use). kInvalidArgument with reason "policy.document_invalid" and the
// field at fault ("Statement[1].Effect", "Statement[0].Condition.IpAddress").
IAM_EXPORT absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompilePolicy(
    absl::string_view document, const Profile& profile);

// The decision over every statement of `policies` (nulls skipped).
IAM_EXPORT Decision Evaluate(absl::Span<const CompiledPolicy* const> policies,
                             const AccessQuestion& question);

// What the profile's policies are written against: its resource names and
// its read-only system policies (present in every tenant).
class IAM_EXPORT PolicyCatalog {
 public:
  // The catalog of `profile` (profiles are static; so are catalogs).
  static const PolicyCatalog& For(const Profile& profile);

  // The resource an action is on, in the profile's form: `kind` is "user",
  // "group", "organizational_unit", "custom_field", "policy" or "tenant"; `id` and
  // `name` "" render as "*" (the tenant's whole collection).
  std::string RenderResource(absl::string_view kind, absl::string_view tenant, absl::string_view id,
                             absl::string_view name) const;
  // The compiled system policy `name` (exactly), or null.
  const CompiledPolicy* SystemPolicy(absl::string_view name) const;
  // The system policies' ids, names and documents, in catalog order. Ids are
  // numbers ("1" to "99", what Tencent's PolicyId reads) that tenant
  // policies' ids never take.
  struct Entry {
    std::string id;
    std::string name;
    std::string description;
    std::string document;
  };
  const std::vector<Entry>& system_policies() const { return entries_; }
  // The system policy whose id is `id_or_name`, else whose name equals it
  // ignoring ASCII case; null when none.
  const Entry* FindSystemPolicy(absl::string_view id_or_name) const;

  struct Formats;  // per-kind resource templates (policy_catalog.cc)

 private:
  PolicyCatalog() = default;
  const Formats* formats_ = nullptr;
  std::vector<Entry> entries_;
  std::vector<std::shared_ptr<const CompiledPolicy>> compiled_;
};

}  // namespace iam

#endif  // IAM_POLICY_H_
