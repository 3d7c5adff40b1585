// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// TC3-HMAC-SHA256, Tencent Cloud API signature v3, as tencentcloud-sdk-nodejs
// 4.1.313 signs (docs/WIRE-NOTES-2.md §1.3).
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "iam/error.h"
#include "iam/request_signature.h"
#include "iam/secret.h"
#include "wire/digests.h"
#include "wire/signature_parts.h"

namespace iam {

absl::StatusOr<Tc3Authorization> ParseTc3Authorization(absl::string_view header) {
  absl::StatusOr<wire::AuthorizationParts> parts =
      wire::ParseAuthorizationParts(header, kTc3HmacSha256, "Credential");
  if (!parts.ok()) return parts.status();
  // Credential = SecretId/yyyy-mm-dd/service/tc3_request
  const std::vector<std::string> scope = absl::StrSplit(parts->credential, '/');
  if (scope.size() != 4 || scope[0].empty() || scope[1].size() != 10 || scope[2].empty() ||
      scope[3] != "tc3_request") {
    return MakeError(absl::StatusCode::kInvalidArgument, "Authorization", "signature.malformed",
                     "Authorization: Credential must be SecretId/date/service/tc3_request");
  }
  return Tc3Authorization{scope[0], scope[1], scope[2], std::move(parts->signed_headers),
                          std::move(parts->signature)};
}

absl::StatusOr<std::string> Tc3CanonicalRequest(const WireRequest& request,
                                                const std::vector<std::string>& signed_headers) {
  absl::StatusOr<std::string> headers = wire::CanonicalHeaders(
      request, signed_headers, [](absl::string_view name, absl::string_view value) {
        // Lower-cased (Tencent's rule); the host without its port, as the SDK's
        // URL hostname.
        std::string v = absl::AsciiStrToLower(value);
        if (name == "host") {
          if (v.size() > 0 && v[0] == '[') {  // [IPv6] or [IPv6]:port
            if (const size_t end = v.find(']'); end != std::string::npos) v.resize(end + 1);
          } else if (const size_t colon = v.find(':'); colon != std::string::npos) {
            v.resize(colon);
          }
        }
        return v;
      });
  if (!headers.ok()) return headers.status();
  return absl::StrCat(request.method, "\n", request.path, "\n", request.query, "\n", *headers,
                      wire::HexSha256(request.body));
}

Secret Tc3SigningKey(absl::string_view secret, absl::string_view date, absl::string_view service) {
  std::string key = absl::StrCat("TC3", secret);
  std::string k_date = wire::HmacSha256(key, date);
  std::string k_service = wire::HmacSha256(k_date, service);
  Secret k_signing(wire::HmacSha256(k_service, "tc3_request"));
  for (std::string* s : {&key, &k_date, &k_service}) WipeString(*s);
  return k_signing;
}

std::string Tc3SignatureWithKey(const Secret& signing_key, absl::string_view timestamp,
                                absl::string_view date, absl::string_view service,
                                absl::string_view canonical_request) {
  return wire::Hex(wire::HmacSha256(
      signing_key.view(), absl::StrCat(kTc3HmacSha256, "\n", timestamp, "\n", date, "/", service,
                                       "/tc3_request\n", wire::HexSha256(canonical_request))));
}

std::string Tc3Signature(absl::string_view secret, absl::string_view timestamp,
                         absl::string_view date, absl::string_view service,
                         absl::string_view canonical_request) {
  return Tc3SignatureWithKey(Tc3SigningKey(secret, date, service), timestamp, date, service,
                             canonical_request);
}

std::string Tc3Date(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

std::string Tc3Service(absl::string_view host) {
  return std::string(host.substr(0, host.find('.')));
}

std::string SignTc3Request(const WireRequest& request, absl::string_view secret_id,
                           absl::string_view secret) {
  const std::vector<std::string> names = {"content-type", "host"};
  const std::string* timestamp = FindHeader(request.headers, "X-TC-Timestamp");
  const std::string* host = FindHeader(request.headers, "Host");
  int64_t seconds = 0;
  if (timestamp != nullptr) (void)absl::SimpleAtoi(*timestamp, &seconds);
  const std::string date = Tc3Date(absl::FromUnixSeconds(seconds));
  const std::string service = Tc3Service(host != nullptr ? *host : "");
  absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(request, names);
  return absl::StrCat(kTc3HmacSha256, " Credential=", secret_id, "/", date, "/", service,
                      "/tc3_request, SignedHeaders=content-type;host, Signature=",
                      Tc3Signature(secret, timestamp != nullptr ? *timestamp : "", date, service,
                                   canonical.value_or("")));
}

}  // namespace iam
