// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The notification outbox: messages are committed with the change that
// causes them (bodies sealed), then delivered at least once through the
// Notifier port, failures rescheduled with exponential backoff.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/json.h"

namespace iam {
namespace {

const char* ChannelName(Channel c) { return c == Channel::kEmail ? "email" : "sms"; }

// What a sealed body is bound to: it cannot be moved to another message.
std::string BodyContext(absl::string_view tenant, absl::string_view user_id,
                        absl::string_view kind) {
  return absl::StrCat(tenant, "/", user_id, "/", kind);
}

// Fills `n` from a sealed body: a JSON document, or (messages written before
// 1.4) the text alone. Audit events are JSON without "text": their body is the
// document itself.
void OpenBody(absl::string_view plain, Notification* n) {
  nlohmann::json doc = nlohmann::json::parse(plain.begin(), plain.end(), nullptr, false);
  if (!doc.is_object() || !doc.contains("text")) {
    n->body = std::string(plain);
    return;
  }
  auto take = [&doc](const char* key, std::string* out) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) *out = std::move(it->get_ref<std::string&>());
  };
  take("text", &n->body);
  take("username", &n->username);
  take("display_name", &n->display_name);
  take("link", &n->link);
  take("password", &n->password);
}

}  // namespace

void Engine::Impl::Enqueue(WriteSet* w, const User& u, Channel channel, absl::string_view kind,
                           const Secret& body, absl::string_view link, absl::string_view password) {
  OutboxMessage m;
  m.tenant = u.tenant;
  m.user_id = u.id;
  m.channel = ChannelName(channel);
  m.recipient =
      channel == Channel::kEmail ? u.email : absl::StrCat("+", u.phone_region, " ", u.phone);
  m.kind = std::string(kind);
  // Sealed as one JSON document: the text and what templates fill in.
  nlohmann::json doc = {{"text", ""},
                        {"username", u.username},
                        {"display_name", u.display_name},
                        {"link", ""},
                        {"password", ""}};
  // Assigned in place, so that every copy of a secret is one wiped below.
  doc["text"].get_ref<std::string&>().assign(body.view().data(), body.view().size());
  doc["link"].get_ref<std::string&>().assign(link.data(), link.size());
  doc["password"].get_ref<std::string&>().assign(password.data(), password.size());
  std::string plain = doc.dump();
  m.sealed_body = sealer->Seal(plain, BodyContext(u.tenant, u.id, kind));
  WipeString(plain);
  for (const char* secret : {"text", "link", "password"})
    WipeString(doc[secret].get_ref<std::string&>());
  m.next_attempt_at = w->now;
  w->outbox.push_back(std::move(m));
}

void Engine::Impl::EnqueueEvents(WriteSet* w) {
  for (const AuditEvent& e : w->audit) {
    OutboxMessage m;
    m.tenant = e.tenant;
    m.user_id = e.target;
    m.channel = "webhook";
    m.kind = "audit_event";
    m.sealed_body = sealer->Seal(ToJson(e).dump(), BodyContext(m.tenant, m.user_id, m.kind));
    m.next_attempt_at = w->now;
    w->outbox.push_back(std::move(m));
  }
}

void Engine::Impl::DispatchAfterCommit() {
  if (dispatcher.joinable()) {
    std::lock_guard<std::mutex> lock(wake_mu);
    woken = true;
    wake.notify_one();
  } else if (options.dispatch_after_commit) {
    Dispatch().IgnoreError();
  }
}

void Engine::Impl::DispatchLoop() {
  absl::Time pruned = absl::InfinitePast();
  std::unique_lock<std::mutex> lock(wake_mu);
  while (!stopping) {
    wake.wait_for(lock, absl::ToChronoMilliseconds(options.dispatch_interval),
                  [this] { return stopping || woken; });
    if (stopping) break;
    woken = false;
    lock.unlock();
    Dispatch().IgnoreError();  // a store error is retried on the next pass
    // Retention, hourly; a failure is retried on the next pass.
    const absl::Time now = clock->Now();
    if (auditing && options.audit_retention > absl::ZeroDuration() &&
        now - pruned >= absl::Hours(1) &&
        store->PruneAuditEvents(now - options.audit_retention).ok()) {
      pruned = now;
    }
    lock.lock();
  }
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
    Notification n{m.id, m.tenant, m.user_id, m.channel, m.recipient, m.kind, "", "", "", "", ""};
    OpenBody(body->view(), &n);
    status = notifier->Send(n);
    for (std::string* secret : {&n.body, &n.link, &n.password}) WipeString(*secret);
  }
  if (status.ok()) {
    IAM_RETURN_IF_ERROR(store->CompleteOutbox(m.id));
    return true;
  }
  const int attempts = m.attempts + 1;
  absl::Time next = absl::InfiniteFuture();  // dead
  if (options.outbox_max_attempts <= 0 || attempts < options.outbox_max_attempts) {
    absl::Duration backoff = options.outbox_backoff_initial;
    for (int i = 1; i < attempts && backoff < options.outbox_backoff_max; ++i) backoff *= 2;
    backoff = std::min(backoff, options.outbox_backoff_max);
    const double jitter = std::clamp(options.outbox_backoff_jitter, 0.0, 1.0);
    if (jitter > 0) {
      uint64_t bits = 0;
      random->Fill(reinterpret_cast<uint8_t*>(&bits), sizeof bits);
      const double unit = static_cast<double>(bits >> 11) / static_cast<double>(uint64_t{1} << 53);
      backoff -= backoff * (jitter * unit);
    }
    next = clock->Now() + backoff;
  }
  IAM_RETURN_IF_ERROR(store->RescheduleOutbox(m.id, attempts, next, std::string(status.message())));
  return false;
}

absl::StatusOr<std::vector<OutboxMessage>> Engine::DeadLetters(int limit) {
  IAM_RETURN_IF_ERROR(impl_->init);
  if (limit < 1 || limit > 1000) {
    return internal::Invalid("limit", "limit.out_of_range", "must be 1 to 1000");
  }
  IAM_ASSIGN_OR_RETURN(std::vector<OutboxMessage> dead, impl_->store->DeadOutbox(limit));
  for (OutboxMessage& m : dead) m.sealed_body.clear();
  return dead;
}

absl::Status Engine::RedriveDeadLetter(int64_t id) {
  IAM_RETURN_IF_ERROR(impl_->init);
  IAM_RETURN_IF_ERROR(impl_->store->RedriveOutbox(id, impl_->clock->Now()));
  impl_->DispatchAfterCommit();
  return absl::OkStatus();
}

absl::StatusOr<int> Engine::DispatchOutbox() {
  IAM_RETURN_IF_ERROR(impl_->init);
  return impl_->Dispatch();
}

}  // namespace iam
