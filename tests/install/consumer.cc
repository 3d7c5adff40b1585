// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
// Built against the installed headers and library only.
#include <iostream>

#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/username.h"

int main() {
  const iam::Profile* huawei = iam::FindProfile("huawei");
  if (huawei == nullptr || iam::ValidateUsername(*huawei, "alice.wong") != absl::OkStatus()) {
    return 1;
  }
  iam::MemoryStore store;
  iam::EngineOptions options;
  options.authorizer = iam::AllowAllAuthorizer();  // by name
  options.argon2 = iam::Argon2Params::ForTests();
  iam::Engine engine(options, &store);
  iam::CreateUserRequest request;
  request.tenant = "t";
  request.username = "alice.wong";
  request.password_mode = iam::PasswordMode::kGenerated;
  auto result = engine.CreateUser(request);
  if (!result.ok()) return 1;
  std::cout << result->user.id << "\n";
  return 0;
}
