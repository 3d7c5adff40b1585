// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "base/unicode.h"

#include <sodium.h>
#include <utf8proc.h>

#include <cstring>
#include <vector>

#include "absl/status/status.h"

namespace iam::internal {

int32_t DecodeUtf8(absl::string_view s, size_t* pos) {
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()) + *pos,
                       static_cast<utf8proc_ssize_t>(s.size() - *pos), &cp);
  if (n <= 0) return -1;
  *pos += static_cast<size_t>(n);
  return cp;
}

ptrdiff_t CountCodePoints(absl::string_view s) {
  ptrdiff_t count = 0;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Fast path: eight ASCII bytes, none NUL.
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      const uint64_t high = word & 0x8080808080808080ull;
      const uint64_t zero = (word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull;
      if ((high | zero) == 0) {
        i += 8;
        count += 8;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return -1;
    if (c < 0x80) {
      ++i;
    } else if (DecodeUtf8(s, &i) < 0) {
      return -1;
    }
    ++count;
  }
  return count;
}

bool IsInvisibleOrControl(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return true;
    default:
      return false;
  }
}

bool IsDefaultIgnorable(int32_t cp) {
  return cp >= 0 && cp <= 0x10FFFF && utf8proc_get_property(cp)->ignorable;
}

namespace {

struct ScriptRange {
  int32_t first;
  int32_t last;
  Script script;
};

// Letters only (ScriptOf checks the category first); sorted by `first`.
constexpr ScriptRange kScripts[] = {
    {0x0041, 0x024F, kLatin},    {0x0250, 0x02AF, kLatin},    {0x0370, 0x03FF, kGreek},
    {0x0400, 0x052F, kCyrillic}, {0x0530, 0x058F, kArmenian}, {0x0590, 0x05FF, kHebrew},
    {0x0600, 0x06FF, kArabic},   {0x0750, 0x077F, kArabic},   {0x08A0, 0x08FF, kArabic},
    {0x0E00, 0x0E7F, kThai},     {0x10A0, 0x10FF, kGeorgian}, {0x1100, 0x11FF, kHangul},
    {0x1C80, 0x1C8F, kCyrillic}, {0x1C90, 0x1CBF, kGeorgian}, {0x1D00, 0x1D7F, kLatin},
    {0x1E00, 0x1EFF, kLatin},    {0x1F00, 0x1FFF, kGreek},    {0x2C60, 0x2C7F, kLatin},
    {0x2DE0, 0x2DFF, kCyrillic}, {0x3005, 0x3007, kHan},      {0x303B, 0x303C, kHan},
    {0x3040, 0x309F, kHiragana}, {0x30A0, 0x30FF, kKatakana}, {0x3100, 0x312F, kBopomofo},
    {0x3130, 0x318F, kHangul},   {0x31A0, 0x31BF, kBopomofo}, {0x31F0, 0x31FF, kKatakana},
    {0x3400, 0x4DBF, kHan},      {0x4E00, 0x9FFF, kHan},      {0xA640, 0xA69F, kCyrillic},
    {0xA720, 0xA7FF, kLatin},    {0xAB30, 0xAB6F, kLatin},    {0xAC00, 0xD7AF, kHangul},
    {0xF900, 0xFAFF, kHan},      {0xFB50, 0xFDFF, kArabic},   {0xFE70, 0xFEFF, kArabic},
    {0xFF21, 0xFF3A, kLatin},    {0xFF41, 0xFF5A, kLatin},    {0xFF66, 0xFF9F, kKatakana},
    {0xFFA0, 0xFFDC, kHangul},   {0x20000, 0x3FFFF, kHan},
};

}  // namespace

bool IsLetter(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

int32_t ScriptOf(int32_t cp) {
  if (!IsLetter(cp)) return kCommon;
  for (const ScriptRange& r : kScripts) {
    if (cp < r.first) break;
    if (cp <= r.last) return r.script;
  }
  return kOther + (cp >> 8);
}

bool IsSingleScript(absl::string_view s) {
  // Scripts seen, as a bit set over the named scripts, plus the first kOther.
  uint32_t seen = 0;
  int32_t other = -1;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int32_t cp = c < 0x80 ? (++i, c) : DecodeUtf8(s, &i);
    if (cp < 0) return false;
    const int32_t script = ScriptOf(cp);
    if (script == kCommon) continue;
    if (script >= kOther) {
      if (other != -1 && other != script) return false;
      other = script;
      seen |= 1u << 31;
    } else {
      seen |= 1u << script;
    }
  }
  if ((seen & (seen - 1)) == 0) return true;  // none or one
  const uint32_t latin_han = (1u << kLatin) | (1u << kHan);
  for (uint32_t allowed : {latin_han | (1u << kHiragana) | (1u << kKatakana),
                           latin_han | (1u << kHangul), latin_han | (1u << kBopomofo)}) {
    if ((seen & ~allowed) == 0) return true;
  }
  return false;
}

bool IsSpace(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
         utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

namespace {

// utf8proc_map's steps (decompose, then compose and re-encode in place) in a
// buffer of ours, wiped before it is freed: passwords pass through here, and
// utf8proc_map would free its buffers, the password in them, unwiped.
absl::StatusOr<std::string> Map(absl::string_view s, int options) {
  const auto flags = static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE);
  const auto* in = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const auto size = static_cast<utf8proc_ssize_t>(s.size());
  utf8proc_ssize_t n = utf8proc_decompose(in, size, nullptr, 0, flags);
  if (n < 0) return absl::InvalidArgumentError(utf8proc_errmsg(n));
  // One more code point's room: utf8proc_reencode ends the UTF-8 with a NUL.
  std::vector<utf8proc_int32_t> buffer(static_cast<size_t>(n) + 1);
  n = utf8proc_decompose(in, size, buffer.data(), n, flags);
  if (n >= 0) n = utf8proc_reencode(buffer.data(), n, flags);
  absl::StatusOr<std::string> result =
      n < 0 ? absl::StatusOr<std::string>(absl::InvalidArgumentError(utf8proc_errmsg(n)))
            : std::string(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
  sodium_memzero(buffer.data(), buffer.size() * sizeof(utf8proc_int32_t));
  return result;
}

}  // namespace

absl::StatusOr<std::string> Nfkc(absl::string_view s) {
  return Map(s, UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
}

absl::StatusOr<std::string> NfkcCaseFold(absl::string_view s) {
  // NFKC_Casefold-like: fold, then recompose so NFC and NFD inputs agree.
  return Map(s, UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
}

}  // namespace iam::internal
