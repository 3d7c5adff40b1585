// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/secret.h"

#include <sodium.h>

namespace iam {

void WipeString(std::string& s) {
  if (s.capacity() > 0) sodium_memzero(s.data(), s.capacity());
  s.clear();
}

Secret::Secret(std::string&& value) {
  value_.reserve(value.size());
  value_.assign(value.data(), value.size());
  WipeString(value);
}

Secret::Secret(absl::string_view value) : value_(value) {}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.Clear(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Clear();
    value_ = std::move(other.value_);
    other.Clear();
  }
  return *this;
}

Secret::~Secret() { Clear(); }

void Secret::Clear() { WipeString(value_); }

}  // namespace iam
