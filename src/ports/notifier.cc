// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/notifier.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "iam/error.h"
#include "nlohmann/json.hpp"

namespace iam {

JsonLinesNotifier::JsonLinesNotifier(std::string path) : path_(std::move(path)) {}

absl::Status JsonLinesNotifier::Send(const Notification& n) {
  const std::string line =
      nlohmann::json{{"id", n.id},           {"tenant", n.tenant},       {"user_id", n.user_id},
                     {"channel", n.channel}, {"recipient", n.recipient}, {"kind", n.kind},
                     {"body", n.body}}
          .dump() +
      "\n";
  std::lock_guard<std::mutex> lock(mu_);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(std::string("notifier: cannot open file: ") +
                                  std::strerror(errno));
  }
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n_written = ::write(fd, line.data() + written, line.size() - written);
    if (n_written < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return absl::UnavailableError("notifier: write failed");
    }
    written += static_cast<size_t>(n_written);
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return absl::UnavailableError("notifier: fsync failed");
  return absl::OkStatus();
}

absl::Status CapturingNotifier::Send(const Notification& notification) {
  std::lock_guard<std::mutex> lock(mu_);
  ++attempts_;
  if (fail_next_ > 0) {
    --fail_next_;
    return absl::UnavailableError("capturing notifier: injected failure");
  }
  sent_.push_back(notification);
  return absl::OkStatus();
}

std::vector<Notification> CapturingNotifier::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

void CapturingNotifier::FailNext(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = count;
}

int CapturingNotifier::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

}  // namespace iam
