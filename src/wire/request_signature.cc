// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SDK-HMAC-SHA256 (see iam/request_signature.h); the digests are wire/digests.h's.
#include "iam/request_signature.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/error.h"
#include "iam/secret.h"
#include "wire/digests.h"
#include "wire/percent_encoding.h"
#include "wire/signature_parts.h"

namespace iam {
namespace {

using wire::AppendPercentEncoded;
using wire::HexSha256;
using wire::PercentDecode;

constexpr absl::string_view kSdkDateFormat = "%Y%m%dT%H%M%SZ";

bool HasNonAscii(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 127; });
}

// Each segment encoded as the SDK does it: the wire segment as it is (the SDK
// encodes the already-escaped path again), except that a segment escaping
// non-ASCII bytes is decoded first; always a trailing '/'.
std::string CanonicalUri(absl::string_view path) {
  std::string out;
  out.reserve(path.size() + 8);
  bool first = true;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (!first) out.push_back('/');
    first = false;
    const std::string decoded = PercentDecode(segment);
    AppendPercentEncoded(HasNonAscii(decoded) ? absl::string_view(decoded) : segment, &out);
  }
  if (out.empty() || out.back() != '/') out.push_back('/');
  return out;
}

}  // namespace

absl::StatusOr<SdkAuthorization> ParseSdkAuthorization(absl::string_view header) {
  absl::StatusOr<wire::AuthorizationParts> parts =
      wire::ParseAuthorizationParts(header, kSdkHmacSha256, "Access");
  if (!parts.ok()) return parts.status();
  return SdkAuthorization{std::move(parts->credential), std::move(parts->signed_headers),
                          std::move(parts->signature)};
}

absl::StatusOr<std::string> SdkCanonicalRequest(const WireRequest& request,
                                                const std::vector<std::string>& signed_headers) {
  // Values as received: the SDK neither trims nor lower-cases them.
  absl::StatusOr<std::string> headers = wire::CanonicalHeaders(
      request, signed_headers,
      [](absl::string_view, absl::string_view value) { return std::string(value); });
  if (!headers.ok()) return headers.status();
  // Sorted as the SDK sorts: by the decoded key, then value; then encoded.
  const std::string* content_hash = FindHeader(request.headers, "X-Sdk-Content-Sha256");
  return absl::StrCat(request.method, "\n", CanonicalUri(request.path), "\n",
                      wire::CanonicalQueryString(request.query, false), "\n", *headers,
                      content_hash != nullptr ? *content_hash : HexSha256(request.body));
}

std::string SdkPayloadHash(absl::string_view body) { return HexSha256(body); }

std::string SdkSignature(absl::string_view secret, absl::string_view sdk_date,
                         absl::string_view canonical_request) {
  return wire::Hex(wire::HmacSha256(
      secret, absl::StrCat(kSdkHmacSha256, "\n", sdk_date, "\n", HexSha256(canonical_request))));
}

std::string FormatSdkDate(absl::Time t) {
  return absl::FormatTime(kSdkDateFormat, t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseSdkDate(absl::string_view text) {
  // By hand: absl::ParseTime's %Y would take every digit of the run.
  const auto malformed = [] {
    return MakeError(absl::StatusCode::kInvalidArgument, "X-Sdk-Date", "signature.date_malformed",
                     "X-Sdk-Date: must be YYYYMMDDTHHMMSSZ");
  };
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return malformed();
  int fields[6];
  constexpr std::pair<int, int> kSpans[] = {{0, 4}, {4, 2}, {6, 2}, {9, 2}, {11, 2}, {13, 2}};
  for (int i = 0; i < 6; ++i) {
    const absl::string_view digits = text.substr(kSpans[i].first, kSpans[i].second);
    if (!std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(digits, &fields[i])) {
      return malformed();
    }
  }
  const absl::CivilSecond civil(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
  // CivilSecond normalizes (month 13 becomes January): refuse what it changed.
  if (civil.year() != fields[0] || civil.month() != fields[1] || civil.day() != fields[2] ||
      civil.hour() != fields[3] || civil.minute() != fields[4] || civil.second() != fields[5]) {
    return malformed();
  }
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

std::string SignSdkRequest(const WireRequest& request, absl::string_view access_key,
                           absl::string_view secret) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) names.push_back(absl::AsciiStrToLower(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const std::string* date = FindHeader(request.headers, "X-Sdk-Date");
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(request, names);
  return absl::StrCat(
      kSdkHmacSha256, " Access=", access_key, ", SignedHeaders=", absl::StrJoin(names, ";"),
      ", Signature=", SdkSignature(secret, date != nullptr ? *date : "", canonical.value()));
}

}  // namespace iam
