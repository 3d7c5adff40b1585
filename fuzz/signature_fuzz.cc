// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: the request-signature parsers and canonicalizations of
// iam/request_signature.h on arbitrary Authorization headers, paths, queries
// and header values. A parse that succeeds must round-trip its invariants
// (a 64-digit signature, a non-empty signed-header list).
//
//   build-fuzz/fuzz/signature_fuzz -max_total_time=3600 fuzz/corpus/signature   # long mode
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "iam/request_signature.h"
#include "wire/wire_internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // header \n path \n query \n host \n body
  std::vector<std::string> parts = absl::StrSplit(input, absl::MaxSplits('\n', 4));
  parts.resize(5);
  if (auto a = iam::ParseSdkAuthorization(parts[0]); a.ok()) {
    if (a->signature.size() != 64 || a->signed_headers.empty()) std::abort();
  }
  if (auto a = iam::ParseTc3Authorization(parts[0]); a.ok()) {
    if (a->signature.size() != 64 || a->date.size() != 10) std::abort();
  }
  if (auto a = iam::ParseAcs3Authorization(parts[0]); a.ok()) {
    if (a->signature.size() != 64 || a->signed_headers.empty()) std::abort();
  }
  (void)iam::ParseSdkDate(parts[0]);
  iam::WireRequest r;
  r.method = "POST";
  r.path = parts[1];
  r.query = parts[2];
  r.body = parts[4];
  r.headers = {{"Host", parts[3]},
               {"Content-Type", "application/json"},
               {"X-Sdk-Date", "20191115T033655Z"},
               {"X-TC-Timestamp", "1700000000"},
               {"x-acs-date", "2024-01-01T00:00:00Z"}};
  const std::vector<std::string> names = {"content-type", "host"};
  (void)iam::SdkCanonicalRequest(r, names);
  (void)iam::Tc3CanonicalRequest(r, names);
  (void)iam::Acs3CanonicalRequest(r, names);
  (void)iam::SignSdkRequest(r, "AK", "SK");
  (void)iam::SignTc3Request(r, "AK", "SK");
  (void)iam::SignAcs3Request(r, "AK", "SK");
  std::vector<std::pair<std::string, std::string>> params;
  for (absl::string_view item : absl::StrSplit(parts[2], '&')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    params.push_back(std::move(kv));
  }
  if (auto s = iam::RpcV1StringToSign("GET", params); s.ok()) {
    (void)iam::RpcV1Signature("SK", *s);
  }
  // The RPC parameters as the EIAM handlers get them, checked against a
  // schema with every kind (CustomFields.1.FieldName, flags, lists).
  using K = iam::wire::ParamKind;
  static constexpr iam::wire::ParamSpec kMember[] = {{"FieldName", K::kString, true},
                                                     {"FieldValue", K::kString}};
  static constexpr iam::wire::ParamSpec kSpec[] = {
      {"Username", K::kString},
      {"EmailVerified", K::kFlag},
      {"PageSize", K::kInteger},
      {"OrganizationalUnitIds", K::kStringList},
      {"CustomFields", K::kObjectList, false, kMember},
      {"PasswordInitializationConfig", K::kObject, false, kMember},
      {"MaxResults", K::kUnsupported}};
  if (auto json = iam::wire::UnflattenRpcParams(iam::wire::FormPairs(parts[2])); json.ok()) {
    (void)iam::wire::CheckParams(*json, kSpec);
    (void)iam::wire::ParamStrings(*json, "OrganizationalUnitIds");
  }
  return 0;
}
