// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A Violation is one unmet rule: the request field at fault, a stable machine
// reason (e.g. "password.too_few_classes") and a human sentence. Checks return
// every violation in a stable order so a console can list them all at once.
//
//   iam::Violations v = checker.Check(password, context);
//   for (const iam::Violation& each : v) std::cout << each.reason << "\n";
#ifndef IAM_VIOLATION_H_
#define IAM_VIOLATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "iam/export.h"

namespace iam {

struct Violation {
  std::string field;
  std::string reason;
  std::string message;

  bool operator==(const Violation& other) const {
    return field == other.field && reason == other.reason && message == other.message;
  }
};

using Violations = std::vector<Violation>;

// Returns OK for an empty list, else an InvalidArgument status carrying the
// first violation as its field/reason payload (see iam/error.h).
IAM_EXPORT absl::Status ToStatus(const Violations& violations);

}  // namespace iam

#endif  // IAM_VIOLATION_H_
