// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The batch-create-users file: each user object is read by
// iam::CreateRequestFromJson, which names a misspelt key or a value of the wrong
// JSON type by its path (users[I].KEY).
#include <fstream>

#include "commands.h"
#include "iam/error.h"
#include "iam/import.h"

namespace iamctl {

using Request = iam::CreateUserRequest;

absl::StatusOr<std::vector<Request>> ReadBatchFile(const std::string& path,
                                                   const std::string& tenant) {
  std::ifstream in(path);
  if (!in) {
    return iam::MakeError(absl::StatusCode::kNotFound, "file", "file.not_found",
                          "file: cannot open " + path);
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  return iam::BatchRequestsFromJson(doc, "file", tenant);
}

}  // namespace iamctl
