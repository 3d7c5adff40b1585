// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "wire/signature_parts.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/error.h"
#include "wire/percent_encoding.h"

namespace iam::wire {
namespace {

absl::Status Malformed(absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, "Authorization", "signature.malformed",
                   absl::StrCat("Authorization: ", message));
}

}  // namespace

absl::StatusOr<AuthorizationParts> ParseAuthorizationParts(absl::string_view header,
                                                           absl::string_view algorithm,
                                                           absl::string_view credential_name) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&header, algorithm) || header.empty() || header[0] != ' ') {
    return Malformed(absl::StrCat("is not ", algorithm));
  }
  AuthorizationParts parts;
  bool have_headers = false;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == credential_name) {
      parts.credential = std::string(kv.second);
    } else if (kv.first == "SignedHeaders") {
      have_headers = true;
      for (absl::string_view name : absl::StrSplit(kv.second, ';')) {
        parts.signed_headers.push_back(absl::AsciiStrToLower(name));
      }
    } else if (kv.first == "Signature") {
      parts.signature = std::string(kv.second);
    } else {
      return Malformed("has an unknown part");
    }
  }
  if (parts.credential.empty() || parts.credential.size() > 256) {
    return Malformed(absl::StrCat("lacks ", credential_name));
  }
  if (!have_headers || parts.signed_headers.empty()) return Malformed("lacks SignedHeaders");
  if (parts.signature.size() != 64) return Malformed("lacks a 64-digit Signature");
  return parts;
}

absl::StatusOr<std::string> CanonicalHeaders(
    const WireRequest& request, const std::vector<std::string>& names,
    absl::FunctionRef<std::string(absl::string_view name, absl::string_view value)> value) {
  std::string out;
  for (const std::string& name : names) {
    const std::string* received = FindHeader(request.headers, name);
    if (received == nullptr) {
      return MakeError(
          absl::StatusCode::kInvalidArgument, "Authorization", "signature.header_missing",
          absl::StrCat("Authorization: signed header ", name, " is not in the request"));
    }
    absl::StrAppend(&out, name, ":", value(name, absl::StripAsciiWhitespace(*received)), "\n");
  }
  absl::StrAppend(&out, "\n", absl::StrJoin(names, ";"), "\n");
  return out;
}

std::string CanonicalQueryString(absl::string_view query, bool plus_is_space) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (absl::string_view item : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    pairs.emplace_back(PercentDecode(kv.first, plus_is_space),
                       PercentDecode(kv.second, plus_is_space));
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

}  // namespace iam::wire
