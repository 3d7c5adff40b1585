// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: SCIM's filter parser and evaluator, its PATCH path
// parser, and PatchOp applied to a User resource (src/wire/scim_filter.h,
// scim_internal.h). Every input is tried as a filter, as a path and, when it
// is JSON, as a PatchOp; a refusal must carry a SCIM reason.
//
//   build-fuzz/fuzz/scim_fuzz -max_total_time=3600 /tmp/scim-corpus fuzz/corpus/scim
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "iam/error.h"
#include "nlohmann/json.hpp"
#include "wire/scim_filter.h"
#include "wire/scim_internal.h"

namespace {

const nlohmann::json& Resource() {
  static const nlohmann::json* const user = new nlohmann::json(nlohmann::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "2819c223", "userName": "bjensen", "active": true,
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
    "members": [{"value": "u1"}, {"value": "u2"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Tours"},
    "meta": {"lastModified": "2011-05-13T04:42:34Z"}})"));
  return *user;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<iam::wire::ScimFilter> filter = iam::wire::ParseScimFilter(text);
  if (filter.ok()) {
    iam::wire::ScimMatches(*filter, Resource());
    for (const nlohmann::json& e : Resource()["emails"]) iam::wire::ScimMatches(*filter, e);
  } else if (iam::ErrorReason(filter.status()) != "scim.invalid_filter") {
    std::abort();
  }
  absl::StatusOr<iam::wire::ScimPatchPath> path = iam::wire::ParseScimPatchPath(text);
  if (!path.ok() && iam::ErrorReason(path.status()) != "scim.invalid_path") std::abort();
  const nlohmann::json patch = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!patch.is_discarded()) {
    nlohmann::json resource = Resource();
    const absl::Status s = iam::wire::ApplyPatch(patch, &resource, {"groups"});
    if (!s.ok() && !absl::StartsWith(iam::ErrorReason(s), "scim.")) std::abort();
  }
  return 0;
}
