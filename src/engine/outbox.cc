// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The notification outbox: messages are committed with the change that
// causes them (bodies sealed), then delivered at least once through the
// Notifier port, failures rescheduled with exponential backoff.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"

namespace iam {
namespace {

const char* ChannelName(Channel c) { return c == Channel::kEmail ? "email" : "sms"; }

// What a sealed body is bound to: it cannot be moved to another message.
std::string BodyContext(absl::string_view tenant, absl::string_view user_id,
                        absl::string_view kind) {
  return absl::StrCat(tenant, "/", user_id, "/", kind);
}

}  // namespace

void Engine::Impl::Enqueue(WriteSet* w, const User& u, Channel channel, absl::string_view kind,
                           const Secret& body) {
  OutboxMessage m;
  m.tenant = u.tenant;
  m.user_id = u.id;
  m.channel = ChannelName(channel);
  m.recipient =
      channel == Channel::kEmail ? u.email : absl::StrCat("+", u.phone_region, " ", u.phone);
  m.kind = std::string(kind);
  m.sealed_body = sealer->Seal(body.view(), BodyContext(u.tenant, u.id, kind));
  m.next_attempt_at = w->now;
  w->outbox.push_back(std::move(m));
}

void Engine::Impl::DispatchAfterCommit() {
  if (options.dispatch_after_commit) Dispatch().IgnoreError();
}

// One dispatcher per engine at a time: a caller that finds another one
// running records a request and returns, and the running one, which re-checks
// the request after releasing its lock, makes another pass, so a message
// committed meanwhile is never left behind.
absl::StatusOr<int> Engine::Impl::Dispatch() {
  if (notifier == nullptr) return 0;
  constexpr int kBatch = 100;
  // Longer than any Notifier::Send may take: a send that outlives its lease
  // may be repeated by another dispatcher.
  constexpr absl::Duration kOutboxLease = absl::Minutes(2);
  dispatch_requested.store(true);
  int sent = 0;
  while (dispatch_requested.load()) {
    std::unique_lock<std::mutex> dispatching(dispatch_mu, std::try_to_lock);
    if (!dispatching.owns_lock()) return sent;
    dispatch_requested.store(false);
    // Leased, so a dispatcher in another engine or process skips them.
    const absl::Time now = clock->Now();
    absl::StatusOr<std::vector<OutboxMessage>> due =
        store->ClaimOutbox(now, kBatch, now + kOutboxLease);
    if (!due.ok()) return due.status();
    for (const OutboxMessage& m : *due) {
      absl::StatusOr<bool> delivered = Deliver(m);
      if (!delivered.ok()) return delivered.status();
      sent += *delivered;
    }
    if (static_cast<int>(due->size()) == kBatch) dispatch_requested.store(true);
  }
  return sent;
}

absl::StatusOr<bool> Engine::Impl::Deliver(const OutboxMessage& m) {
  absl::StatusOr<Secret> body =
      sealer->Open(m.sealed_body, BodyContext(m.tenant, m.user_id, m.kind));
  absl::Status status = body.status();
  if (body.ok()) {
    Notification n{m.id, m.tenant, m.user_id, m.channel, m.recipient, m.kind, body->Reveal()};
    status = notifier->Send(n);
    WipeString(n.body);
  }
  if (status.ok()) {
    IAM_RETURN_IF_ERROR(store->CompleteOutbox(m.id));
    return true;
  }
  const int attempts = m.attempts + 1;
  absl::Duration backoff = options.outbox_backoff_initial;
  for (int i = 1; i < attempts && backoff < options.outbox_backoff_max; ++i) backoff *= 2;
  backoff = std::min(backoff, options.outbox_backoff_max);
  IAM_RETURN_IF_ERROR(store->RescheduleOutbox(m.id, attempts, clock->Now() + backoff,
                                              std::string(status.message())));
  return false;
}

absl::StatusOr<int> Engine::DispatchOutbox() {
  IAM_RETURN_IF_ERROR(impl_->init);
  return impl_->Dispatch();
}

}  // namespace iam
