// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The authorizers iamcore ships: allow-all (the default) and the
// administrator-policy check `iamctl serve` uses.
#include "iam/authorizer.h"

#include <algorithm>
#include <utility>

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
  const auto denied = [&] {
    return MakeError(absl::StatusCode::kPermissionDenied, "", "authorization.denied",
                     absl::StrCat("the caller may not ", action, " here: it needs the ", policy_,
                                  " policy in this tenant"));
  };
  if (caller.id.empty() || caller.tenant != tenant) return denied();
  absl::StatusOr<UserRecord> user = store_->FindUser(tenant, UserKey::kId, caller.id);
  if (absl::IsNotFound(user.status())) return denied();
  if (!user.ok()) return user.status();
  const std::vector<std::string>& policies = user->user.policies;
  if (!user->user.enabled ||
      std::find(policies.begin(), policies.end(), policy_) == policies.end()) {
    return denied();
  }
  return absl::OkStatus();
}

}  // namespace iam
