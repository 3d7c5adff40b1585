// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Deterministic benchmark inputs, generated at run time (no downloads): a
// username corpus, a password corpus with per-password context, and a large
// blocklist. The same seed gives the same bytes on every machine; nothing here
// uses std::*_distribution, whose output is implementation-defined.
//
// Shared by every benchmark program in bench/ (validation_bench, and the
// engine benchmark).
#ifndef IAM_BENCH_CORPUS_H_
#define IAM_BENCH_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace iam_bench {

// SplitMix64: tiny, fast, fully specified.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n); n > 0. (Modulo bias is irrelevant for test data.)
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Uniform in [lo, hi], inclusive.
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<size_t>(hi - lo + 1)));
  }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t state_;
};

// Username kinds (the huawei rule: 5-32 of [A-Za-z0-9_.-], no leading digit).
inline constexpr const char* kUsernameValid = "valid";
inline constexpr const char* kUsernameEmpty = "empty";
inline constexpr const char* kUsernameTooShort = "too_short";
inline constexpr const char* kUsernameTooLong = "too_long";
inline constexpr const char* kUsernameLeadingDigit = "leading_digit";
inline constexpr const char* kUsernameBadCharacter = "invalid_character";

struct UsernameCase {
  std::string name;
  const char* kind;  // one of kUsername*
  bool valid() const { return kind == kUsernameValid; }
};

// `count` usernames (at least 1,000 recommended): about half valid (5-32
// characters, boundary lengths included), the rest spread over every invalid
// kind. Shuffled deterministically.
std::vector<UsernameCase> UsernameCorpus(size_t count = 1000, uint64_t seed = 0x1a3c0de);

// Password kinds, named after the first violation iamcore reports for them
// under the huawei policy with max_repeat = 3 and the blocklist below.
inline constexpr const char* kPasswordValid = "valid";
inline constexpr const char* kPasswordTooShort = "password.too_short";
inline constexpr const char* kPasswordTooLong = "password.too_long";
inline constexpr const char* kPasswordBadCharacter = "password.invalid_character";
inline constexpr const char* kPasswordOneClass = "password.too_few_classes";
inline constexpr const char* kPasswordEqualsUsername = "password.equals_username";
inline constexpr const char* kPasswordReversedUsername = "password.reversed_username";
inline constexpr const char* kPasswordContainsEmail = "password.contains_email";
inline constexpr const char* kPasswordContainsPhone = "password.contains_phone";
inline constexpr const char* kPasswordRepeats = "password.too_many_repeats";
inline constexpr const char* kPasswordBlocklisted = "password.blocklisted";

struct PasswordCase {
  std::string password;
  // The context of a CreateUser call: who the password is for.
  std::string username;
  std::string email;
  std::string phone;  // national number, 11 digits
  const char* kind;   // one of kPassword*
  bool valid() const { return kind == kPasswordValid; }
};

// `count` passwords (at least 1,000 recommended): about 40% valid, the rest
// spread over every invalid kind. Blocklisted cases are drawn from `blocklist`
// (entries that pass every other rule), with random case changes.
std::vector<PasswordCase> PasswordCorpus(const std::vector<std::string>& blocklist,
                                         size_t count = 1000, uint64_t seed = 0x9a55);

// A blocklist of exactly `count` distinct entries (distinct ignoring ASCII
// case), all lower case: the words of `wordlist` (john's password.lst format,
// "#!comment:" lines skipped) if that file can be read, else generated
// pseudo-words, followed by deterministic variants (digit and symbol suffixes,
// years, leetspeak, reversals, doublings) until `count` is reached.
// `*source` (if not null) describes what was used.
std::vector<std::string> BlocklistEntries(
    size_t count = 100000, const std::string& wordlist = "/usr/share/john/password.lst",
    std::string* source = nullptr);

// Total bytes of the strings of a corpus, for bytes/s counters.
size_t TotalBytes(const std::vector<UsernameCase>& corpus);
size_t TotalBytes(const std::vector<PasswordCase>& corpus);

}  // namespace iam_bench

#endif  // IAM_BENCH_CORPUS_H_
