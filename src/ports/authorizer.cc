// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// AllowAllAuthorizer, for hosts that ask for it by name (the default is
// PolicyAuthorizer: policy_authorizer.cc).
#include "iam/authorizer.h"

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

}  // namespace iam
