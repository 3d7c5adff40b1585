// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Secret holds a password, access key secret or token in memory that is wiped
// (sodium_memzero) when the Secret is destroyed or reassigned. It is move-only
// so a secret is not copied by accident; take a copy explicitly with Reveal().
//
//   iam::Secret pw(std::string("Summer-Breeze7"));   // the argument is wiped
//   hasher.Hash(pw.view());                          // borrow it
//   pw.Clear();                                      // wiped now, not later
// WARNING: a Secret never appears in logs or error messages; hand it to the
// caller once and let it go.
#ifndef IAM_SECRET_H_
#define IAM_SECRET_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "iam/export.h"

namespace iam {

class IAM_EXPORT Secret {
 public:
  Secret() = default;
  // Takes `value` and wipes the argument's buffer.
  explicit Secret(std::string&& value);
  explicit Secret(absl::string_view value);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  absl::string_view view() const { return value_; }
  const char* data() const { return value_.data(); }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }
  // An explicit plain copy, for handing the secret over once.
  std::string Reveal() const { return value_; }
  // Wipes and empties.
  void Clear();

 private:
  std::string value_;
};

// Wipes the buffer of `s` (its whole capacity) and clears it.
IAM_EXPORT void WipeString(std::string& s);

}  // namespace iam

#endif  // IAM_SECRET_H_
