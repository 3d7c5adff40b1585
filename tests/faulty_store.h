// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A Store that forwards to another and fails commits on cue: the fault a
// database gives (busy, disk full, I/O error, a lost connection), either before
// the commit applies or after it applied (the acknowledgement lost on the way
// back). Reads always pass through. Thread-compatible (tests drive it from one
// thread).
#ifndef IAM_TESTS_FAULTY_STORE_H_
#define IAM_TESTS_FAULTY_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "iam/error.h"
#include "iam/store.h"

namespace iam::testing {

enum class FaultStep { kBeforeApply, kAfterApply };

struct StoreFault {
  const char* name;
  absl::StatusCode code;
  const char* reason;
};

// The faults a real database answers with, as the stores map them.
inline const StoreFault kStoreFaults[] = {
    {"busy", absl::StatusCode::kUnavailable, "store.busy"},
    {"disk_full", absl::StatusCode::kResourceExhausted, "store.full"},
    {"io_error", absl::StatusCode::kUnavailable, "store.unavailable"},
    {"connection_lost", absl::StatusCode::kUnavailable, "store.connection_lost"},
};

class FaultyStore : public Store {
 public:
  explicit FaultyStore(Store* inner) : inner_(inner) {}

  // The next `count` commits fail with `fault` at `step`; later ones pass.
  void FailCommits(const StoreFault& fault, FaultStep step, int count = 1) {
    fault_ = fault;
    step_ = step;
    failures_left_ = count;
  }
  // Every commit from the `healthy`-th on fails before applying.
  void FailAfter(int healthy, const StoreFault& fault) {
    healthy_left_ = healthy;
    fault_ = fault;
    step_ = FaultStep::kBeforeApply;
    failures_left_ = -1;
  }
  int commits_applied() const { return applied_; }

  absl::Status Commit(const WriteSet& w) override {
    if (healthy_left_ > 0) {
      --healthy_left_;
    } else if (failures_left_ != 0) {
      if (failures_left_ > 0) --failures_left_;
      if (step_ == FaultStep::kAfterApply) {
        absl::Status applied = inner_->Commit(w);
        if (!applied.ok()) return applied;
        ++applied_;
      }
      return MakeError(fault_.code, "", fault_.reason,
                       std::string("store: ") + fault_.name + " (injected)");
    }
    absl::Status s = inner_->Commit(w);
    if (s.ok()) ++applied_;
    return s;
  }
  absl::StatusOr<UserRecord> FindUser(absl::string_view t, UserKey k,
                                      absl::string_view v) override {
    return inner_->FindUser(t, k, v);
  }
  absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& q) override {
    return inner_->ListUsers(q);
  }
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(absl::string_view t,
                                                                   absl::string_view c) override {
    return inner_->FindIdempotency(t, c);
  }
  absl::Status CreateEntry(const DirectoryEntry& e) override { return inner_->CreateEntry(e); }
  absl::StatusOr<DirectoryEntry> FindEntry(EntryKind k, absl::string_view t,
                                           absl::string_view n) override {
    return inner_->FindEntry(k, t, n);
  }
  absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(EntryKind k, absl::string_view t,
                                                          absl::string_view w) override {
    return inner_->ListEntries(k, t, w);
  }
  absl::Status UpdateEntry(const DirectoryEntry& e, int64_t v) override {
    return inner_->UpdateEntry(e, v);
  }
  absl::Status DeleteEntry(EntryKind k, absl::string_view t, absl::string_view id) override {
    return inner_->DeleteEntry(k, t, id);
  }
  absl::StatusOr<AccessKeyRecord> FindAccessKey(absl::string_view id) override {
    return inner_->FindAccessKey(id);
  }
  absl::StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys(absl::string_view t,
                                                              absl::string_view u) override {
    return inner_->ListAccessKeys(t, u);
  }
  absl::StatusOr<TokenRecord> FindToken(absl::string_view h) override {
    return inner_->FindToken(h);
  }
  absl::Status RegisterTenant(absl::string_view t) override { return inner_->RegisterTenant(t); }
  absl::StatusOr<bool> TenantExists(absl::string_view t) override {
    return inner_->TenantExists(t);
  }
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(absl::Time now, int limit) override {
    return inner_->DueOutbox(now, limit);
  }
  absl::StatusOr<std::vector<OutboxMessage>> ClaimOutbox(absl::Time now, int limit,
                                                         absl::Time lease_until) override {
    return inner_->ClaimOutbox(now, limit, lease_until);
  }
  absl::Status CompleteOutbox(int64_t id) override { return inner_->CompleteOutbox(id); }
  absl::Status RescheduleOutbox(int64_t id, int a, absl::Time n, absl::string_view e) override {
    return inner_->RescheduleOutbox(id, a, n, e);
  }
  absl::StatusOr<int64_t> PendingOutbox() override { return inner_->PendingOutbox(); }

 private:
  Store* inner_;
  StoreFault fault_{"none", absl::StatusCode::kOk, ""};
  FaultStep step_ = FaultStep::kBeforeApply;
  int failures_left_ = 0;
  int healthy_left_ = 0;
  int applied_ = 0;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_FAULTY_STORE_H_
