// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The keys of a create-user object and their JSON types, for CSV cells.
#ifndef IAM_IMPORT_USER_ROW_H_
#define IAM_IMPORT_USER_ROW_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace iam::internal {

enum class KeyType : uint8_t { kUnknown, kText, kFlag, kList, kCustomField };

// The JSON type a create-user key takes; "custom_fields.NAME" is kCustomField.
KeyType CreateKeyType(absl::string_view key);

}  // namespace iam::internal

#endif  // IAM_IMPORT_USER_ROW_H_
