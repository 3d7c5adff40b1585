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

// Default_Ignorable_Code_Point (DerivedCoreProperties): code points that
// render as nothing, such as U+034F COMBINING GRAPHEME JOINER, U+3164 HANGUL
// FILLER and the variation selectors U+FE00..U+FE0F.
bool IsDefaultIgnorable(int32_t cp);

// The writing system of a letter, coarse but enough to tell Latin from the
// look-alike Greek and Cyrillic letters and to allow the mixtures that
// Japanese, Korean and Chinese writing use. kCommon is anything that is not a
// letter (digits, punctuation, marks, symbols); a letter outside the table is
// kOther plus its 256-code-point block, a script of its own.
enum Script : int32_t {
  kCommon = 0,
  kLatin,
  kGreek,
  kCyrillic,
  kArmenian,
  kHebrew,
  kArabic,
  kThai,
  kGeorgian,
  kHangul,
  kHiragana,
  kKatakana,
  kBopomofo,
  kHan,
  kOther = 0x100,
};
int32_t ScriptOf(int32_t cp);

// A letter of any script (general category L*).
bool IsLetter(int32_t cp);

// True when the letters of `s` (valid UTF-8) are of one script, or of one of
// the mixtures UTS #39 calls highly restrictive: Latin with Han, Hiragana and
// Katakana; Latin with Han and Hangul; Latin with Han and Bopomofo.
bool IsSingleScript(absl::string_view s);

// Any Unicode whitespace (Zs plus ASCII controls that are whitespace).
bool IsSpace(int32_t cp);

// NFKC. InvalidArgument on invalid UTF-8.
absl::StatusOr<std::string> Nfkc(absl::string_view s);
// NFKC with Unicode case folding (the canonical form of Unicode usernames).
absl::StatusOr<std::string> NfkcCaseFold(absl::string_view s);

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace iam::internal

#endif  // IAM_SRC_BASE_UNICODE_H_
