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
  if (doc.is_object() && doc.contains("users")) {
    for (const auto& [key, value] : doc.items()) {
      if (key != "users") {
        return iam::InvalidField(key, "batch.unknown_field",
                                 key + ": unknown key (the file holds {\"users\": [...]})");
      }
    }
    doc = std::move(doc["users"]);
  }
  if (!doc.is_array()) {
    return iam::InvalidField("file", "batch.invalid", "file: must hold a JSON array of users");
  }
  std::vector<Request> requests;
  for (size_t i = 0; i < doc.size(); ++i) {
    auto r = iam::CreateRequestFromJson(doc[i], "users[" + std::to_string(i) + "]", tenant);
    if (!r.ok()) return r.status();
    requests.push_back(std::move(*r));
  }
  return requests;
}

}  // namespace iamctl
