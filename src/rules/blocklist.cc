// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/blocklist.h"

#include <sodium.h>

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "iam/error.h"

namespace iam {

struct Blocklist::Rep {
  std::string arena;  // lower-cased entries; the set's views point into it
  absl::flat_hash_set<absl::string_view> set;
  size_t longest = 0;

  // Indexes every line of `arena` (already lower-cased).
  void Index() {
    size_t start = 0;
    while (start < arena.size()) {
      size_t end = arena.find('\n', start);
      if (end == std::string::npos) end = arena.size();
      absl::string_view line(arena.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && line.substr(0, 10) != "#!comment:") {
        set.insert(line);
        longest = std::max(longest, line.size());
      }
      start = end + 1;
    }
  }
};

Blocklist::Blocklist() : rep_(std::make_unique<Rep>()) {}
Blocklist::~Blocklist() = default;

std::shared_ptr<const Blocklist> Blocklist::FromEntries(const std::vector<std::string>& entries) {
  std::shared_ptr<Blocklist> list(new Blocklist());
  size_t total = 0;
  for (const std::string& e : entries) total += e.size() + 1;
  list->rep_->arena.reserve(total);
  for (const std::string& e : entries) {
    list->rep_->arena.append(e);
    list->rep_->arena.push_back('\n');
  }
  absl::AsciiStrToLower(&list->rep_->arena);
  list->rep_->set.reserve(entries.size());
  list->rep_->Index();
  return list;
}

absl::StatusOr<std::shared_ptr<const Blocklist>> Blocklist::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(absl::StatusCode::kNotFound, "blocklist", "blocklist.not_found",
                     "blocklist: cannot open " + path);
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::shared_ptr<Blocklist> list(new Blocklist());
  list->rep_->arena = std::move(content).str();
  absl::AsciiStrToLower(&list->rep_->arena);
  list->rep_->Index();
  return std::shared_ptr<const Blocklist>(std::move(list));
}

bool Blocklist::Contains(absl::string_view password) const {
  if (password.size() > rep_->longest) return false;
  char stack[512];
  std::string heap;  // for entries longer than the stack buffer
  char* lowered = stack;
  if (password.size() > sizeof stack) {
    heap.resize(password.size());
    lowered = heap.data();
  }
  for (size_t i = 0; i < password.size(); ++i) {
    const char c = password[i];
    lowered[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  const bool found = rep_->set.contains(absl::string_view(lowered, password.size()));
  sodium_memzero(lowered, password.size());  // a copy of a password
  return found;
}

size_t Blocklist::size() const { return rep_->set.size(); }

size_t Blocklist::memory_bytes() const {
  return rep_->arena.capacity() + rep_->set.capacity() * (sizeof(absl::string_view) + 1);
}

}  // namespace iam
