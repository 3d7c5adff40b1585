// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamcore's validation primitives beside real peers compiled into the same
// binary, on the deterministic corpora of corpus.h:
//
//   username/  iam::IsValidUsername (huawei)    vs RE2::FullMatch, std::regex_match
//   password/  PasswordChecker::IsValid (full)  vs pwquality_check (dict off/on),
//                                                  ZxcvbnMatch
//   blocklist/ Blocklist::Contains              vs cracklib FascistCheck
//   generate/  iam::GeneratePassword (huawei)   vs pwquality_generate (and the
//                                                  floor: one randombytes_buf)
//   hash/      PasswordHasher::Hash (Argon2id)  vs crypto_pwhash_str directly
//   clock/     a dependent-add chain: the effective core clock, for cycles/byte
//
// Each benchmark iteration handles one corpus item (cycling through the
// corpus), so the reported time is per item. Before running, the program
// checks that every implementation agrees with the corpus' labels where they
// implement the same rule, and prints the peers it was built with.
//
// Run with bench/run.sh; see docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>
#include <re2/re2.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <unordered_set>
#include <vector>

#include "corpus.h"
#include "iam/blocklist.h"
#include "iam/password_generator.h"
#include "iam/password_hash.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "iam/username.h"

#ifdef IAM_HAVE_PWQUALITY
#include <pwquality.h>
#endif
#ifdef IAM_HAVE_ZXCVBN
#include <zxcvbn.h>
#endif
#ifdef IAM_HAVE_CRACKLIB
#include <crack.h>
extern "C" {  // packer.h (PWOpen, FindPW) has no C++ guard of its own
#include <packer.h>
}
#endif

#include "iam/iam.h"

namespace {

using iam_bench::PasswordCase;
using iam_bench::UsernameCase;

// The huawei username rule (seed 004) as a regular expression: 5-32 characters
// of [A-Za-z0-9_.-], not starting with a digit.
constexpr char kHuaweiUsernamePattern[] = "[A-Za-z_.-][A-Za-z0-9_.-]{4,31}";
// Entropy asked of pwquality_generate: iamcore's 10 characters drawn from 77
// (62 alphanumerics + 15 generator specials) carry 10 * log2(77) = 62.7 bits.
constexpr int kGenerateEntropyBits = 63;
constexpr int kMaxRepeat = 3;

struct Fixture {
  const iam::Profile* huawei = nullptr;
  std::vector<UsernameCase> usernames;
  std::vector<PasswordCase> passwords;
  std::vector<iam::PasswordContext> contexts;  // views into `passwords`
  std::vector<std::string> blocklist_entries;
  std::string blocklist_source;
  std::shared_ptr<const iam::Blocklist> blocklist;
  // Huawei policy + max_repeat + blocklist: the full check.
  std::shared_ptr<const iam::PasswordChecker> checker;
  // The same without the blocklist.
  std::shared_ptr<const iam::PasswordChecker> checker_no_blocklist;
  std::string cracklib_dict;  // empty: cracklib (or its dictionary) missing
  std::vector<std::string> peers;
  std::vector<std::string> missing;
};

Fixture* g_fixture = nullptr;
const Fixture& F() { return *g_fixture; }

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "validation_bench: %s\n", message.c_str());
  std::exit(1);
}

#ifdef IAM_HAVE_CRACKLIB
bool Readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

// The cracklib dictionary (path without suffix), or "" when it is not installed.
std::string FindCracklibDict() {
  const std::string dict = GetDefaultCracklibDict();
  if (Readable(dict + ".pwd") && Readable(dict + ".pwi") && Readable(dict + ".hwm")) return dict;
  return "";
}
#endif

#ifdef IAM_HAVE_PWQUALITY
// Settings as close to the huawei policy as pwquality allows: minlen 6 (its
// minimum), two classes, maxrepeat, the user-name check; no config file.
pwquality_settings_t* NewPwquality(bool dict_check) {
  pwquality_settings_t* pwq = pwquality_default_settings();
  if (pwq == nullptr) Die("pwquality_default_settings failed");
  pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, 6);
  pwquality_set_int_value(pwq, PWQ_SETTING_MIN_CLASS, 2);
  pwquality_set_int_value(pwq, PWQ_SETTING_MAX_REPEAT, kMaxRepeat);
  pwquality_set_int_value(pwq, PWQ_SETTING_USER_CHECK, 1);
  pwquality_set_int_value(pwq, PWQ_SETTING_GECOS_CHECK, 0);
  pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, dict_check ? 1 : 0);
  return pwq;
}
struct PwqualityDeleter {
  void operator()(pwquality_settings_t* p) const { pwquality_free_settings(p); }
};
using PwqualityPtr = std::unique_ptr<pwquality_settings_t, PwqualityDeleter>;
#endif

void BuildFixture() {
  auto* f = new Fixture();
  f->huawei = iam::FindProfile("huawei");
  if (f->huawei == nullptr) Die("no huawei profile");
  f->usernames = iam_bench::UsernameCorpus(1000);
  f->blocklist_entries =
      iam_bench::BlocklistEntries(100000, "/usr/share/john/password.lst", &f->blocklist_source);
  f->blocklist = iam::Blocklist::FromEntries(f->blocklist_entries);
  f->passwords = iam_bench::PasswordCorpus(f->blocklist_entries, 1000);
  for (const PasswordCase& c : f->passwords) f->contexts.push_back({c.username, c.email, c.phone});

  iam::PasswordPolicy policy = f->huawei->password;
  policy.max_repeat = kMaxRepeat;
  auto no_blocklist = iam::PasswordChecker::Create(policy);
  if (!no_blocklist.ok()) Die(no_blocklist.status().ToString());
  f->checker_no_blocklist = *no_blocklist;
  policy.blocklist = f->blocklist;
  auto full = iam::PasswordChecker::Create(policy);
  if (!full.ok()) Die(full.status().ToString());
  f->checker = *full;

  f->peers = {"re2", "std::regex", "libsodium " + std::string(sodium_version_string())};
#ifdef IAM_HAVE_PWQUALITY
  f->peers.push_back("libpwquality");
#else
  f->missing.push_back("libpwquality (not found at configure time)");
#endif
#ifdef IAM_HAVE_ZXCVBN
  f->peers.push_back("zxcvbn-c");
#else
  f->missing.push_back("zxcvbn-c (not found at configure time)");
#endif
#ifdef IAM_HAVE_CRACKLIB
  f->cracklib_dict = FindCracklibDict();
  if (!f->cracklib_dict.empty()) {
    f->peers.push_back("cracklib (" + f->cracklib_dict + ")");
  } else {
    f->missing.push_back(std::string("cracklib dictionary (") + GetDefaultCracklibDict() +
                         ".pwd missing; install cracklib-runtime)");
  }
#else
  f->missing.push_back("cracklib (not found at configure time)");
#endif
  g_fixture = f;
}

// Every implementation of the same rule must agree with the corpus' labels;
// otherwise the comparison would be meaningless.
void VerifyFixture() {
  const Fixture& f = F();
  const re2::RE2 re2(kHuaweiUsernamePattern);
  const std::regex std_re(kHuaweiUsernamePattern);
  std::map<std::string, int> username_kinds;
  for (const UsernameCase& c : f.usernames) {
    ++username_kinds[c.kind];
    const bool iam = iam::IsValidUsername(*f.huawei, c.name);
    const bool r2 = re2::RE2::FullMatch(re2::StringPiece(c.name.data(), c.name.size()), re2);
    const bool sr = std::regex_match(c.name.data(), c.name.data() + c.name.size(), std_re);
    if (iam != c.valid() || r2 != c.valid() || sr != c.valid()) {
      Die("username disagreement on \"" + c.name + "\" (" + c.kind + "): iamcore=" +
          std::to_string(iam) + " re2=" + std::to_string(r2) + " std::regex=" + std::to_string(sr));
    }
  }
  std::map<std::string, int> password_kinds;
  for (size_t i = 0; i < f.passwords.size(); ++i) {
    const PasswordCase& c = f.passwords[i];
    ++password_kinds[c.kind];
    const iam::Violations v = f.checker->Check(c.password, f.contexts[i]);
    const std::string first = v.empty() ? iam_bench::kPasswordValid : v.front().reason;
    if (first != c.kind || f.checker->IsValid(c.password, f.contexts[i]) != v.empty()) {
      Die("password \"" + c.password + "\" labelled " + c.kind + " but iamcore reports " + first);
    }
  }
  std::fprintf(stderr, "corpus: %zu usernames (", f.usernames.size());
  for (const auto& [kind, n] : username_kinds) std::fprintf(stderr, " %s=%d", kind.c_str(), n);
  std::fprintf(stderr, " ), %.1f bytes on average\n",
               static_cast<double>(iam_bench::TotalBytes(f.usernames)) / f.usernames.size());
  std::fprintf(stderr, "corpus: %zu passwords (", f.passwords.size());
  for (const auto& [kind, n] : password_kinds) std::fprintf(stderr, " %s=%d", kind.c_str(), n);
  std::fprintf(stderr, " ), %.1f bytes on average\n",
               static_cast<double>(iam_bench::TotalBytes(f.passwords)) / f.passwords.size());
  std::fprintf(stderr, "blocklist: %zu entries from %s, %zu bytes resident (%.1f bytes/entry)\n",
               f.blocklist->size(), f.blocklist_source.c_str(), f.blocklist->memory_bytes(),
               static_cast<double>(f.blocklist->memory_bytes()) / f.blocklist->size());
  std::fprintf(stderr,
               "labels agree: iamcore, RE2 and std::regex on every username; iamcore's "
               "first violation on every password\n");
}

// How many corpus passwords each peer accepts (they implement other rules, so
// this is information, not a check).
void ReportPeerVerdicts() {
  const Fixture& f = F();
  auto report = [&](const char* name, auto accepts) {
    size_t accepted = 0, accepted_of_valid = 0, valid = 0;
    for (size_t i = 0; i < f.passwords.size(); ++i) {
      const bool ok = accepts(i);
      accepted += ok;
      valid += f.passwords[i].valid();
      accepted_of_valid += ok && f.passwords[i].valid();
    }
    std::fprintf(stderr,
                 "verdicts: %-24s accepts %4zu of %zu passwords (%zu of the %zu iamcore "
                 "accepts)\n",
                 name, accepted, f.passwords.size(), accepted_of_valid, valid);
  };
  report("iamcore (full)",
         [&](size_t i) { return f.checker->IsValid(f.passwords[i].password, f.contexts[i]); });
#ifdef IAM_HAVE_PWQUALITY
  {
    PwqualityPtr pwq(NewPwquality(false));
    report("pwquality (dict off)", [&](size_t i) {
      return pwquality_check(pwq.get(), f.passwords[i].password.c_str(), nullptr,
                             f.passwords[i].username.c_str(), nullptr) >= 0;
    });
  }
  if (!f.cracklib_dict.empty()) {
    PwqualityPtr pwq(NewPwquality(true));
    report("pwquality (dict on)", [&](size_t i) {
      return pwquality_check(pwq.get(), f.passwords[i].password.c_str(), nullptr,
                             f.passwords[i].username.c_str(), nullptr) >= 0;
    });
  }
#endif
#ifdef IAM_HAVE_ZXCVBN
  report("zxcvbn (>= 40 bits)", [&](size_t i) {
    const PasswordCase& c = f.passwords[i];
    const char* user_dict[] = {c.username.c_str(), c.email.c_str(), c.phone.c_str(), nullptr};
    return ZxcvbnMatch(c.password.c_str(), user_dict, nullptr) >= 40.0;
  });
#endif
#ifdef IAM_HAVE_CRACKLIB
  if (!f.cracklib_dict.empty()) {
    report("cracklib FascistCheck", [&](size_t i) {
      return FascistCheck(f.passwords[i].password.c_str(), f.cracklib_dict.c_str()) == nullptr;
    });
  }
#endif
  size_t listed = 0;
  for (const PasswordCase& c : f.passwords) listed += f.blocklist->Contains(c.password);
  std::fprintf(stderr, "verdicts: iamcore blocklist holds %zu of the %zu passwords\n", listed,
               f.passwords.size());
}

// Runs `fn(i)` once per iteration over corpus items 0..n-1, cycling, so the
// reported time is per item.
template <typename Fn>
void PerItem(benchmark::State& state, size_t n, size_t total_bytes, Fn&& fn) {
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(i));
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(static_cast<double>(state.iterations()) *
                                               static_cast<double>(total_bytes) / n));
  state.counters["bytes_per_item"] = static_cast<double>(total_bytes) / n;
}

// ---- username ---------------------------------------------------------------

void BM_Username_Iamcore(benchmark::State& state) {
  const Fixture& f = F();
  const iam::Profile& huawei = *f.huawei;
  const std::vector<UsernameCase>& corpus = f.usernames;
  PerItem(state, corpus.size(), iam_bench::TotalBytes(corpus),
          [&](size_t i) { return iam::IsValidUsername(huawei, corpus[i].name); });
}

void BM_Username_Re2(benchmark::State& state) {
  const std::vector<UsernameCase>& corpus = F().usernames;
  const re2::RE2 re(kHuaweiUsernamePattern);
  PerItem(state, corpus.size(), iam_bench::TotalBytes(corpus), [&](size_t i) {
    const std::string& s = corpus[i].name;
    return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), re);
  });
}

void BM_Username_StdRegex(benchmark::State& state) {
  const std::vector<UsernameCase>& corpus = F().usernames;
  const std::regex re(kHuaweiUsernamePattern);
  PerItem(state, corpus.size(), iam_bench::TotalBytes(corpus), [&](size_t i) {
    const std::string& s = corpus[i].name;
    return std::regex_match(s.data(), s.data() + s.size(), re);
  });
}

// The same corpus through the C ABI (what C hosts and the Python binding call):
// without an error object the verdict alone, with one the first violation.
void BM_Username_CApi(benchmark::State& state, bool with_error) {
  const std::vector<UsernameCase>& corpus = F().usernames;
  iam_error* err = nullptr;
  if (with_error && iam_error_create(&err) != IAM_OK) Die("iam_error_create");
  PerItem(state, corpus.size(), iam_bench::TotalBytes(corpus),
          [&](size_t i) { return iam_validate_username("huawei", corpus[i].name.c_str(), err); });
  iam_error_destroy(err);
}

// ---- password ---------------------------------------------------------------

void BM_Password_IamcoreFull(benchmark::State& state) {
  const Fixture& f = F();
  const iam::PasswordChecker& checker = *f.checker;
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords),
          [&](size_t i) { return checker.IsValid(f.passwords[i].password, f.contexts[i]); });
}

void BM_Password_IamcoreNoBlocklist(benchmark::State& state) {
  const Fixture& f = F();
  const iam::PasswordChecker& checker = *f.checker_no_blocklist;
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords),
          [&](size_t i) { return checker.IsValid(f.passwords[i].password, f.contexts[i]); });
}

// Check() builds every violation with its message: the error path.
void BM_Password_IamcoreCheck(benchmark::State& state) {
  const Fixture& f = F();
  const iam::PasswordChecker& checker = *f.checker;
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords),
          [&](size_t i) { return checker.Check(f.passwords[i].password, f.contexts[i]).size(); });
}

// The C ABI under the huawei profile's own policy (no blocklist, as pwquality
// without its dictionary).
void BM_Password_CApi(benchmark::State& state, bool with_error) {
  const Fixture& f = F();
  iam_error* err = nullptr;
  if (with_error && iam_error_create(&err) != IAM_OK) Die("iam_error_create");
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords), [&](size_t i) {
    const PasswordCase& c = f.passwords[i];
    return iam_validate_password("huawei", nullptr, c.password.c_str(), c.username.c_str(),
                                 c.email.c_str(), c.phone.c_str(), err);
  });
  iam_error_destroy(err);
}

#ifdef IAM_HAVE_PWQUALITY
void BM_Password_Pwquality(benchmark::State& state, bool dict_check) {
  const Fixture& f = F();
  PwqualityPtr pwq(NewPwquality(dict_check));
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords), [&](size_t i) {
    return pwquality_check(pwq.get(), f.passwords[i].password.c_str(), nullptr,
                           f.passwords[i].username.c_str(), nullptr);
  });
}
#endif

#ifdef IAM_HAVE_ZXCVBN
void BM_Password_Zxcvbn(benchmark::State& state) {
  const Fixture& f = F();
  std::vector<std::vector<const char*>> user_dicts;
  for (const PasswordCase& c : f.passwords) {
    user_dicts.push_back({c.username.c_str(), c.email.c_str(), c.phone.c_str(), nullptr});
  }
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords), [&](size_t i) {
    return ZxcvbnMatch(f.passwords[i].password.c_str(), user_dicts[i].data(), nullptr);
  });
}
#endif

// ---- blocklist --------------------------------------------------------------

void BM_Blocklist_Iamcore(benchmark::State& state) {
  const Fixture& f = F();
  const iam::Blocklist& list = *f.blocklist;
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords),
          [&](size_t i) { return list.Contains(f.passwords[i].password); });
  state.counters["entries"] = static_cast<double>(list.size());
  state.counters["memory_bytes"] = static_cast<double>(list.memory_bytes());
  state.counters["bytes_per_entry"] =
      static_cast<double>(list.memory_bytes()) / static_cast<double>(list.size());
}

// The obvious alternative: lower-case into a std::string, look it up in a
// std::unordered_set<std::string>.
void BM_Blocklist_StdUnorderedSet(benchmark::State& state) {
  const Fixture& f = F();
  const std::unordered_set<std::string> set(f.blocklist_entries.begin(), f.blocklist_entries.end());
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords), [&](size_t i) {
    std::string lowered = f.passwords[i].password;
    for (char& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return set.count(lowered);
  });
  state.counters["entries"] = static_cast<double>(set.size());
}

#ifdef IAM_HAVE_CRACKLIB
void BM_Blocklist_Cracklib(benchmark::State& state) {
  const Fixture& f = F();
  const char* dict = f.cracklib_dict.c_str();
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords),
          [&](size_t i) { return FascistCheck(f.passwords[i].password.c_str(), dict); });
}
#endif

#ifdef IAM_HAVE_CRACKLIB
// Like for like with iamcore_Contains: one case-insensitive lookup of the word
// itself in cracklib's dictionary, opened once (FascistCheck above also
// mangles the word dozens of ways and runs its other rules).
void BM_Blocklist_CracklibFindPW(benchmark::State& state) {
  const Fixture& f = F();
  char mode[] = "r";
  PWDICT* dict = PWOpen(f.cracklib_dict.c_str(), mode);
  if (dict == nullptr) Die("PWOpen " + f.cracklib_dict);
  char absent[] = "\x7f\x7f\x7f\x7f";
  const unsigned int not_found = FindPW(dict, absent);  // FindPW answers PW_WORDS
  char word[MAXWORDLEN + 1];
  PerItem(state, f.passwords.size(), iam_bench::TotalBytes(f.passwords), [&](size_t i) {
    const std::string& p = f.passwords[i].password;
    const size_t n = std::min(p.size(), static_cast<size_t>(MAXWORDLEN));
    for (size_t k = 0; k < n; ++k) {
      const char c = p[k];
      word[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    word[n] = '\0';
    return FindPW(dict, word) != not_found;
  });
  PWClose(dict);
}
#endif

// ---- generation -------------------------------------------------------------

void BM_Generate_Iamcore(benchmark::State& state) {
  const Fixture& f = F();
  iam::GenerateOptions options;  // huawei default length (10), system CSPRNG
  options.context = f.contexts.front();
  for (auto _ : state) {
    absl::StatusOr<iam::Secret> pw = iam::GeneratePassword(*f.huawei, *f.checker, options);
    if (!pw.ok()) {
      state.SkipWithError("GeneratePassword failed");
      break;
    }
    benchmark::DoNotOptimize(pw->data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

#ifdef IAM_HAVE_PWQUALITY
void BM_Generate_Pwquality(benchmark::State& state, bool dict_check) {
  PwqualityPtr pwq(NewPwquality(dict_check));
  for (auto _ : state) {
    char* pw = nullptr;
    if (pwquality_generate(pwq.get(), kGenerateEntropyBits, &pw) != 0) {
      state.SkipWithError("pwquality_generate failed");
      break;
    }
    benchmark::DoNotOptimize(pw);
    std::free(pw);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
#endif

// The floor under any generator that draws from the kernel once per password:
// one 64-byte randombytes_buf (a getrandom system call). Not a peer.
void BM_Generate_RandomFloor(benchmark::State& state) {
  uint8_t buffer[64];
  for (auto _ : state) {
    randombytes_buf(buffer, sizeof buffer);
    benchmark::DoNotOptimize(buffer);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// ---- hashing ----------------------------------------------------------------

void BM_Hash_Iamcore(benchmark::State& state, iam::Argon2Params params) {
  const Fixture& f = F();
  const iam::PasswordHasher hasher(params);
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<std::string> hash = hasher.Hash(f.passwords[i].password);
    if (!hash.ok()) {
      state.SkipWithError("Hash failed");
      break;
    }
    benchmark::DoNotOptimize(hash->data());
    if (++i == f.passwords.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["mem_limit_MiB"] = static_cast<double>(params.mem_limit) / (1024 * 1024);
  state.counters["ops_limit"] = static_cast<double>(params.ops_limit);
}

void BM_Hash_Sodium(benchmark::State& state, iam::Argon2Params params) {
  const Fixture& f = F();
  size_t i = 0;
  char out[crypto_pwhash_STRBYTES];
  for (auto _ : state) {
    const std::string& pw = f.passwords[i].password;
    if (crypto_pwhash_str_alg(out, pw.data(), pw.size(), params.ops_limit, params.mem_limit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      state.SkipWithError("crypto_pwhash_str_alg failed");
      break;
    }
    benchmark::DoNotOptimize(out);
    if (++i == f.passwords.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["mem_limit_MiB"] = static_cast<double>(params.mem_limit) / (1024 * 1024);
  state.counters["ops_limit"] = static_cast<double>(params.ops_limit);
}

// ---- clock ------------------------------------------------------------------

// The effective core clock, for cycles-per-byte figures: a chain of dependent
// register adds retires one add per cycle on every current x86-64 and AArch64
// core, so adds per second = cycles per second.
void BM_Clock_DependentAdds(benchmark::State& state) {
  uint64_t x = 0;
  constexpr int kAddsPerIteration = 1000;
  for (auto _ : state) {
    for (int i = 0; i < kAddsPerIteration / 10; ++i) {
#if defined(__x86_64__)
      asm volatile(
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
          : "+r"(x));
#elif defined(__aarch64__)
      asm volatile(
          "add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\t"
          "add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\t"
          "add %0, %0, #1\n\tadd %0, %0, #1"
          : "+r"(x));
#else
      state.SkipWithError("no dependent-add loop for this architecture");
      return;
#endif
    }
  }
  benchmark::DoNotOptimize(x);
  state.counters["cycles_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kAddsPerIteration, benchmark::Counter::kIsRate);
}

void RegisterAll() {
  [[maybe_unused]] const Fixture& f = F();  // unused without optional peers
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("clock/dependent_add_chain_1000", BM_Clock_DependentAdds);

  RegisterBenchmark("username/iamcore_IsValidUsername", BM_Username_Iamcore);
  RegisterBenchmark("username/re2_FullMatch", BM_Username_Re2);
  RegisterBenchmark("username/std_regex_match", BM_Username_StdRegex);
  RegisterBenchmark("username/capi_iam_validate_username", BM_Username_CApi, false);
  RegisterBenchmark("username/capi_iam_validate_username_with_error", BM_Username_CApi, true);

  RegisterBenchmark("password/iamcore_IsValid", BM_Password_IamcoreFull);
  RegisterBenchmark("password/iamcore_IsValid_no_blocklist", BM_Password_IamcoreNoBlocklist);
  RegisterBenchmark("password/iamcore_Check", BM_Password_IamcoreCheck);
  RegisterBenchmark("password/capi_iam_validate_password", BM_Password_CApi, false);
  RegisterBenchmark("password/capi_iam_validate_password_with_error", BM_Password_CApi, true);
#ifdef IAM_HAVE_PWQUALITY
  RegisterBenchmark("password/pwquality_check_nodict", BM_Password_Pwquality, false);
  if (!f.cracklib_dict.empty()) {
    RegisterBenchmark("password/pwquality_check_dict", BM_Password_Pwquality, true);
  }
#endif
#ifdef IAM_HAVE_ZXCVBN
  RegisterBenchmark("password/zxcvbn_ZxcvbnMatch", BM_Password_Zxcvbn);
#endif

  RegisterBenchmark("blocklist/iamcore_Contains", BM_Blocklist_Iamcore);
  RegisterBenchmark("blocklist/std_unordered_set", BM_Blocklist_StdUnorderedSet);
#ifdef IAM_HAVE_CRACKLIB
  if (!f.cracklib_dict.empty()) {
    RegisterBenchmark("blocklist/cracklib_FascistCheck", BM_Blocklist_Cracklib)
        ->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("blocklist/cracklib_FindPW", BM_Blocklist_CracklibFindPW);
  }
#endif

  RegisterBenchmark("generate/iamcore_GeneratePassword", BM_Generate_Iamcore);
  RegisterBenchmark("generate/floor_randombytes_buf_64", BM_Generate_RandomFloor);
#ifdef IAM_HAVE_PWQUALITY
  RegisterBenchmark("generate/pwquality_generate_nodict", BM_Generate_Pwquality, false);
  if (!f.cracklib_dict.empty()) {
    RegisterBenchmark("generate/pwquality_generate_dict", BM_Generate_Pwquality, true)
        ->Unit(benchmark::kMicrosecond);
  }
#endif

  RegisterBenchmark("hash/iamcore_Argon2id_owasp", BM_Hash_Iamcore, iam::Argon2Params::Owasp())
      ->Unit(benchmark::kMillisecond);
  RegisterBenchmark("hash/sodium_crypto_pwhash_str_owasp", BM_Hash_Sodium,
                    iam::Argon2Params::Owasp())
      ->Unit(benchmark::kMillisecond);
  RegisterBenchmark("hash/iamcore_Argon2id_interactive", BM_Hash_Iamcore,
                    iam::Argon2Params::SodiumInteractive())
      ->Unit(benchmark::kMillisecond);
  RegisterBenchmark("hash/sodium_crypto_pwhash_str_interactive", BM_Hash_Sodium,
                    iam::Argon2Params::SodiumInteractive())
      ->Unit(benchmark::kMillisecond);
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  iam::InitCrypto();
  BuildFixture();
  const Fixture& f = F();
  std::fprintf(stderr, "peers found: %s\n", Join(f.peers).c_str());
  std::fprintf(stderr, "peers missing: %s\n", f.missing.empty() ? "none" : Join(f.missing).c_str());
  VerifyFixture();
  ReportPeerVerdicts();
  benchmark::AddCustomContext("iam_peers", Join(f.peers));
  benchmark::AddCustomContext("iam_peers_missing", Join(f.missing));
  benchmark::AddCustomContext("iam_blocklist_source", f.blocklist_source);
  benchmark::AddCustomContext("iam_username_corpus", std::to_string(f.usernames.size()));
  benchmark::AddCustomContext("iam_password_corpus", std::to_string(f.passwords.size()));
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
