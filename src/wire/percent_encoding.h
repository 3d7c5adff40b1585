// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Percent-encoding (RFC 3986) as the wire layer needs it: decoding paths and
// queries, and encoding as the Huawei SDK's urlEncode does for signatures.
// Pure functions.
#ifndef IAM_SRC_WIRE_PERCENT_ENCODING_H_
#define IAM_SRC_WIRE_PERCENT_ENCODING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace iam::wire {

// %XX decoded; a '%' not followed by two hex digits stays as it is. With
// `plus_is_space` (form-encoded queries) '+' is a space.
std::string PercentDecode(absl::string_view s, bool plus_is_space = false);

// Appends `s` with every byte but the unreserved A-Z a-z 0-9 - . _ ~ as %XX
// (upper-case hex), space included (%20, never '+').
void AppendPercentEncoded(absl::string_view s, std::string* out);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_PERCENT_ENCODING_H_
