// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The pieces the request-signature schemes share (request_signature.cc,
// tc3_signature.cc, acs_signatures.cc): the Authorization header's parts,
// the canonical header block and the sorted canonical query.
#ifndef IAM_SRC_WIRE_SIGNATURE_PARTS_H_
#define IAM_SRC_WIRE_SIGNATURE_PARTS_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/wire.h"

namespace iam::wire {

struct AuthorizationParts {
  std::string credential;                   // the value of the credential part
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string signature;                    // 64 hex digits
};

// "ALGORITHM Cred=..., SignedHeaders=a;b, Signature=HEX" (',' with or without
// a space), the credential part named `credential_name`; kInvalidArgument
// (reason signature.malformed, field Authorization) otherwise.
absl::StatusOr<AuthorizationParts> ParseAuthorizationParts(absl::string_view header,
                                                           absl::string_view algorithm,
                                                           absl::string_view credential_name);

// "name:value\n" for each of `names` (value as `value` gives it from the
// header received), then "\n", the names joined by ';' and "\n". A name not
// in the request is kInvalidArgument (signature.header_missing).
absl::StatusOr<std::string> CanonicalHeaders(
    const WireRequest& request, const std::vector<std::string>& names,
    absl::FunctionRef<std::string(absl::string_view name, absl::string_view value)> value);

// The query decoded ('+' a space when `plus_is_space`), sorted by key then
// value, re-encoded (RFC 3986 unreserved kept) as k=v joined by '&'.
std::string CanonicalQueryString(absl::string_view query, bool plus_is_space);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_SIGNATURE_PARTS_H_
