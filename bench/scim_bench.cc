// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SCIM in process (WireService::Handle, no transport): Okta's and Entra's
// lookup before every create, GET /Users?filter=userName eq "x", on tenants
// of 1k, 10k and 100k users, SQLite and memory, which must stay flat (a
// unique-index lookup); the unfiltered first page beside it (its totalResults
// counts the tenant, so it grows); and a Bulk of 1,000 creates without
// passwords on SQLite. Users are loaded through Store::Commit, 1,000 a
// commit. Figures: docs/PERFORMANCE.md "SCIM".
//
//   build-bench/bench/scim_bench --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true   (one command line)
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/sqlite_store.h"
#include "iam/user_id.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

namespace iam {
namespace {

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";

// One tenant of `users` users behind a SCIM endpoint, and its bearer token.
struct Fixture {
  std::string path;
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> host;  // allow-all: loads and issues the token
  std::unique_ptr<Engine> engine;
  std::unique_ptr<WireService> wire;
  std::string token;
  ~Fixture() {
    wire.reset();
    engine.reset();
    host.reset();
    store.reset();
    if (!path.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
    }
  }
};

Fixture* Build(bool sqlite, int users) {
  auto* f = new Fixture;
  if (sqlite) {
    f->path = absl::StrCat("/tmp/iam_scim_bench_", getpid(), "_", users, ".db");
    auto opened = SqliteStore::Open(f->path);
    if (!opened.ok()) std::abort();
    f->store = *std::move(opened);
  } else {
    f->store = std::make_unique<MemoryStore>();
  }
  const Profile& profile = *FindProfile("huawei");
  for (int done = 0; done < users;) {
    WriteSet w;
    w.now = absl::Now();
    for (int i = 0; i < 1000 && done < users; ++i, ++done) {
      UserRecord r;
      r.user.id = NewUserId(profile);
      r.user.tenant = kTenant;
      r.user.username = absl::StrCat("user", done);
      r.user.external_id = r.user.id;
      r.user.created_at = r.user.updated_at = w.now;
      r.canonical_username = r.user.username;
      w.new_users.push_back(std::move(r));
    }
    if (!f->store->Commit(w).ok()) std::abort();
  }
  EngineOptions o;
  o.argon2 = Argon2Params::ForTests();
  o.host_key = std::string(32, 'b');
  f->engine = std::make_unique<Engine>(o, f->store.get());
  o.authorizer = AllowAllAuthorizer();
  f->host = std::make_unique<Engine>(o, f->store.get());
  CreateUserRequest provisioner;
  provisioner.tenant = kTenant;
  provisioner.username = "scim-provisioner";
  provisioner.policies = {"AdministratorAccess"};
  auto created = f->host->CreateUser(provisioner);
  if (!created.ok()) std::abort();
  auto issued = f->host->IssueApiToken({}, kTenant, created->user.id, absl::ZeroDuration());
  if (!issued.ok()) std::abort();
  f->token = issued->token.Reveal();
  f->wire = std::make_unique<WireService>(f->engine.get(), WireOptions{});
  return f;
}

// Built once per (store, size) and kept for the process: loading 100k users
// is the slow part.
Fixture& Tenant(bool sqlite, int users) {
  static auto* fixtures = new std::map<std::pair<bool, int>, std::unique_ptr<Fixture>>;
  auto& slot = (*fixtures)[{sqlite, users}];
  if (!slot) slot.reset(Build(sqlite, users));
  return *slot;
}

WireRequest Get(const Fixture& f, std::string query) {
  WireRequest r;
  r.method = "GET";
  r.path = "/scim/v2/Users";
  r.query = std::move(query);
  r.headers = {{"Authorization", "Bearer " + f.token}};
  return r;
}

// Okta's and Entra's lookup before each create: one user of N, by name.
void BM_FilterUserNameEq(benchmark::State& state) {
  const bool sqlite = state.range(0) == 1;
  const int users = static_cast<int>(state.range(1));
  Fixture& f = Tenant(sqlite, users);
  int k = 0;
  for (auto _ : state) {
    WireResponse res = f.wire->Handle(
        Get(f, absl::StrCat("filter=userName%20eq%20%22user", (k++ * 7919) % users, "%22")));
    if (res.status != 200) state.SkipWithError("lookup failed");
  }
  state.SetLabel(sqlite ? "sqlite" : "memory");
}
BENCHMARK(BM_FilterUserNameEq)
    ->ArgsProduct({{0, 1}, {1000, 10000, 100000}})
    ->Unit(benchmark::kMicrosecond);

// Okta's connection test, startIndex=1&count=2: totalResults counts the tenant.
void BM_ListFirstPage(benchmark::State& state) {
  const bool sqlite = state.range(0) == 1;
  Fixture& f = Tenant(sqlite, static_cast<int>(state.range(1)));
  for (auto _ : state) {
    WireResponse res = f.wire->Handle(Get(f, "startIndex=1&count=2"));
    if (res.status != 200) state.SkipWithError("list failed");
  }
  state.SetLabel(sqlite ? "sqlite" : "memory");
}
BENCHMARK(BM_ListFirstPage)
    ->ArgsProduct({{0, 1}, {1000, 10000, 100000}})
    ->Unit(benchmark::kMillisecond);

// A Bulk of 1,000 creates without passwords, on a durable SQLite file.
void BM_Bulk1000Creates(benchmark::State& state) {
  Fixture& f = Tenant(true, 1000);
  static int batch = 0;
  for (auto _ : state) {
    state.PauseTiming();
    nlohmann::json ops = nlohmann::json::array();
    for (int i = 0; i < 1000; ++i) {
      const std::string name = absl::StrCat("bulk", batch, "u", i);
      ops.push_back({{"method", "POST"},
                     {"path", "/Users"},
                     {"bulkId", name},
                     {"data", {{"userName", name}, {"externalId", "ext-" + name}}}});
    }
    ++batch;
    WireRequest r;
    r.method = "POST";
    r.path = "/scim/v2/Bulk";
    r.headers = {{"Authorization", "Bearer " + f.token}, {"Content-Type", "application/scim+json"}};
    r.body = nlohmann::json{
        {"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}},
        {"Operations",
         ops}}.dump();
    state.ResumeTiming();
    WireResponse res = f.wire->Handle(r);
    if (res.status != 200 ||
        res.body.view().find("\"status\":\"409\"") != absl::string_view::npos) {
      state.SkipWithError("bulk failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Bulk1000Creates)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace iam

BENCHMARK_MAIN();
