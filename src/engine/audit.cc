// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The audit log: each audited operation runs under an AuditScope (the calling
// thread's current operation); Impl::Commit adds its events to the commit
// that carries the change, and a failed operation records one event in a
// commit of its own.
#include "iam/audit.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/json.h"
#include "iam/names.h"
#include "iam/user_id.h"

namespace iam {
namespace {

thread_local const RequestContext* current_context = nullptr;

const RequestContext& EmptyContext() {
  static const RequestContext* empty = new RequestContext();
  return *empty;
}

}  // namespace

ScopedRequestContext::ScopedRequestContext(RequestContext context)
    : context_(std::move(context)), previous_(current_context) {
  current_context = &context_;
}

ScopedRequestContext::~ScopedRequestContext() { current_context = previous_; }

const RequestContext& CurrentRequestContext() {
  return current_context != nullptr ? *current_context : EmptyContext();
}

Engine::Impl::AuditScope::AuditScope(Impl& impl, const Principal* caller, absl::string_view tenant,
                                     absl::string_view action)
    : impl_(impl), caller_(caller), tenant_(tenant), action_(action), previous_(current_) {
  current_ = this;
}

thread_local Engine::Impl::AuditScope* Engine::Impl::AuditScope::current_ = nullptr;

Engine::Impl::AuditScope::~AuditScope() { current_ = previous_; }

Engine::Impl::AuditScope* Engine::Impl::AuditScope::Current() { return current_; }

void Engine::Impl::AuditScope::Also(absl::string_view action, absl::string_view target,
                                    absl::string_view outcome, absl::string_view reason) {
  std::array<std::string, 4> event = {std::string(action), std::string(target),
                                      std::string(outcome), std::string(reason)};
  // A commit retried after a conflict asks again.
  if (std::find(also_.begin(), also_.end(), event) == also_.end()) also_.push_back(event);
}

AuditEvent Engine::Impl::AuditScope::Event(absl::string_view action, absl::string_view target,
                                           absl::string_view outcome,
                                           absl::string_view reason) const {
  AuditEvent e;
  e.time = impl_.clock->Now();
  e.tenant = tenant_;
  e.action = std::string(action);
  e.target = std::string(target);
  e.outcome = std::string(outcome);
  e.reason = std::string(reason);
  // The principal's own context first; a self-service call has none and
  // takes the thread's.
  const RequestContext* where = &CurrentRequestContext();
  if (caller_ != nullptr) {
    e.actor = caller_->id;
    const RequestContext& own = caller_->context;
    if (!own.source_ip.empty() || !own.request_id.empty() || !own.user_agent.empty()) {
      where = &own;
    }
  } else {
    e.actor = actor_;
  }
  e.request_id = where->request_id;
  e.source = where->source_ip;
  e.user_agent = where->user_agent;
  return e;
}

void Engine::Impl::AuditScope::AddTo(WriteSet* w) const {
  if (recorded_) return;
  if (per_new_user_ || (target_.empty() && !w->new_users.empty())) {
    for (const UserRecord& r : w->new_users) {
      w->audit.push_back(Event(action_, r.user.id, outcome_, reason_));
    }
  } else {
    std::string target = target_;
    if (target.empty() && !w->updated_users.empty()) target = w->updated_users[0].record.user.id;
    if (target.empty() && !w->deleted_user_ids.empty()) target = w->deleted_user_ids[0];
    w->audit.push_back(Event(action_, target, outcome_, reason_));
  }
  AddFurther(w);
}

void Engine::Impl::AuditScope::AddFurther(WriteSet* w) const {
  for (const auto& [action, target, outcome, reason] : also_) {
    w->audit.push_back(Event(action, target, outcome, reason));
  }
  if (impl_.options.audit_to_outbox) impl_.EnqueueEvents(w);
}

std::string Engine::Impl::RequestIdFor(const Principal& caller) const {
  if (!caller.context.request_id.empty()) return caller.context.request_id;
  if (!CurrentRequestContext().request_id.empty()) return CurrentRequestContext().request_id;
  return NewRequestId(random);
}

absl::Status Engine::Impl::Commit(WriteSet w) {
  AuditScope* scope = auditing ? AuditScope::Current() : nullptr;
  if (scope != nullptr) scope->AddTo(&w);
  IAM_RETURN_IF_ERROR(store->Commit(w));
  if (scope != nullptr) scope->MarkRecorded();
  return absl::OkStatus();
}

void Engine::Impl::AuditScope::CommitAlone(std::vector<AuditEvent> events) {
  if (recorded_ || !impl_.auditing || !impl_.init.ok()) return;
  // An ill-formed tenant id is the rejected value itself: nothing to file it under.
  if (!ValidateTenantId(tenant_).ok()) return;
  WriteSet w;
  w.now = impl_.clock->Now();
  w.audit = std::move(events);
  AddFurther(&w);
  // Best effort: the caller learns of the operation's own outcome, not of this.
  if (impl_.store->Commit(w).ok()) recorded_ = true;
}

void Engine::Impl::AuditScope::Failed(const absl::Status& error) {
  const bool denied = absl::IsPermissionDenied(error) || absl::IsUnauthenticated(error);
  CommitAlone({Event(action_, target_, denied ? "denied" : "failure", ErrorReason(error))});
}

void Engine::Impl::AuditScope::Finish() {
  if (must_record_ || outcome_ != "success") {
    CommitAlone({Event(action_, target_, outcome_, reason_)});
  }
}

absl::StatusOr<AuditPage> Engine::ListAuditEvents(const Principal& caller, AuditQuery query) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:ListAuditEvents", query.tenant, query.target));
  if (query.page_size < 1 || query.page_size > 1000) {
    return internal::Invalid("page_size", "page_size.out_of_range", "must be 1 to 1000");
  }
  if (query.since > query.until) {
    return internal::Invalid("since", "since.after_until", "must not be after `until`");
  }
  return I.store->ListAuditEvents(query);
}

absl::StatusOr<int64_t> Engine::PruneAuditEvents(absl::Duration retention) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  if (retention < absl::ZeroDuration()) {
    return internal::Invalid("retention", "retention.negative", "must not be negative");
  }
  return I.store->PruneAuditEvents(I.clock->Now() - retention);
}

}  // namespace iam
