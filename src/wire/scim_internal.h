// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SCIM 2.0 (RFC 7643, RFC 7644) at /scim/v2: what its files share.
// scim_service.cc authenticates (a tenant's bearer token), routes, serves the
// discovery resources and Bulk, and renders errors in SCIM's schema;
// scim_users.cc and scim_groups.cc map the resources onto the engine. Every
// rule is the engine's.
#ifndef IAM_SRC_WIRE_SCIM_INTERNAL_H_
#define IAM_SRC_WIRE_SCIM_INTERNAL_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/engine.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

namespace iam::wire {

inline constexpr absl::string_view kScimUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr absl::string_view kScimGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr absl::string_view kScimEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr absl::string_view kScimListSchema =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr absl::string_view kScimPatchSchema =
    "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// The most resources one list answers, and operations one Bulk carries.
inline constexpr int kScimMaxResults = 1000;
inline constexpr int kScimMaxBulkOperations = 1000;

// One SCIM request as a handler sees it (Bulk makes one per operation).
struct ScimCall {
  Engine& engine;
  const WireOptions& options;
  Principal caller;
  std::string tenant;
  std::string method;
  std::vector<std::string> segments;  // after /scim/v2, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;
  nlohmann::json body;  // the parsed body; null when none
  std::string if_match;
  std::string if_none_match;

  // The decoded query parameter `name` (case-insensitive), if given.
  std::optional<std::string> Query(absl::string_view name) const;
  // This server's URL of /scim/v2/<resource>/<id>.
  std::string Location(absl::string_view resource, absl::string_view id) const;
};

struct ScimReply {
  int status = 200;
  nlohmann::json body;   // null: no body (204, 304)
  std::string version;   // meta.version, sent as ETag
  std::string location;  // a create's Location
};

// Errors: an engine status, or one of SCIM's own made by ScimError, whose
// reason "scim.<scimType>" names the scimType (invalidFilter, mutability...).
absl::Status ScimError(absl::StatusCode code, absl::string_view scim_type,
                       absl::string_view detail);

// W/"<version>", and the version an If-Match names (0 = none or "*").
std::string ScimVersion(int64_t version);
absl::StatusOr<int64_t> IfMatchVersion(const ScimCall& call);
// RFC 3339 in UTC, as meta.created and meta.lastModified carry it.
std::string ScimTime(absl::Time t);

// A boolean, or Entra's "True"/"False" strings: kInvalidArgument naming
// `attribute` otherwise.
absl::StatusOr<bool> ScimBool(const nlohmann::json& value, absl::string_view attribute);

// Pagination: startIndex (from 1) and count (0..kScimMaxResults, default 100)
// from the query, and the ListResponse of `page` (its resources from
// startIndex on) out of `total` matches.
struct ScimPage {
  int64_t start = 1;
  int64_t count = 100;
};
absl::StatusOr<ScimPage> PageOf(const ScimCall& call);
nlohmann::json ListResponse(std::vector<nlohmann::json> resources, int64_t total,
                            const ScimPage& page);

// attributes / excludedAttributes (RFC 7644 3.4.2.5) applied to `resource`;
// "schemas" and "id" are always returned. Whether `name` (an attribute of
// the core schema) will be in the answer, so that costly ones (a group's
// members) are read only when needed.
absl::StatusOr<nlohmann::json> Project(const ScimCall& call, nlohmann::json resource);
bool Returned(const ScimCall& call, absl::string_view name);

// PatchOp (RFC 7644 3.5.2) applied to `resource`, the JSON of the current
// resource: ops add, replace and remove in any case, with a path or (add,
// replace) an object of attributes. `read_only` names attributes no op may
// touch (scimType mutability).
absl::Status ApplyPatch(const nlohmann::json& patch, nlohmann::json* resource,
                        const std::vector<absl::string_view>& read_only);

// A resource type's handlers, and the routing every one shares:
// /<Resource> takes GET (list) and POST, /<Resource>/<id> GET, PUT, PATCH and
// DELETE; other methods answer 501, deeper paths 404.
struct ScimResourceHandlers {
  absl::StatusOr<ScimReply> (*list)(ScimCall& call);
  absl::StatusOr<ScimReply> (*create)(ScimCall& call);
  absl::StatusOr<ScimReply> (*get)(ScimCall& call, absl::string_view id);
  absl::StatusOr<ScimReply> (*put)(ScimCall& call, absl::string_view id);
  absl::StatusOr<ScimReply> (*patch)(ScimCall& call, absl::string_view id);
  absl::StatusOr<ScimReply> (*remove)(ScimCall& call, absl::string_view id);
};
absl::StatusOr<ScimReply> RouteResource(ScimCall& call, const ScimResourceHandlers& handlers);

// One attribute definition of a schema (RFC 7643 section 7).
nlohmann::json ScimAttribute(absl::string_view name, absl::string_view type,
                             absl::string_view mutability, absl::string_view uniqueness = "none",
                             bool multi_valued = false, bool required = false,
                             bool case_exact = false);

// The resources.
absl::StatusOr<ScimReply> ScimUsers(ScimCall& call);
absl::StatusOr<ScimReply> ScimGroups(ScimCall& call);
// The User and Group schemas' attribute definitions (GET /Schemas).
nlohmann::json ScimUserSchemaJson();
nlohmann::json ScimEnterpriseSchemaJson();
nlohmann::json ScimGroupSchemaJson();

// Whether `path` is SCIM's: /scim/v2 and below.
inline bool IsScimPath(absl::string_view path) {
  return path == "/scim/v2" || path.substr(0, 9) == "/scim/v2/";
}
// Handle's SCIM branch: every request to /scim/v2...
WireResponse HandleScim(const WireRequest& request, Engine& engine, const WireOptions& options,
                        const std::string& request_id);
// A SCIM error answer (status, scimType, detail) for the host's own failures.
WireResponse ScimHostError(int status, absl::string_view detail, const std::string& request_id);

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_SCIM_INTERNAL_H_
