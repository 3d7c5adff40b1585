// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SDK-HMAC-SHA256, Huawei Cloud's API request signature, exactly as the
// official SDK (huaweicloud-sdk-core 3.1.211) computes it:
//
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n
//                      name:value\n ... \n SignedHeaders \n hex(SHA256(body))
//   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA256(CanonicalRequest))
//   Signature        = hex(HMAC-SHA256(SK, StringToSign))
//   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=HEX
//
// The canonical URI always ends in '/'; the query is percent-encoded (RFC 3986
// unreserved kept, upper-case hex) and sorted; the headers signed are the
// ones the Authorization header lists, values as received. docs/WIRE-NOTES.md
// has the derivation and worked examples.
//
//   iam::WireRequest req = ...;                          // method, path, query, headers, body
//   req.headers.push_back({"X-Sdk-Date", "20191115T033655Z"});
//   req.headers.push_back({"Authorization", iam::SignSdkRequest(req, ak, sk)});
//
// Thread-safety: pure functions.
#ifndef IAM_REQUEST_SIGNATURE_H_
#define IAM_REQUEST_SIGNATURE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/wire.h"

namespace iam {

inline constexpr absl::string_view kSdkHmacSha256 = "SDK-HMAC-SHA256";

struct SdkAuthorization {
  std::string access_key;
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string signature;                    // 64 lower-case hex digits
};

// Parses an Authorization header value; kInvalidArgument (reason
// signature.malformed) when it is not SDK-HMAC-SHA256 or lacks a part.
IAM_EXPORT absl::StatusOr<SdkAuthorization> ParseSdkAuthorization(absl::string_view header);

// The canonical request of `request` over `signed_headers` (lower case); a
// signed header missing from the request makes it kInvalidArgument.
IAM_EXPORT absl::StatusOr<std::string> SdkCanonicalRequest(
    const WireRequest& request, const std::vector<std::string>& signed_headers);

// hex(SHA-256(body)): the canonical request's last line. A verifier hashes
// the body it received; an X-Sdk-Content-Sha256 header must equal this.
IAM_EXPORT std::string SdkPayloadHash(absl::string_view body);

// hex(HMAC-SHA256(secret, StringToSign(sdk_date, canonical_request))).
IAM_EXPORT std::string SdkSignature(absl::string_view secret, absl::string_view sdk_date,
                                    absl::string_view canonical_request);

// X-Sdk-Date's form, YYYYMMDDTHHMMSSZ; ParseSdkDate fails on anything else.
IAM_EXPORT std::string FormatSdkDate(absl::Time t);
IAM_EXPORT absl::StatusOr<absl::Time> ParseSdkDate(absl::string_view text);

// For clients and tests: the Authorization value signing every header of
// `request` (which must hold Host and X-Sdk-Date), as the SDK does.
IAM_EXPORT std::string SignSdkRequest(const WireRequest& request, absl::string_view access_key,
                                      absl::string_view secret);

}  // namespace iam

#endif  // IAM_REQUEST_SIGNATURE_H_
