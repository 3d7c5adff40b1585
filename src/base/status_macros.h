// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The one status macro header of the library (private to src/ and capi/).
#ifndef IAM_SRC_BASE_STATUS_MACROS_H_
#define IAM_SRC_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"

// Returns the status of `expr` from the enclosing function when it is not OK.
#define IAM_RETURN_IF_ERROR(expr)             \
  do {                                        \
    if (absl::Status _s = (expr); !_s.ok()) { \
      return _s;                              \
    }                                         \
  } while (0)

#define IAM_STATUS_MACROS_CONCAT_INNER(a, b) a##b
#define IAM_STATUS_MACROS_CONCAT(a, b) IAM_STATUS_MACROS_CONCAT_INNER(a, b)

// Assigns the value of the StatusOr `expr` to `lhs`, or returns its status.
#define IAM_ASSIGN_OR_RETURN(lhs, expr) \
  IAM_ASSIGN_OR_RETURN_IMPL(IAM_STATUS_MACROS_CONCAT(_status_or_, __LINE__), lhs, expr)
#define IAM_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return statusor.status();        \
  lhs = *std::move(statusor)

#endif  // IAM_SRC_BASE_STATUS_MACROS_H_
