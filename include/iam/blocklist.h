// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Blocklist is a set of common or compromised passwords, matched
// case-insensitively (ASCII case) in O(1). Entries live in one arena; the hash
// set holds views into it, so memory is about the text plus one slot per entry
// (see memory_bytes()).
//
//   auto list = iam::Blocklist::LoadFile("/usr/share/john/password.lst");
//   if (list.ok() && (*list)->Contains("Password1")) { ... }
//
// Thread-safety: immutable after construction; Contains() is safe from many
// threads. Share one instance through std::shared_ptr<const Blocklist>.
#ifndef IAM_BLOCKLIST_H_
#define IAM_BLOCKLIST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"

namespace iam {

class IAM_EXPORT Blocklist {
 public:
  // Builds from entries, read as LoadFile reads lines: empty entries and
  // "#!comment:" ones are skipped, a trailing CR dropped, duplicates folded.
  static std::shared_ptr<const Blocklist> FromEntries(const std::vector<std::string>& entries);
  // Loads one entry per line (LF or CRLF). Lines starting with "#!comment:" (john's
  // format) are skipped. NotFound if the file cannot be opened.
  static absl::StatusOr<std::shared_ptr<const Blocklist>> LoadFile(const std::string& path);

  ~Blocklist();
  Blocklist(const Blocklist&) = delete;
  Blocklist& operator=(const Blocklist&) = delete;

  bool Contains(absl::string_view password) const;
  size_t size() const;
  // Bytes held: the arena plus the hash table's slots and control bytes.
  size_t memory_bytes() const;

 private:
  Blocklist();
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace iam

#endif  // IAM_BLOCKLIST_H_
