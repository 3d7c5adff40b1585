// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Authorizer is the port that decides whether a caller may perform an action
// in a tenant, before the engine does anything else. The host plugs in its
// policy engine; AllowAllAuthorizer allows everything and says so by name.
//
//   class TenantAdmins final : public iam::Authorizer {
//     absl::Status Authorize(const iam::Principal& caller, absl::string_view action,
//                            absl::string_view tenant) override {
//       return caller.tenant == tenant ? absl::OkStatus()
//                                      : absl::PermissionDeniedError("not this tenant");
//     }
//   };
//
// Thread-safety: Authorize may be called from many threads.
#ifndef IAM_AUTHORIZER_H_
#define IAM_AUTHORIZER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/policy.h"

namespace iam {

// Who is calling: the host's authenticated principal.
struct Principal {
  std::string id;  // the calling user's id ("" = anonymous)
  std::string tenant;
  RequestContext context = {};  // what the host knows of the request (conditions)
};

class IAM_EXPORT Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK to proceed, or kPermissionDenied. `action` is e.g. "iam:CreateUser".
  virtual absl::Status Authorize(const Principal& caller, absl::string_view action,
                                 absl::string_view tenant) = 0;
  // What the engine calls: `target` is what the action is on (a user's id or
  // username, an access key id, an entry's id or name), "" for the tenant
  // itself (create, list). The default ignores it and calls Authorize;
  // override it to decide per resource.
  virtual absl::Status AuthorizeTarget(const Principal& caller, absl::string_view action,
                                       absl::string_view tenant, absl::string_view target) {
    (void)target;
    return Authorize(caller, action, tenant);
  }
};

// Allows every call. Never null; not owned.
IAM_EXPORT Authorizer* AllowAllAuthorizer();

class Store;

// Permission policies (iam/policy.h), what `iamctl serve` runs: a caller is
// an enabled user of the tenant acted on, its effective policies are those
// attached to it and to its groups (the profile's system policies and the
// tenant's own, compiled once per version and cached), and the decision is
// Evaluate's over the target rendered as the profile's resource name (an
// access key's resource is its user's). Explicit Deny wins, then Allow;
// beyond that every user may read itself and list its own keys. A caller's
// rights never reach another tenant. The store is borrowed and must outlive
// it; thread-safe.
class IAM_EXPORT PolicyAuthorizer final : public Authorizer {
 public:
  PolicyAuthorizer(Store* store, const Profile& profile);
  ~PolicyAuthorizer() override;
  absl::Status Authorize(const Principal& caller, absl::string_view action,
                         absl::string_view tenant) override;
  absl::Status AuthorizeTarget(const Principal& caller, absl::string_view action,
                               absl::string_view tenant, absl::string_view target) override;

 private:
  // The tenant policy `name` compiled at its stored version: a policy edited
  // since the last call is compiled again (the key is tenant and id, the
  // version checked on every read).
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> TenantPolicy(absl::string_view tenant,
                                                                     absl::string_view name);

  struct Cached {
    int64_t version = 0;
    std::shared_ptr<const CompiledPolicy> compiled;
  };
  static constexpr size_t kMaxCachedPolicies = 4096;  // then the cache starts over

  Store* store_;
  const PolicyCatalog& catalog_;
  const Profile* profile_;
  std::mutex cache_mu_;  // guards cache_
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace iam

#endif  // IAM_AUTHORIZER_H_
