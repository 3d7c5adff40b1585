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
// The same header has the other clouds' schemes, verified against their
// published examples and their Node SDKs (docs/WIRE-NOTES-2.md):
//   TC3-HMAC-SHA256 (Tencent Cloud API v3): a key derived from the secret,
//     the date and the service; only content-type and host signed.
//   ACS3-HMAC-SHA256 (Alibaba Cloud signature V3): the secret as the key,
//     the x-acs-* headers signed, the query sorted.
//   RPC v1 (Alibaba HMAC-SHA1): every parameter signed, base64.
//
// Thread-safety: pure functions.
#ifndef IAM_REQUEST_SIGNATURE_H_
#define IAM_REQUEST_SIGNATURE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/secret.h"
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

// --- TC3-HMAC-SHA256 (Tencent) ---------------------------------------------

inline constexpr absl::string_view kTc3HmacSha256 = "TC3-HMAC-SHA256";

struct Tc3Authorization {
  std::string secret_id;
  std::string date;     // the credential scope's yyyy-mm-dd
  std::string service;  // the scope's service: the first label of the host signed
  std::vector<std::string> signed_headers;
  std::string signature;  // 64 lower-case hex digits
};

// kInvalidArgument (signature.malformed) unless "TC3-HMAC-SHA256
// Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=...".
IAM_EXPORT absl::StatusOr<Tc3Authorization> ParseTc3Authorization(absl::string_view header);
// The canonical request over `signed_headers`: values lower-cased and
// trimmed, the host without its port.
IAM_EXPORT absl::StatusOr<std::string> Tc3CanonicalRequest(
    const WireRequest& request, const std::vector<std::string>& signed_headers);
// hex(HMAC(kSigning, StringToSign)) with kSigning derived from "TC3" +
// secret, `date`, `service` and "tc3_request"; `timestamp` is X-TC-Timestamp.
IAM_EXPORT std::string Tc3Signature(absl::string_view secret, absl::string_view timestamp,
                                    absl::string_view date, absl::string_view service,
                                    absl::string_view canonical_request);
// kSigning alone (three of the four HMACs): a verifier may keep it per key,
// date and service. WARNING: it opens that day's signatures; wipe it.
IAM_EXPORT Secret Tc3SigningKey(absl::string_view secret, absl::string_view date,
                                absl::string_view service);
// Tc3Signature with kSigning given.
IAM_EXPORT std::string Tc3SignatureWithKey(const Secret& signing_key, absl::string_view timestamp,
                                           absl::string_view date, absl::string_view service,
                                           absl::string_view canonical_request);
// yyyy-mm-dd (UTC) of a Unix time, as the credential scope has it.
IAM_EXPORT std::string Tc3Date(absl::Time t);
// The service the SDK signs for `host` (the Host header, port included): the
// text before its first '.', so "127" for 127.0.0.1:8080 and "cam" for
// cam.tencentcloudapi.com.
IAM_EXPORT std::string Tc3Service(absl::string_view host);
// For clients and tests: the Authorization value as the SDK makes it
// (content-type and host signed; the request holds Host, Content-Type and
// X-TC-Timestamp).
IAM_EXPORT std::string SignTc3Request(const WireRequest& request, absl::string_view secret_id,
                                      absl::string_view secret);

// --- ACS3-HMAC-SHA256 (Alibaba signature V3) ---------------------------------

inline constexpr absl::string_view kAcs3HmacSha256 = "ACS3-HMAC-SHA256";

struct Acs3Authorization {
  std::string access_key_id;
  std::vector<std::string> signed_headers;
  std::string signature;  // 64 lower-case hex digits
};

// kInvalidArgument (signature.malformed) unless "ACS3-HMAC-SHA256
// Credential=ID,SignedHeaders=...,Signature=...".
IAM_EXPORT absl::StatusOr<Acs3Authorization> ParseAcs3Authorization(absl::string_view header);
// The canonical request over `signed_headers` (values trimmed, the host with
// its port), the query decoded, re-encoded and sorted, the payload hash of
// the body received.
IAM_EXPORT absl::StatusOr<std::string> Acs3CanonicalRequest(
    const WireRequest& request, const std::vector<std::string>& signed_headers);
// hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" hex(SHA-256(canonical)))).
IAM_EXPORT std::string Acs3Signature(absl::string_view secret, absl::string_view canonical_request);
// For clients and tests: signs host, content-type and every x-acs-* header
// of `request`, as the SDK does.
IAM_EXPORT std::string SignAcs3Request(const WireRequest& request, absl::string_view access_key_id,
                                       absl::string_view secret);

// --- RPC signature v1 (Alibaba HMAC-SHA1) ------------------------------------

// Method "&%2F&" enc(the parameters but Signature, sorted, enc(k)=enc(v)
// joined by '&'). `params` are decoded key/value pairs (the query's and a
// form body's together); a key given twice, or Signature given twice, is
// kInvalidArgument (signature.malformed): no order could be guessed.
IAM_EXPORT absl::StatusOr<std::string> RpcV1StringToSign(
    absl::string_view method, std::vector<std::pair<std::string, std::string>> params);
// base64(HMAC-SHA1(secret + "&", string_to_sign)).
IAM_EXPORT std::string RpcV1Signature(absl::string_view secret, absl::string_view string_to_sign);

}  // namespace iam

#endif  // IAM_REQUEST_SIGNATURE_H_
