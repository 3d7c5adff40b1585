// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The cost of one authorization decision (issue 13's goal: <= 1 us) for a
// principal with 10 attached policies of 10 statements each, wildcard
// actions and resources, beside a naive evaluator that re-parses every
// policy's JSON for each decision (the same rules, no compiled form), and
// the whole PolicyAuthorizer step the engine runs (caller lookup in a
// MemoryStore, the target rendered, the decision).
//
//   build-test/bench/policy_bench            (bench/run.sh: 5 repetitions)
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/policy.h"

namespace {

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";
constexpr int kPolicies = 10;
constexpr int kStatements = 10;

// Policy p, statement s: wildcard actions on a team's users; the first
// statement of each policy denies deleting that team's leads. None matches
// user "carol" of team "zz" except the very last Allow (the worst case for an
// allowed call: every Deny and every Allow before it is tried).
std::vector<std::string> Documents() {
  std::vector<std::string> docs;
  for (int p = 0; p < kPolicies; ++p) {
    std::string statements;
    for (int s = 0; s < kStatements; ++s) {
      const bool last = p == kPolicies - 1 && s == kStatements - 1;
      const std::string team = last ? "zz" : absl::StrCat("t", p, s);
      absl::StrAppend(
          &statements, s ? "," : "",
          s == 0
              ? absl::StrCat(R"({"Effect":"Deny","Action":"iam:Delete*","Resource":"iam::)",
                             kTenant, ":user:", team, "-lead-*\"}")
              : absl::StrCat(R"({"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:*User"],)",
                             R"("Resource":["iam::)", kTenant, ":user:", team,
                             "-*\",\"iam::", kTenant, ":group:", team, "?\"]}"));
    }
    docs.push_back(absl::StrCat(R"({"Version":"1.1","Statement":[)", statements, "]}"));
  }
  return docs;
}

struct Compiled {
  std::vector<std::shared_ptr<const iam::CompiledPolicy>> owned;
  std::vector<const iam::CompiledPolicy*> raw;
};

Compiled CompileAll() {
  Compiled c;
  for (const std::string& d : Documents()) {
    c.owned.push_back(*iam::CompilePolicy(d, *iam::FindProfile("huawei")));
    c.raw.push_back(c.owned.back().get());
  }
  return c;
}

const std::string kAllowed = absl::StrCat("iam::", kTenant, ":user:zz-carol");
const std::string kDenied = absl::StrCat("iam::", kTenant, ":user:t50-lead-dave");
const std::string kNobody = absl::StrCat("iam::", kTenant, ":user:qq-erin");

void BM_Decision(benchmark::State& state, const std::string& resource, const char* action,
                 iam::Decision expected) {
  const Compiled c = CompileAll();
  iam::RequestContext context;
  context.source_ip = "10.1.2.3";
  const iam::AccessQuestion q{action, resource, &context};
  if (iam::Evaluate(c.raw, q) != expected) {  // a wrong case would measure nothing
    std::fprintf(stderr, "policy_bench: unexpected decision for %s\n", resource.c_str());
    std::exit(1);
  }
  for (auto _ : state) benchmark::DoNotOptimize(iam::Evaluate(c.raw, q));
}
BENCHMARK_CAPTURE(BM_Decision, compiled_allow_last, kAllowed, "iam:UpdateUser",
                  iam::Decision::kAllow);
BENCHMARK_CAPTURE(BM_Decision, compiled_explicit_deny, kDenied, "iam:DeleteUser",
                  iam::Decision::kExplicitDeny);
BENCHMARK_CAPTURE(BM_Decision, compiled_implicit_deny, kNobody, "iam:GetUser",
                  iam::Decision::kImplicitDeny);

// The peer: the same documents parsed and compiled for every decision.
void BM_NaiveReparse(benchmark::State& state) {
  const std::vector<std::string> docs = Documents();
  const iam::Profile& huawei = *iam::FindProfile("huawei");
  for (auto _ : state) {
    std::vector<std::shared_ptr<const iam::CompiledPolicy>> owned;
    std::vector<const iam::CompiledPolicy*> raw;
    for (const std::string& d : docs) {
      owned.push_back(*iam::CompilePolicy(d, huawei));
      raw.push_back(owned.back().get());
    }
    benchmark::DoNotOptimize(iam::Evaluate(raw, {"iam:UpdateUser", kAllowed, nullptr}));
  }
}
BENCHMARK(BM_NaiveReparse)->Name("BM_Decision/naive_reparse_allow_last");

// The engine that fills a benchmark's store (every call allowed, by name).
iam::EngineOptions SetupOptions() {
  iam::EngineOptions o;
  o.authorizer = iam::AllowAllAuthorizer();
  o.argon2 = iam::Argon2Params::ForTests();
  o.host_key = std::string(32, 'b');
  return o;
}

// What the engine's preamble pays: the caller read from the store, the
// target resolved and rendered, the decision (system policy attached).
void BM_PolicyAuthorizer(benchmark::State& state) {
  iam::MemoryStore store;
  iam::Engine setup(SetupOptions(), &store);
  iam::CreateUserRequest admin;
  admin.tenant = kTenant;
  admin.username = "admin01";
  admin.policies = {"IAM ReadOnlyAccess", "AdministratorAccess"};
  const std::string admin_id = setup.CreateUser(admin)->user.id;
  iam::CreateUserRequest bob;
  bob.tenant = kTenant;
  bob.username = "bob.smith";
  const std::string bob_id = setup.CreateUser(bob)->user.id;
  iam::PolicyAuthorizer authorizer(&store, *iam::FindProfile("huawei"));
  const iam::Principal caller{admin_id, kTenant, {}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(authorizer.AuthorizeTarget(caller, "iam:GetUser", kTenant, bob_id));
  }
}
BENCHMARK(BM_PolicyAuthorizer)->Name("BM_Decision/authorizer_memory_store");

// The same with the ten 10-statement documents as the tenant's own policies,
// attached to a group the caller is in: each decision reads the caller, its
// group and the ten policies' current versions from the store and takes the
// compiled forms from the cache (compiled once, on the first decision).
void BM_PolicyAuthorizerTenantPolicies(benchmark::State& state) {
  iam::MemoryStore store;
  iam::Engine setup(SetupOptions(), &store);
  iam::DirectoryEntry group;
  group.tenant = kTenant;
  group.name = "editors";
  const std::vector<std::string> docs = Documents();
  for (size_t i = 0; i < docs.size(); ++i) {
    iam::DirectoryEntry p;
    p.kind = iam::EntryKind::kPolicy;
    p.tenant = kTenant;
    p.name = absl::StrCat("Policy", i);
    p.document = docs[i];
    if (!setup.CreateEntry({}, p).ok()) std::abort();
    group.policies.push_back(p.name);
  }
  if (!setup.CreateEntry({}, group).ok()) std::abort();
  iam::CreateUserRequest editor;
  editor.tenant = kTenant;
  editor.username = "editor01";
  editor.groups = {"editors"};
  const std::string editor_id = setup.CreateUser(editor)->user.id;
  iam::CreateUserRequest carol;
  carol.tenant = kTenant;
  carol.username = "zz-carol";
  const std::string carol_id = setup.CreateUser(carol)->user.id;
  iam::PolicyAuthorizer authorizer(&store, *iam::FindProfile("huawei"));
  const iam::Principal caller{editor_id, kTenant, {}};
  if (!authorizer.AuthorizeTarget(caller, "iam:UpdateUser", kTenant, carol_id).ok()) std::abort();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        authorizer.AuthorizeTarget(caller, "iam:UpdateUser", kTenant, carol_id));
  }
}
BENCHMARK(BM_PolicyAuthorizerTenantPolicies)
    ->Name("BM_Decision/authorizer_group_of_10_tenant_policies");

}  // namespace

BENCHMARK_MAIN();
