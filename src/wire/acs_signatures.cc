// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Alibaba Cloud's two request signatures, as @alicloud/openapi-client 0.4.15
// and @alicloud/pop-core 1.8.0 sign (docs/WIRE-NOTES-2.md §2.4, §2.5):
// ACS3-HMAC-SHA256 (V3) and the RPC signature v1 (HMAC-SHA1).
#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/error.h"
#include "iam/request_signature.h"
#include "iam/secret.h"
#include "wire/digests.h"
#include "wire/percent_encoding.h"
#include "wire/signature_parts.h"

namespace iam {

absl::StatusOr<Acs3Authorization> ParseAcs3Authorization(absl::string_view header) {
  absl::StatusOr<wire::AuthorizationParts> parts =
      wire::ParseAuthorizationParts(header, kAcs3HmacSha256, "Credential");
  if (!parts.ok()) return parts.status();
  return Acs3Authorization{std::move(parts->credential), std::move(parts->signed_headers),
                           std::move(parts->signature)};
}

absl::StatusOr<std::string> Acs3CanonicalRequest(const WireRequest& request,
                                                 const std::vector<std::string>& signed_headers) {
  absl::StatusOr<std::string> headers = wire::CanonicalHeaders(
      request, signed_headers,
      [](absl::string_view, absl::string_view value) { return std::string(value); });
  if (!headers.ok()) return headers.status();
  return absl::StrCat(request.method, "\n", request.path.empty() ? "/" : request.path, "\n",
                      wire::CanonicalQueryString(request.query, true), "\n", *headers,
                      wire::HexSha256(request.body));
}

std::string Acs3Signature(absl::string_view secret, absl::string_view canonical_request) {
  return wire::Hex(wire::HmacSha256(
      secret, absl::StrCat(kAcs3HmacSha256, "\n", wire::HexSha256(canonical_request))));
}

std::string SignAcs3Request(const WireRequest& request, absl::string_view access_key_id,
                            absl::string_view secret) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) {
    const std::string lower = absl::AsciiStrToLower(name);
    if (lower == "host" || lower == "content-type" || absl::StartsWith(lower, "x-acs-")) {
      names.push_back(lower);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  absl::StatusOr<std::string> canonical = Acs3CanonicalRequest(request, names);
  return absl::StrCat(kAcs3HmacSha256, " Credential=", access_key_id,
                      ",SignedHeaders=", absl::StrJoin(names, ";"),
                      ",Signature=", Acs3Signature(secret, canonical.value_or("")));
}

absl::StatusOr<std::string> RpcV1StringToSign(
    absl::string_view method, std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  if (std::adjacent_find(params.begin(), params.end(), [](const auto& a, const auto& b) {
        return a.first == b.first;
      }) != params.end()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "Signature", "signature.malformed",
                     "the request gives a parameter twice");
  }
  params.erase(std::remove_if(params.begin(), params.end(),
                              [](const auto& kv) { return kv.first == "Signature"; }),
               params.end());
  std::string canonical;
  for (const auto& [key, value] : params) {
    if (!canonical.empty()) canonical.push_back('&');
    wire::AppendPercentEncoded(key, &canonical);
    canonical.push_back('=');
    wire::AppendPercentEncoded(value, &canonical);
  }
  std::string out = absl::StrCat(method, "&%2F&");
  wire::AppendPercentEncoded(canonical, &out);
  return out;
}

std::string RpcV1Signature(absl::string_view secret, absl::string_view string_to_sign) {
  std::string key = absl::StrCat(secret, "&");
  const std::string signature = absl::Base64Escape(wire::HmacSha1(key, string_to_sign));
  WipeString(key);
  return signature;
}

}  // namespace iam
