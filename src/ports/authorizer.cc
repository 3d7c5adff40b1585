// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The authorizers iamcore ships: allow-all (the default) and the
// administrator-policy check `iamctl serve` uses.
#include "iam/authorizer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/error.h"
#include "iam/store.h"

namespace iam {

namespace {

class AllowAll final : public Authorizer {
 public:
  absl::Status Authorize(const Principal&, absl::string_view, absl::string_view) override {
    return absl::OkStatus();
  }
};

}  // namespace

Authorizer* AllowAllAuthorizer() {
  static AllowAll* const authorizer = new AllowAll();
  return authorizer;
}

AdministratorAuthorizer::AdministratorAuthorizer(Store* store, std::string policy)
    : store_(store), policy_(std::move(policy)) {}

absl::Status AdministratorAuthorizer::Authorize(const Principal& caller, absl::string_view action,
                                                absl::string_view tenant) {
  return AuthorizeTarget(caller, action, tenant, "");
}

absl::Status AdministratorAuthorizer::AuthorizeTarget(const Principal& caller,
                                                      absl::string_view action,
                                                      absl::string_view tenant,
                                                      absl::string_view target) {
  // What every user may do to itself (read its record and its key list).
  static constexpr absl::string_view kSelfActions[] = {"iam:GetUser", "iam:ListAccessKeys"};
  const auto denied = [&] {
    return MakeError(absl::StatusCode::kPermissionDenied, "", "authorization.denied",
                     absl::StrCat("the caller may not ", action, " here: it needs the ", policy_,
                                  " policy in this tenant"));
  };
  if (caller.id.empty() || caller.tenant != tenant) return denied();
  absl::StatusOr<UserRecord> user = store_->FindUser(tenant, UserKey::kId, caller.id);
  if (absl::IsNotFound(user.status())) return denied();
  if (!user.ok()) return user.status();
  if (!user->user.enabled) return denied();
  const std::vector<std::string>& policies = user->user.policies;
  if (std::find(policies.begin(), policies.end(), policy_) != policies.end()) {
    return absl::OkStatus();
  }
  const bool self_action =
      std::find(std::begin(kSelfActions), std::end(kSelfActions), action) != std::end(kSelfActions);
  // The target may name the caller by id or by username (CAM's GetUser
  // {Name}); an ASCII case-insensitive match is the same canonical user.
  const bool self = target == caller.id || absl::EqualsIgnoreCase(target, user->user.username);
  return self_action && self ? absl::OkStatus() : denied();
}

}  // namespace iam
