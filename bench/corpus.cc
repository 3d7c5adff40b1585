// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "corpus.h"

#include <algorithm>
#include <fstream>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace iam_bench {
namespace {

const std::vector<std::string>& FirstNames() {
  static const std::vector<std::string> names = {
      "alice",  "bob",     "carol", "dave",   "erin",  "frank",  "grace", "heidi",  "ivan",
      "judy",   "mallory", "niaj",  "olivia", "peggy", "rupert", "sybil", "trent",  "victor",
      "walter", "wei",     "li",    "zhang",  "chen",  "yang",   "huang", "zhao",   "xu",
      "sun",    "ma",      "zhu",   "hu",     "guo",   "he",     "lin",   "luo",    "zheng",
      "liang",  "song",    "tang",  "han",    "feng",  "deng",   "cao",   "peng",   "zeng",
      "xiao",   "tian",    "dong",  "pan",    "yuan",  "cai",    "jiang", "yu",     "du",
      "ye",     "cheng",   "maria", "jose",   "ahmed", "fatima", "yuki",  "haruto", "priya",
      "arjun",  "sofia",   "lucas", "emma",   "noah",  "mia",    "liam",  "amelia", "oliver"};
  return names;
}

const std::vector<std::string>& LastNames() {
  static const std::vector<std::string> names = {
      "smith",   "johnson", "williams", "brown",  "jones", "garcia", "miller",   "davis",
      "wang",    "li",      "zhang",    "liu",    "chen",  "yang",   "zhao",     "huang",
      "zhou",    "wu",      "xu",       "sun",    "hu",    "zhu",    "gao",      "lin",
      "he",      "guo",     "ma",       "luo",    "liang", "song",   "zheng",    "xie",
      "tanaka",  "suzuki",  "sato",     "kim",    "park",  "lee",    "nguyen",   "tran",
      "mueller", "schmidt", "rossi",    "dubois", "silva", "santos", "kowalski", "ivanov",
      "ops",     "dev",     "admin",    "test",   "build", "deploy", "audit",    "backup"};
  return names;
}

const std::vector<std::string>& Words() {
  static const std::vector<std::string> words = {
      "correct", "horse",  "battery", "staple", "orange", "river",  "cloud",  "tiger",
      "silver",  "planet", "window",  "garden", "rocket", "yellow", "forest", "castle",
      "dragon",  "summer", "winter",  "purple", "mirror", "harbor", "falcon", "copper",
      "lantern", "meadow", "canyon",  "pepper", "violet", "anchor", "marble", "thunder"};
  return words;
}

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kUsernameChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
constexpr std::string_view kUsernameFirst =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-";
// Huawei's password specials (seed 000), including space.
constexpr std::string_view kSpecials = " !\"#$%&'()*+,-./:;<=>?@[]^`{_|}~";
constexpr std::string_view kPasswordChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    " !\"#$%&'()*+,-./:;<=>?@[]^`{_|}~";

char PickChar(Rng& rng, std::string_view set) { return set[rng.Below(set.size())]; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

std::string LowerString(std::string s) {
  for (char& c : s) c = Lower(c);
  return s;
}

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = Upper(s[0]);
  return s;
}

// Flips the ASCII case of about a third of the letters.
std::string RandomCase(Rng& rng, std::string s) {
  for (char& c : s) {
    if (rng.Chance(33)) c = (c >= 'a' && c <= 'z') ? Upper(c) : Lower(c);
  }
  return s;
}

// `length` characters of `set`, never the same character twice in a row.
std::string RandomString(Rng& rng, std::string_view set, size_t length) {
  std::string s;
  while (s.size() < length) {
    const char c = PickChar(rng, set);
    if (!s.empty() && s.back() == c) continue;
    s.push_back(c);
  }
  return s;
}

template <typename T>
void Shuffle(Rng& rng, std::vector<T>* v) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng.Below(i)]);
}

// Kinds repeated by their share (percent) of `count`; the remainder goes to
// the first kind.
std::vector<const char*> KindSequence(Rng& rng,
                                      const std::vector<std::pair<const char*, int>>& shares,
                                      size_t count) {
  std::vector<const char*> kinds;
  for (const auto& [kind, percent] : shares) {
    kinds.insert(kinds.end(), count * static_cast<size_t>(percent) / 100, kind);
  }
  while (kinds.size() < count) kinds.push_back(shares.front().first);
  kinds.resize(count);
  Shuffle(rng, &kinds);
  return kinds;
}

// ---- usernames --------------------------------------------------------------

// A valid huawei username of 5..32 characters.
std::string ValidUsername(Rng& rng) {
  std::string s;
  switch (rng.Below(6)) {
    case 0:  // first.last
      s = rng.Pick(FirstNames()) + PickChar(rng, "._-") + rng.Pick(LastNames());
      break;
    case 1:  // First_Last42
      s = Capitalize(rng.Pick(FirstNames())) + "_" + Capitalize(rng.Pick(LastNames())) +
          std::to_string(rng.Between(1, 99));
      break;
    case 2:  // first + digits
      s = rng.Pick(FirstNames()) + std::to_string(rng.Between(1, 99999));
      break;
    case 3:  // service-account style
      s = "svc-" + rng.Pick(LastNames()) + "-" + rng.Pick(FirstNames()) + "." +
          std::to_string(rng.Between(1, 9));
      break;
    case 4:  // random characters, any length in range
      s = PickChar(rng, kUsernameFirst) +
          RandomString(rng, kUsernameChars, static_cast<size_t>(rng.Between(4, 31)));
      break;
    default:  // boundary lengths: exactly 5 or exactly 32
      s = PickChar(rng, kUsernameFirst) +
          RandomString(rng, kUsernameChars, rng.Chance(50) ? 4 : 31);
      break;
  }
  while (s.size() < 5) s.push_back(PickChar(rng, kDigits));
  if (s.size() > 32) s.resize(32);
  return s;
}

std::string MakeUsername(Rng& rng, const char* kind) {
  if (kind == kUsernameValid) return ValidUsername(rng);
  if (kind == kUsernameEmpty) return "";
  if (kind == kUsernameTooShort) {
    const size_t n = static_cast<size_t>(rng.Between(1, 4));
    return PickChar(rng, kUsernameFirst) + RandomString(rng, kUsernameChars, n - 1);
  }
  if (kind == kUsernameTooLong) {
    std::string s = rng.Chance(50) ? rng.Pick(FirstNames()) + "." + rng.Pick(LastNames()) + "." +
                                         rng.Pick(LastNames()) + "-" + rng.Pick(FirstNames()) +
                                         "_" + rng.Pick(LastNames())
                                   : std::string(1, PickChar(rng, kUsernameFirst));
    const size_t target = static_cast<size_t>(rng.Between(33, 64));
    if (s.size() < target) s += RandomString(rng, kUsernameChars, target - s.size());
    return s;
  }
  if (kind == kUsernameLeadingDigit) {
    std::string s = std::to_string(rng.Between(0, 999)) + ValidUsername(rng);
    if (s.size() > 32) s.resize(32);
    return s;
  }
  // Invalid character: one byte (or UTF-8 sequence) no huawei name may hold.
  static const std::vector<std::string> kBad = {" ",
                                                "@",
                                                "!",
                                                "#",
                                                "/",
                                                "+",
                                                "\\",
                                                "'",
                                                "\t",
                                                "\x7f",
                                                "\xc3\xa9" /* é */,
                                                "\xe4\xb8\xad" /* 中 */,
                                                "\xe2\x80\x8b" /* U+200B */,
                                                "\xef\xbc\xa1" /* Ａ */};
  std::string s = ValidUsername(rng);
  const std::string& bad = rng.Pick(kBad);
  const size_t at = 1 + rng.Below(s.size() - 1);
  s.replace(at, 1, bad);
  if (s.size() > 32) s.erase(s.begin() + 1, s.begin() + 1 + static_cast<ptrdiff_t>(s.size() - 32));
  return s;
}

// ---- passwords --------------------------------------------------------------

bool HasRunLongerThan(std::string_view s, int limit) {
  int run = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    run = s[i] == s[i - 1] ? run + 1 : 1;
    if (run > limit) return true;
  }
  return false;
}

int Classes(std::string_view s) {
  bool u = false, l = false, d = false, o = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      u = true;
    } else if (c >= 'a' && c <= 'z') {
      l = true;
    } else if (c >= '0' && c <= '9') {
      d = true;
    } else {
      o = true;
    }
  }
  return u + l + d + o;
}

bool AllIn(std::string_view s, std::string_view set) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return set.find(c) != set.npos; });
}

// A random valid password: at least two classes, no repeated neighbours.
std::string RandomValidPassword(Rng& rng, size_t length) {
  for (;;) {
    std::string s = RandomString(rng, kPasswordChars, length);
    if (Classes(s) >= 2) return s;
  }
}

std::string ValidPassword(Rng& rng) {
  switch (rng.Below(4)) {
    case 0: {  // passphrase: Horse-Battery-42
      std::string s = Capitalize(rng.Pick(Words())) + PickChar(rng, "-_. ") +
                      Capitalize(rng.Pick(Words())) + std::to_string(rng.Between(10, 99));
      return s;
    }
    case 1:
      return RandomValidPassword(rng, static_cast<size_t>(rng.Between(20, 32)));
    default:
      return RandomValidPassword(rng, static_cast<size_t>(rng.Between(8, 16)));
  }
}

struct Identity {
  std::string username, email, phone;
};

Identity MakeIdentity(Rng& rng) {
  const std::string first = rng.Pick(FirstNames());
  const std::string last = rng.Pick(LastNames());
  Identity id;
  switch (rng.Below(3)) {
    case 0:
      id.username = Capitalize(first) + "." + Capitalize(last);
      break;
    case 1:
      id.username = first + "_" + last + std::to_string(rng.Between(1, 99));
      break;
    default:
      id.username = Capitalize(first) + "-" + last;
      break;
  }
  // Six or more, so a password equal to it fails nothing before the username rule.
  while (id.username.size() < 6) id.username.push_back(PickChar(rng, kDigits));
  static const std::vector<std::string> kDomains = {"ex.com", "corp.cn", "mail.org", "hw.cn"};
  id.email = first + "." + last + "@" + rng.Pick(kDomains);
  if (id.email.size() > 22) id.email = first.substr(0, 1) + last + "@" + rng.Pick(kDomains);
  id.phone = "1" + std::to_string(rng.Between(3, 9));
  for (int i = 0; i < 9; ++i) id.phone.push_back(PickChar(rng, kDigits));
  return id;
}

std::string MakePassword(Rng& rng, const char* kind, const Identity& id,
                         const std::vector<std::string>& blocked) {
  if (kind == kPasswordValid) return ValidPassword(rng);
  if (kind == kPasswordTooShort) {
    return RandomValidPassword(rng, static_cast<size_t>(rng.Between(2, 5)));
  }
  if (kind == kPasswordTooLong) {
    return RandomValidPassword(rng, static_cast<size_t>(rng.Between(33, 64)));
  }
  if (kind == kPasswordBadCharacter) {
    static const std::vector<std::string> kBad = {"\\",
                                                  "\t",
                                                  "\x7f",
                                                  "\xc3\xa9" /* é */,
                                                  "\xe2\x82\xac" /* € */,
                                                  "\xc2\xa7" /* § */,
                                                  "\xe4\xb8\xad" /* 中 */,
                                                  "\xe2\x80\x8b" /* U+200B */};
    std::string s = RandomValidPassword(rng, static_cast<size_t>(rng.Between(8, 14)));
    s.replace(rng.Below(s.size()), 1, rng.Pick(kBad));
    return s;
  }
  if (kind == kPasswordOneClass) {
    const size_t n = static_cast<size_t>(rng.Between(6, 14));
    switch (rng.Below(3)) {
      case 0:
        return RandomString(rng, kLower, n);
      case 1:
        return RandomString(rng, kDigits, n);
      default:
        return RandomString(rng, kUpper, n);
    }
  }
  if (kind == kPasswordEqualsUsername) return RandomCase(rng, id.username);
  if (kind == kPasswordReversedUsername) {
    return RandomCase(rng, std::string(id.username.rbegin(), id.username.rend()));
  }
  if (kind == kPasswordContainsEmail) {
    return RandomString(rng, kPasswordChars, static_cast<size_t>(rng.Between(1, 4))) +
           RandomCase(rng, id.email) + std::string(1, PickChar(rng, "!#$%*?"));
  }
  if (kind == kPasswordContainsPhone) {
    static const std::vector<std::string> kPrefixes = {"Tel:", "Pw", "mob", "Call-", "x"};
    return rng.Pick(kPrefixes) + id.phone + (rng.Chance(50) ? "!" : "");
  }
  if (kind == kPasswordRepeats) {
    std::string s = RandomValidPassword(rng, static_cast<size_t>(rng.Between(8, 14)));
    const std::string run(static_cast<size_t>(rng.Between(4, 8)), PickChar(rng, "aZ1!x7.#"));
    s.insert(rng.Below(s.size() + 1), run);
    return s;
  }
  // Blocklisted: an entry that passes every other rule, in random case.
  return RandomCase(rng, rng.Pick(blocked));
}

// Pseudo-words for when no word list is installed: 2-4 syllables.
std::vector<std::string> GeneratedWords(size_t count) {
  static const std::vector<std::string> kOnsets = {"b", "c", "d",  "f",  "g",  "h",  "j",  "k",
                                                   "l", "m", "n",  "p",  "r",  "s",  "t",  "v",
                                                   "w", "z", "ch", "sh", "th", "st", "br", "tr"};
  static const std::vector<std::string> kVowels = {"a", "e", "i", "o", "u", "ai", "ee", "oo"};
  Rng rng(0xb10c);
  std::unordered_set<std::string> seen;
  std::vector<std::string> words;
  while (words.size() < count) {
    std::string w;
    const int syllables = rng.Between(2, 4);
    for (int i = 0; i < syllables; ++i) w += rng.Pick(kOnsets) + rng.Pick(kVowels);
    if (seen.insert(w).second) words.push_back(std::move(w));
  }
  return words;
}

std::string Leet(std::string s) {
  for (char& c : s) {
    switch (c) {
      case 'a':
        c = '4';
        break;
      case 'e':
        c = '3';
        break;
      case 'i':
        c = '1';
        break;
      case 'o':
        c = '0';
        break;
      case 's':
        c = '5';
        break;
      case 't':
        c = '7';
        break;
      default:
        break;
    }
  }
  return s;
}

}  // namespace

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<UsernameCase> UsernameCorpus(size_t count, uint64_t seed) {
  Rng rng(seed);
  const std::vector<const char*> kinds = KindSequence(rng,
                                                      {{kUsernameValid, 50},
                                                       {kUsernameEmpty, 2},
                                                       {kUsernameTooShort, 10},
                                                       {kUsernameTooLong, 10},
                                                       {kUsernameLeadingDigit, 12},
                                                       {kUsernameBadCharacter, 16}},
                                                      count);
  std::vector<UsernameCase> out;
  out.reserve(count);
  for (const char* kind : kinds) out.push_back({MakeUsername(rng, kind), kind});
  return out;
}

std::vector<PasswordCase> PasswordCorpus(const std::vector<std::string>& blocklist, size_t count,
                                         uint64_t seed) {
  // Entries the huawei policy would otherwise accept, so only the blocklist
  // rejects them.
  std::vector<std::string> blocked;
  for (const std::string& e : blocklist) {
    if (e.size() >= 6 && e.size() <= 32 && AllIn(e, kPasswordChars) && Classes(e) >= 2 &&
        !HasRunLongerThan(e, 3)) {
      blocked.push_back(e);
    }
  }
  if (blocked.empty()) blocked.push_back("password1");
  Rng rng(seed);
  const std::vector<const char*> kinds = KindSequence(rng,
                                                      {{kPasswordValid, 40},
                                                       {kPasswordTooShort, 6},
                                                       {kPasswordTooLong, 6},
                                                       {kPasswordBadCharacter, 6},
                                                       {kPasswordOneClass, 8},
                                                       {kPasswordEqualsUsername, 6},
                                                       {kPasswordReversedUsername, 5},
                                                       {kPasswordContainsEmail, 5},
                                                       {kPasswordContainsPhone, 5},
                                                       {kPasswordRepeats, 6},
                                                       {kPasswordBlocklisted, 7}},
                                                      count);
  std::vector<PasswordCase> out;
  out.reserve(count);
  for (const char* kind : kinds) {
    Identity id = MakeIdentity(rng);
    std::string password = MakePassword(rng, kind, id, blocked);
    out.push_back({std::move(password), std::move(id.username), std::move(id.email),
                   std::move(id.phone), kind});
  }
  return out;
}

std::vector<std::string> BlocklistEntries(size_t count, const std::string& wordlist,
                                          std::string* source) {
  std::vector<std::string> base;
  {
    std::unordered_set<std::string> seen;
    std::ifstream in(wordlist, std::ios::binary);
    std::string line;
    while (in && std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.rfind("#!comment:", 0) == 0) continue;
      line = LowerString(std::move(line));
      if (seen.insert(line).second) base.push_back(line);
    }
  }
  if (source != nullptr) {
    *source = base.empty() ? "generated pseudo-words"
                           : wordlist + " (" + std::to_string(base.size()) + " words)";
  }
  if (base.size() < 1000) {
    std::vector<std::string> extra = GeneratedWords(4000);
    base.insert(base.end(), extra.begin(), extra.end());
  }

  // Variants, each applied to every base word before the next.
  std::vector<std::string> suffixes = {"1",  "123", "12",   "2",  "!",   "1234", "01",  "12345",
                                       "0",  "11",  "7",    "69", "99",  "13",   "21",  "22",
                                       "23", "77",  "88",   "00", "007", "1!",   "!!",  "@",
                                       "#",  "$",   "123!", "*",  "?",   "666",  "777", "2k"};
  for (int year = 1970; year <= 2025; ++year) suffixes.push_back(std::to_string(year));
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  out.reserve(count);
  auto add = [&](std::string s) {
    if (out.size() < count && !s.empty() && seen.insert(s).second) out.push_back(std::move(s));
  };
  for (const std::string& w : base) add(w);
  for (const std::string& w : base) add(Leet(w));
  for (const std::string& w : base) add(std::string(w.rbegin(), w.rend()));
  for (const std::string& suffix : suffixes) {
    if (out.size() >= count) break;
    for (const std::string& w : base) add(w + suffix);
  }
  for (const std::string& w : base) add("1" + w);
  for (const std::string& w : base) add(w + w);
  // Fallback for tiny word lists: numbered words until the count is reached.
  for (size_t i = 0; out.size() < count; ++i) add(base[i % base.size()] + std::to_string(i));
  return out;
}

size_t TotalBytes(const std::vector<UsernameCase>& corpus) {
  size_t n = 0;
  for (const UsernameCase& c : corpus) n += c.name.size();
  return n;
}

size_t TotalBytes(const std::vector<PasswordCase>& corpus) {
  size_t n = 0;
  for (const PasswordCase& c : corpus) n += c.password.size();
  return n;
}

}  // namespace iam_bench
