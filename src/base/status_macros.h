// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The one status macro header of the library (private to src/ and capi/).
#ifndef IAM_SRC_BASE_STATUS_MACROS_H_
#define IAM_SRC_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"

// Returns the status of `expr` from the enclosing function when it is not OK.
#define IAM_RETURN_IF_ERROR(expr)             \
  do {                                        \
    if (absl::Status _s = (expr); !_s.ok()) { \
      return _s;                              \
    }                                         \
  } while (0)

#endif  // IAM_SRC_BASE_STATUS_MACROS_H_
