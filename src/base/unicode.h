// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Internal UTF-8 and Unicode helpers over utf8proc.
#ifndef IAM_SRC_BASE_UNICODE_H_
#define IAM_SRC_BASE_UNICODE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::internal {

// Number of code points of valid UTF-8 without NUL, or -1 when `s` is invalid
// (bad sequence, overlong form, surrogate, > U+10FFFF, or an embedded NUL).
// ASCII runs are counted eight bytes at a time.
ptrdiff_t CountCodePoints(absl::string_view s);

// Decodes the code point at s[*pos], advancing *pos; -1 when invalid.
int32_t DecodeUtf8(absl::string_view s, size_t* pos);

// Code points that must not appear in a name: controls (Cc), format (Cf, e.g.
// U+200B ZERO WIDTH SPACE), private use, surrogates, unassigned, line and
// paragraph separators.
bool IsInvisibleOrControl(int32_t cp);

// Any Unicode whitespace (Zs plus ASCII controls that are whitespace).
bool IsSpace(int32_t cp);

// NFKC. InvalidArgument on invalid UTF-8.
absl::StatusOr<std::string> Nfkc(absl::string_view s);
// NFKC with Unicode case folding (the canonical form of Unicode usernames).
absl::StatusOr<std::string> NfkcCaseFold(absl::string_view s);

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace iam::internal

#endif  // IAM_SRC_BASE_UNICODE_H_
