// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The audit log: one AuditEvent per operation on a user (create, update,
// login, password change, access key, policy, denied call), appended in the
// same commit as the change; a failure is recorded in a commit of its own. An
// event never holds a secret or a rejected value: only names, ids, the action,
// the outcome and the reason code.
//
// The wire layer says where a call comes from in Principal::context, and for
// calls without a principal (logins, redeemed links) with a
// ScopedRequestContext; the engine copies it into the events it records:
//
//   iam::RequestContext where;  where.source_ip = "203.0.113.9";
//   where.request_id = "req-7f3a";  where.user_agent = "curl/8.1";
//   iam::ScopedRequestContext scope(where);
//   engine.CreateUser(request);             // its events carry the context
//
//   iam::AuditQuery q;  q.tenant = "t1";  q.target = user_id;
//   absl::StatusOr<iam::AuditPage> page = engine.ListAuditEvents(q);
//
// Thread-safety: a ScopedRequestContext is the calling thread's own.
#ifndef IAM_AUDIT_H_
#define IAM_AUDIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/policy.h"  // RequestContext

namespace iam {

struct AuditEvent {
  int64_t id = 0;  // assigned by the store; increasing in commit order per store
  absl::Time time = absl::InfinitePast();
  std::string tenant;
  std::string actor;    // the calling principal's id; "" = the operator (local tools)
  std::string action;   // "user.create", "user.login", "access_key.delete", ...
  std::string target;   // the user id (or the key / entry id the action is on)
  std::string outcome;  // "success" or "failure"
  std::string reason;   // on failure: the error's reason code ("password.mismatch")
  std::string request_id;
  std::string source;  // the caller's address
  std::string user_agent;
};

// Newest first. Every filter is optional except the tenant.
struct AuditQuery {
  std::string tenant;
  std::string target;                         // "" = any
  std::string action;                         // "" = any
  absl::Time since = absl::InfinitePast();    // inclusive
  absl::Time until = absl::InfiniteFuture();  // exclusive
  int page_size = 100;                        // 1..1000
  std::string page_token;                     // opaque; "" = first page
};

struct AuditPage {
  std::vector<AuditEvent> events;
  std::string next_page_token;  // "" = last page
};

// Installs `context` for the calling thread until destroyed (restoring the
// previous one). Not copyable; nest freely.
class IAM_EXPORT ScopedRequestContext {
 public:
  explicit ScopedRequestContext(RequestContext context);
  ~ScopedRequestContext();
  ScopedRequestContext(const ScopedRequestContext&) = delete;
  ScopedRequestContext& operator=(const ScopedRequestContext&) = delete;

 private:
  RequestContext context_;
  const RequestContext* previous_;
};

// The calling thread's context; empty fields when none is installed.
IAM_EXPORT const RequestContext& CurrentRequestContext();

}  // namespace iam

#endif  // IAM_AUDIT_H_
