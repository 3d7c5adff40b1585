// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SCIM 2.0 filters and PATCH paths (RFC 7644 section 3.4.2.2, figure 1, and
// section 3.5.2): the whole grammar parsed into a tree, and the tree evaluated
// against a resource's JSON. Which filters a store can answer from an index is
// the resource's business (scim_users.cc plans them); this file only reads
// and evaluates.
//
//   absl::StatusOr<ScimFilter> f = ParseScimFilter(R"(emails[type eq "work"] and active eq true)");
//   bool hit = ScimMatches(*f, user_json);
//
// Errors are kInvalidArgument with reason scim.invalid_filter (or
// scim.invalid_path for PATCH paths) and a message naming the position.
#ifndef IAM_SRC_WIRE_SCIM_FILTER_H_
#define IAM_SRC_WIRE_SCIM_FILTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace iam::wire {

// [URI ":"] ATTRNAME ["." subAttr]. `uri` is "" for the resource's core
// schema; names keep the client's case (they compare case-insensitively).
struct ScimAttrPath {
  std::string uri;
  std::string attr;
  std::string sub;
};

enum class ScimOp : uint8_t { kEq, kNe, kCo, kSw, kEw, kGt, kGe, kLt, kLe, kPr };

struct ScimFilter {
  enum class Kind : uint8_t { kCompare, kAnd, kOr, kNot, kValuePath };
  Kind kind = Kind::kCompare;
  ScimAttrPath path;  // kCompare (op kPr: presence), kValuePath (its attribute)
  ScimOp op = ScimOp::kEq;
  nlohmann::json value;  // kCompare: a string, number, boolean or null
  // kAnd, kOr: two; kNot: one; kValuePath: the filter on each element.
  std::vector<ScimFilter> children;
};

// Filters and paths longer than this, or nesting deeper than 32, are refused.
inline constexpr size_t kMaxScimFilterLength = 4096;

absl::StatusOr<ScimFilter> ParseScimFilter(absl::string_view text);

// A PATCH path: attrPath, or valuePath ("emails[type eq \"work\"]") with an
// optional ".subAttr" after the bracket (`path.sub` then holds it).
struct ScimPatchPath {
  ScimAttrPath path;
  bool has_filter = false;
  ScimFilter filter;  // has_filter only: evaluated on each element
};
absl::StatusOr<ScimPatchPath> ParseScimPatchPath(absl::string_view text);

// Whether `resource` (a SCIM resource's JSON, or one element of a
// multi-valued attribute for a value path's inner filter) satisfies `filter`.
// Strings compare ignoring case except for the case-exact attributes (id,
// externalId, value of members and groups, $ref, meta.version).
bool ScimMatches(const ScimFilter& filter, const nlohmann::json& resource);

// The member of `object` named `name` ignoring ASCII case, or null.
const nlohmann::json* ScimMember(const nlohmann::json& object, absl::string_view name);
nlohmann::json* ScimMember(nlohmann::json& object, absl::string_view name);

// The resource's container for `path`: the resource itself for a core schema
// (no uri, or urn:ietf:params:scim:schemas:core:2.0:...), else its extension
// object named by the uri (null when absent).
const nlohmann::json* ScimContainer(const nlohmann::json& resource, const ScimAttrPath& path);
bool IsScimCoreUri(absl::string_view uri);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_SCIM_FILTER_H_
