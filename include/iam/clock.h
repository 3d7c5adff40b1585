// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Clock is the injectable source of time, so tests control expiry, lockout
// windows and backoff.
//
//   iam::FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
//   clock.Advance(absl::Hours(25));  // a 24 h token has now expired
//
// Thread-safety: implementations are safe to call from many threads.
#ifndef IAM_CLOCK_H_
#define IAM_CLOCK_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "iam/export.h"

namespace iam {

class IAM_EXPORT Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

// The real time. Never null; not owned.
IAM_EXPORT Clock* SystemClock();

// A clock that moves only when told. Thread-safe.
class IAM_EXPORT FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() override { return absl::FromUnixNanos(nanos_.load()); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }
  void Set(absl::Time t) { nanos_ = absl::ToUnixNanos(t); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace iam

#endif  // IAM_CLOCK_H_
