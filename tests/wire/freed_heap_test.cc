// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Secrets in freed heap: this program replaces operator delete (and, outside
// ASan, free) with one that searches every block the library frees (during its
// calls) for the secrets a scenario uses,
// while the scenario runs through WireService::Handle (Keystone, Huawei, SCIM
// and console requests carrying passwords, a login, a token, a console
// cookie, a new access key) and a password the nist profile NFKC-normalizes.
// Generated secrets are known in advance: the engine draws from a
// deterministic random source, so a first, unwatched run learns them and a
// second, watched run with the same seed must free none of them unwiped.
// (Request bodies are parsed in place for this: src/wire/request_json.cc.)
#include <execinfo.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/random.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

namespace {

// What the replaced operator delete looks for; set before watching starts.
std::atomic<bool> g_watching{false};
std::vector<std::string>* g_secrets = nullptr;
std::vector<std::string>* g_names = nullptr;
std::mutex g_found_mu;
struct Finding {
  std::string what;
  std::vector<std::string> frames;  // backtrace_symbols: "exe(+0x...)" or "exe(symbol+0x...)"
};
std::vector<Finding>* g_found = nullptr;

// The functions of `frames`, named by addr2line (the library's are hidden).
std::string Named(const std::vector<std::string>& frames) {
  std::string offsets;
  for (const std::string& f : frames) {
    const size_t at = f.find("(+0x");
    if (at != std::string::npos)
      absl::StrAppend(&offsets, " ", f.substr(at + 2, f.find(')', at) - at - 2));
  }
  std::string out;
  for (const std::string& f : frames) absl::StrAppend(&out, f, "\n");
  if (offsets.empty()) return out;
  FILE* p =
      popen(absl::StrCat("addr2line -i -f -C -e /proc/", getpid(), "/exe", offsets).c_str(), "r");
  if (p == nullptr) return out;
  char line[4096];
  while (fgets(line, sizeof line, p) != nullptr) out += line;
  pclose(p);
  return out;
}
thread_local bool t_inside = false;
// Only the library's frees are searched: those during its calls. What the
// test builds and frees itself (request texts, its own copies) is the host's.
thread_local bool t_library = false;
struct InLibrary {
  InLibrary() { t_library = true; }
  ~InLibrary() { t_library = false; }
};

void Search(const void* block, size_t size) {
  if (block == nullptr || !g_watching.load(std::memory_order_relaxed) || t_inside || !t_library) {
    return;
  }
  t_inside = true;  // what this allocates is not searched
  for (size_t i = 0; i < g_secrets->size(); ++i) {
    const std::string& s = (*g_secrets)[i];
    if (size < s.size() || memmem(block, size, s.data(), s.size()) == nullptr) continue;
    void* frames[24];
    const int n = backtrace(frames, 24);
    char** symbols = backtrace_symbols(frames, n);
    Finding f{absl::StrCat((*g_names)[i], " in a freed block of ", size, " bytes"), {}};
    for (int k = 2; k < n && symbols != nullptr; ++k) f.frames.emplace_back(symbols[k]);
    free(symbols);
    std::lock_guard<std::mutex> lock(g_found_mu);
    g_found->push_back(std::move(f));
  }
  t_inside = false;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define IAM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IAM_ASAN 1
#endif
#endif

// Every freed block is searched (when watched) and then zeroed, so what the
// host frees can never turn up later in a block the library frees: a finding
// is a secret the library itself let go at that moment.
#ifdef IAM_ASAN
// Under ASan, whose free a definition here would clash with, only operator
// delete is searched.
static void FreeForReal(void* p) { std::free(p); }
#else
extern "C" void __libc_free(void* p);  // glibc's own free, exported for replacements
static void FreeForReal(void* p) { __libc_free(p); }
#endif
static void Release(void* p) {
  if (p == nullptr) return;
  const size_t size = malloc_usable_size(p);
  Search(p, size);
  memset(p, 0, size);
  FreeForReal(p);
}
#ifndef IAM_ASAN
// C code's frees are searched too (utf8proc's, libsodium's, libc's): this
// free comes before libc's for every library the program loads.
extern "C" void free(void* p) noexcept { Release(p); }
#endif

void* operator new(size_t n) {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }

namespace iam {
namespace {

using nlohmann::json;

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";

// One scenario; returns the secrets it used and was given, by name.
std::vector<std::pair<std::string, std::string>> Scenario(uint64_t seed) {
  std::vector<std::pair<std::string, std::string>> used;
  auto random = NewDeterministicRandom(seed);
  MemoryStore store;
  EngineOptions o;
  o.random = random.get();
  o.argon2 = Argon2Params::ForTests();
  o.host_key = std::string(32, 'h');
  Engine engine(o, &store);
  o.authorizer = AllowAllAuthorizer();
  Engine host(o, &store);
  WireService wire(&engine, WireOptions{});
  const auto send = [&](const std::string& method, const std::string& path, const std::string& body,
                        WireHeaders headers) {
    WireRequest r;
    r.method = method;
    r.path = path;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body;
    WireResponse res = [&] {
      InLibrary in;
      return wire.Handle(r);
    }();
    // Read what the test needs without leaving copies: the answer is a Secret.
    json answer = res.body.empty() ? json() : json::parse(res.body.view(), nullptr, false);
    std::string token;
    if (const std::string* t = FindHeader(res.headers, "X-Subject-Token")) token = *t;
    if (const std::string* c = FindHeader(res.headers, "Set-Cookie")) {
      token = c->substr(c->find('=') + 1, c->find(';') - c->find('=') - 1);
    }
    return std::make_tuple(res.status, std::move(answer), std::move(token));
  };
  CreateUserRequest admin;
  admin.tenant = kTenant;
  admin.username = "admin01";
  admin.password_mode = PasswordMode::kManual;
  admin.password = Secret(std::string("Admin-Secret9!a"));
  admin.require_password_reset = false;
  admin.policies = {"AdministratorAccess"};
  auto made = [&] {
    InLibrary in;
    return host.CreateUser(admin);
  }();
  if (!made.ok()) return used;
  used.emplace_back("admin password", "Admin-Secret9!a");
  auto [s1, a1, token] =
      send("POST", "/v3/auth/tokens",
           R"({"auth":{"identity":{"methods":["password"],"password":{"user":{)"
           R"("name":"admin01","password":"Admin-Secret9!a","domain":{"id":")" +
               std::string(kTenant) + R"("}}}},"scope":{"domain":{"id":")" + kTenant + R"("}}}})",
           {});
  used.emplace_back("session token", token);
  auto [s2, a2, t2] =
      send("POST", "/v3/users", R"({"user":{"name":"heap.user","password":"Keystone-Pw7!k"}})",
           {{"X-Auth-Token", token}});
  used.emplace_back("keystone password", "Keystone-Pw7!k");
  auto [s3, a3, t3] = send("POST", "/v3.0/OS-USER/users",
                           R"({"user":{"name":"heap.weak","domain_id":")" + std::string(kTenant) +
                               R"(","password":"Zq!7w"}})",
                           {{"X-Auth-Token", token}});
  used.emplace_back("refused password", "Zq!7w");
  if (s2 == 201) {
    auto [s4, key, t4] =
        send("POST", "/v3.0/OS-CREDENTIAL/credentials",
             R"({"credential":{"user_id":")" + a2["user"]["id"].get<std::string>() + R"("}})",
             {{"X-Auth-Token", token}});
    if (s4 == 201) {
      used.emplace_back("access key secret", key["credential"]["secret"].get<std::string>());
    }
  }
  // The console: a sign-in's cookie, used to check a password live.
  auto [s6, session, cookie_token] =
      send("POST", "/console/api/session",
           R"({"session":{"domain_id":")" + std::string(kTenant) +
               R"(","identifier":"admin01","password":"Admin-Secret9!a"}})",
           {});
  used.emplace_back("console session token", cookie_token);
  if (s6 == 201) {
    send("POST", "/v3.0/OS-SECURITYPOLICY/password-check",
         R"({"password_check":{"password":"Checked-Live4!c"}})",
         {{"Cookie", "iam_console=" + cookie_token},
          {"X-CSRF-Token", session["csrf_token"].get<std::string>()}});
    used.emplace_back("password checked live", "Checked-Live4!c");
  }
  auto issued = [&] {
    InLibrary in;
    return host.IssueApiToken({}, kTenant, made->user.id, absl::ZeroDuration());
  }();
  if (issued.ok()) {
    used.emplace_back("SCIM token", issued->token.Reveal());
    auto [s5, a5, t5] =
        send("POST", "/scim/v2/Users", R"({"userName":"heap.scim","password":"Scim-Pw8!s"})",
             {{"Authorization", "Bearer " + issued->token.Reveal()}});
    used.emplace_back("SCIM password", "Scim-Pw8!s");
  }
  // NFKC (the nist profile) normalizes a password before hashing it.
  MemoryStore nist_store;
  o.profile = FindProfile("nist");
  Engine nist(o, &nist_store);
  CreateUserRequest memorized;
  memorized.tenant = kTenant;
  memorized.username = "nist.user";
  memorized.password_mode = PasswordMode::kManual;
  memorized.password = Secret(std::string("Memorized secret, NFKC'd"));
  const bool nist_made = [&] {
    InLibrary in;
    return nist.CreateUser(memorized).ok();
  }();
  if (nist_made) used.emplace_back("NFKC-normalized password", "Memorized secret, NFKC'd");
  return used;
}

TEST(FreedHeapTest, NoSecretIsFreedUnwiped) {
  // The first run learns the generated secrets; its own frees are not watched.
  const auto learned = Scenario(42);
  ASSERT_GE(learned.size(), 10u);
  g_secrets = new std::vector<std::string>;
  g_names = new std::vector<std::string>;
  g_found = new std::vector<Finding>;
  for (const auto& [name, value] : learned) {
    ASSERT_GE(value.size(), 5u) << name;
    g_names->push_back(name);
    g_secrets->push_back(value);
  }
  g_watching = true;
  const auto watched = Scenario(42);
  g_watching = false;
  EXPECT_EQ(watched, learned) << "the scenario is not deterministic";
  std::string report;
  for (const Finding& f : *g_found)
    absl::StrAppend(&report, "\n  ", f.what, " at\n", Named(f.frames));
  EXPECT_TRUE(report.empty()) << g_found->size() << " freed blocks held a secret:" << report;
  std::printf("freed heap: %zu secrets watched; %zu blocks freed unwiped\n", g_secrets->size(),
              g_found->size());
}

}  // namespace
}  // namespace iam
