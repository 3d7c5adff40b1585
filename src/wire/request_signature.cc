// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SDK-HMAC-SHA256 (see iam/request_signature.h). SHA-256 and HMAC-SHA256 come
// from libsodium.
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
#include "wire/percent_encoding.h"

namespace iam {
namespace {

using wire::AppendPercentEncoded;
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

// Sorted as the SDK sorts: by the decoded key, then value; then encoded.
std::string CanonicalQuery(absl::string_view query) {
  if (query.empty()) return "";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (absl::string_view item : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    pairs.emplace_back(PercentDecode(kv.first), PercentDecode(kv.second));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    AppendPercentEncoded(key, &out);
    out.push_back('=');
    AppendPercentEncoded(value, &out);
  }
  return out;
}

std::string HexSha256(absl::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::Status Malformed(absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, "Authorization", "signature.malformed",
                   absl::StrCat("Authorization: ", message));
}

}  // namespace

absl::StatusOr<SdkAuthorization> ParseSdkAuthorization(absl::string_view header) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&header, kSdkHmacSha256) || header.empty() || header[0] != ' ') {
    return Malformed("is not SDK-HMAC-SHA256");
  }
  SdkAuthorization auth;
  bool have_headers = false;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == "Access") {
      auth.access_key = std::string(kv.second);
    } else if (kv.first == "SignedHeaders") {
      have_headers = true;
      for (absl::string_view name : absl::StrSplit(kv.second, ';')) {
        auth.signed_headers.push_back(absl::AsciiStrToLower(name));
      }
    } else if (kv.first == "Signature") {
      auth.signature = std::string(kv.second);
    } else {
      return Malformed("has an unknown part");
    }
  }
  if (auth.access_key.empty() || auth.access_key.size() > 128) return Malformed("lacks Access");
  if (!have_headers || auth.signed_headers.empty()) return Malformed("lacks SignedHeaders");
  if (auth.signature.size() != 64) return Malformed("lacks a 64-digit Signature");
  return auth;
}

absl::StatusOr<std::string> SdkCanonicalRequest(const WireRequest& request,
                                                const std::vector<std::string>& signed_headers) {
  std::string out;
  out.reserve(256 + request.path.size() + request.query.size());
  absl::StrAppend(&out, request.method, "\n", CanonicalUri(request.path), "\n",
                  CanonicalQuery(request.query), "\n");
  for (const std::string& name : signed_headers) {
    const std::string* value = FindHeader(request.headers, name);
    if (value == nullptr) {
      return MakeError(
          absl::StatusCode::kInvalidArgument, "Authorization", "signature.header_missing",
          absl::StrCat("Authorization: signed header ", name, " is not in the request"));
    }
    absl::StrAppend(&out, name, ":", absl::StripAsciiWhitespace(*value), "\n");
  }
  absl::StrAppend(&out, "\n", absl::StrJoin(signed_headers, ";"), "\n");
  const std::string* content_hash = FindHeader(request.headers, "X-Sdk-Content-Sha256");
  absl::StrAppend(&out, content_hash != nullptr ? *content_hash : HexSha256(request.body));
  return out;
}

std::string SdkPayloadHash(absl::string_view body) { return HexSha256(body); }

std::string SdkSignature(absl::string_view secret, absl::string_view sdk_date,
                         absl::string_view canonical_request) {
  const std::string to_sign =
      absl::StrCat(kSdkHmacSha256, "\n", sdk_date, "\n", HexSha256(canonical_request));
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(to_sign.data()),
                                to_sign.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);  // the state holds the keyed pads
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
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
