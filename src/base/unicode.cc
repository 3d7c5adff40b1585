// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "base/unicode.h"

#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

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

bool IsSpace(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
         utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

namespace {

absl::StatusOr<std::string> Map(absl::string_view s, int options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
      &out, static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
  if (n < 0) {
    std::free(out);
    return absl::InvalidArgumentError(utf8proc_errmsg(n));
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
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
