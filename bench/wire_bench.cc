// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The wire layer in process: the cost of one SDK-HMAC-SHA256 check (the
// canonical request, SHA-256 twice, HMAC-SHA256, the constant-time compare:
// what every AK/SK request pays on top of the key lookup), and whole
// WireService::Handle calls on a MemoryStore (token and signed GETs, the
// console's session, a create without a password), so the HTTP server's figures
// (bench/server/run.sh) can be split into wire cost and transport cost.
#include <sodium.h>

#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/request_signature.h"
#include "iam/wire.h"

namespace iam {
namespace {

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";
constexpr char kSk[] = "ExampleSecretKey0123456789abcdefghijklmn";

WireRequest SdkPost() {
  WireRequest r;
  r.method = "POST";
  r.path = "/v3/users";
  r.body =
      R"({"user":{"name":"alice","domain_id":"d0000000000000000000000000000001","enabled":true}})";
  r.headers = {{"Content-Type", "application/json"},
               {"host", "127.0.0.1:8080"},
               {"X-Domain-Id", "d0000000000000000000000000000001"},
               {"X-Sdk-Date", "20191115T033655Z"},
               {"User-Agent", "huaweicloud-usdk-nodejs/3.0"}};
  return r;
}

// What the server does per signed request, the key's secret in hand.
void BM_SignatureCheck(benchmark::State& state) {
  const WireRequest r = SdkPost();
  const std::string header = SignSdkRequest(r, "HPUAEXAMPLEAK0000000", kSk);
  for (auto _ : state) {
    absl::StatusOr<SdkAuthorization> auth = ParseSdkAuthorization(header);
    absl::StatusOr<std::string> canonical = SdkCanonicalRequest(r, auth->signed_headers);
    const std::string expected = SdkSignature(kSk, "20191115T033655Z", *canonical);
    benchmark::DoNotOptimize(
        sodium_memcmp(expected.data(), auth->signature.data(), expected.size()));
  }
}
BENCHMARK(BM_SignatureCheck);

// The other schemes, the same work per request (docs/WIRE-NOTES-2.md).

// Tencent's AddUser as the SDK sends it.
WireRequest Tc3AddUser() {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  r.body =
      R"({"Name":"alice","ConsoleLogin":1,"UseApi":1,"Password":"P@ssw0rd!23","NeedResetPassword":1})";
  r.headers = {{"Content-Type", "application/json"},
               {"Host", "127.0.0.1:8080"},
               {"X-TC-Action", "AddUser"},
               {"X-TC-Timestamp", "1700000000"}};
  return r;
}

void BM_Tc3SignatureCheck(benchmark::State& state) {
  const WireRequest r = Tc3AddUser();
  const std::string header = SignTc3Request(r, "AKIDEXAMPLE", "ExampleSecretKey0123456789abcdef");
  for (auto _ : state) {
    absl::StatusOr<Tc3Authorization> auth = ParseTc3Authorization(header);
    absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(r, auth->signed_headers);
    const std::string expected = Tc3Signature("ExampleSecretKey0123456789abcdef", "1700000000",
                                              auth->date, auth->service, *canonical);
    benchmark::DoNotOptimize(
        sodium_memcmp(expected.data(), auth->signature.data(), expected.size()));
  }
}
BENCHMARK(BM_Tc3SignatureCheck);

// With kSigning kept per key and day, as a verifier does: one HMAC left.
void BM_Tc3SignatureCheckCachedKey(benchmark::State& state) {
  const WireRequest r = Tc3AddUser();
  const std::string header = SignTc3Request(r, "AKIDEXAMPLE", "ExampleSecretKey0123456789abcdef");
  const Secret key = Tc3SigningKey("ExampleSecretKey0123456789abcdef", "2023-11-14", "127");
  for (auto _ : state) {
    absl::StatusOr<Tc3Authorization> auth = ParseTc3Authorization(header);
    absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(r, auth->signed_headers);
    const std::string expected =
        Tc3SignatureWithKey(key, "1700000000", auth->date, auth->service, *canonical);
    benchmark::DoNotOptimize(
        sodium_memcmp(expected.data(), auth->signature.data(), expected.size()));
  }
}
BENCHMARK(BM_Tc3SignatureCheckCachedKey);

void BM_Acs3SignatureCheck(benchmark::State& state) {
  WireRequest r;
  r.method = "POST";
  r.path = "/";
  r.query =
      "InstanceId=idaas_ue2jvisn35ea5lmthk267xxxxx&Username=user_001&Password=123456&"
      "PhoneRegion=86&PhoneNumber=12345678901&Email=example%40example.com";
  r.headers = {
      {"host", "127.0.0.1:8080"},
      {"x-acs-action", "CreateUser"},
      {"x-acs-version", "2021-12-01"},
      {"x-acs-date", "2024-01-01T00:00:00Z"},
      {"x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"},
      {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
  const std::string header = SignAcs3Request(r, "LTAI5tEXAMPLE", kSk);
  for (auto _ : state) {
    absl::StatusOr<Acs3Authorization> auth = ParseAcs3Authorization(header);
    absl::StatusOr<std::string> canonical = Acs3CanonicalRequest(r, auth->signed_headers);
    const std::string expected = Acs3Signature(kSk, *canonical);
    benchmark::DoNotOptimize(
        sodium_memcmp(expected.data(), auth->signature.data(), expected.size()));
  }
}
BENCHMARK(BM_Acs3SignatureCheck);

void BM_RpcV1SignatureCheck(benchmark::State& state) {
  const std::vector<std::pair<std::string, std::string>> params = {
      {"AccessKeyId", "LTAI5tEXAMPLE"},
      {"Action", "CreateUser"},
      {"Format", "JSON"},
      {"InstanceId", "idaas_ue2jvisn35ea5lmthk267xxxxx"},
      {"Password", "123456"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "0123456789abcdef"},
      {"SignatureVersion", "1.0"},
      {"Timestamp", "2024-01-01T00:00:00Z"},
      {"Username", "user_001"},
      {"Version", "2021-12-01"}};
  const std::string presented = RpcV1Signature(kSk, *RpcV1StringToSign("POST", params));
  for (auto _ : state) {
    const std::string expected = RpcV1Signature(kSk, *RpcV1StringToSign("POST", params));
    benchmark::DoNotOptimize(expected == presented);
  }
}
BENCHMARK(BM_RpcV1SignatureCheck);

struct Fixture {
  Fixture() {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'b');
    engine = std::make_unique<Engine>(o, &store);
    wire = std::make_unique<WireService>(engine.get(), WireOptions{});
    CreateUserRequest admin;
    admin.tenant = kTenant;
    admin.username = "admin01";
    admin.password_mode = PasswordMode::kManual;
    admin.password = Secret(std::string("Admin-Secret9"));
    admin.require_password_reset = false;
    admin.access_key = true;
    auto created = engine->CreateUser(admin);
    user_id = created->user.id;
    ak = created->access_key->id;
    sk = created->access_key->secret.Reveal();
    auto login = engine->Login(kTenant, "admin01", "Admin-Secret9");
    token = login->token.Reveal();
  }
  MemoryStore store;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<WireService> wire;
  std::string user_id, ak, sk, token;
};

void BM_WireGetUserByToken(benchmark::State& state) {
  Fixture f;
  WireRequest r;
  r.method = "GET";
  r.path = "/v3/users/" + f.user_id;
  r.headers = {{"X-Auth-Token", f.token}};
  for (auto _ : state) {
    WireResponse res = f.wire->Handle(r);
    if (res.status != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_WireGetUserByToken);

void BM_WireGetUserSigned(benchmark::State& state) {
  Fixture f;
  WireRequest r;
  r.method = "GET";
  r.path = "/v3/users/" + f.user_id;
  r.headers = {{"Host", "127.0.0.1:8080"}, {"X-Sdk-Date", FormatSdkDate(absl::Now())}};
  r.headers.push_back({"Authorization", SignSdkRequest(r, f.ak, f.sk)});
  for (auto _ : state) {
    WireResponse res = f.wire->Handle(r);
    if (res.status != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_WireGetUserSigned);

// The console's page load: who is signed in, by the session cookie.
void BM_WireConsoleSession(benchmark::State& state) {
  Fixture f;
  WireRequest r;
  r.method = "GET";
  r.path = "/console/api/session";
  r.headers = {{"Cookie", "iam_console=" + f.token}};
  for (auto _ : state) {
    WireResponse res = f.wire->Handle(r);
    if (res.status != 200) state.SkipWithError("not 200");
  }
}
BENCHMARK(BM_WireConsoleSession);

void BM_WireCreateUserNoPassword(benchmark::State& state) {
  Fixture f;
  WireRequest r;
  r.method = "POST";
  r.path = "/v3/users";
  r.headers = {{"X-Auth-Token", f.token}, {"Content-Type", "application/json"}};
  int64_t n = 0;
  for (auto _ : state) {
    r.body = "{\"user\": {\"name\": \"bench" + std::to_string(++n) + "\"}}";
    WireResponse res = f.wire->Handle(r);
    if (res.status != 201) state.SkipWithError("not 201");
  }
}
BENCHMARK(BM_WireCreateUserNoPassword);

}  // namespace
}  // namespace iam

BENCHMARK_MAIN();
