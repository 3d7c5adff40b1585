// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: arbitrary bytes as one HTTP request handed to
// WireService::Handle, over a MemoryStore holding a tenant administrator
// with a session token and an access key. The input is
//   METHOD SP TARGET LF (NAME ":" VALUE LF)* LF BODY
// and a header value "@token" is replaced by the admin's token, "@cookie" by
// the console's cookie holding it and "@csrf" by its CSRF token, so the
// fuzzer reaches the authenticated handlers too. Any crash, sanitizer
// report, or an answer without X-Request-Id or with a 5xx is a finding.
//
//   build-fuzz/fuzz/wire_fuzz -max_total_time=3600 fuzz/corpus/wire   # long mode
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/wire.h"

namespace {

struct World {
  World() {
    iam::EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.argon2 = iam::Argon2Params::ForTests();
    o.host_key = std::string(32, 'f');
    engine = std::make_unique<iam::Engine>(o, &store);
    wire = std::make_unique<iam::WireService>(engine.get(), iam::WireOptions{});
    iam::CreateUserRequest admin;
    admin.tenant = "d78cbac186b744899480f25bd022f468";
    admin.username = "admin01";
    admin.password_mode = iam::PasswordMode::kManual;
    admin.password = iam::Secret(std::string("Admin-Secret9"));
    admin.require_password_reset = false;
    admin.access_key = true;
    if (!engine->CreateUser(admin).ok()) std::abort();
    auto login = engine->Login(admin.tenant, "admin01", "Admin-Secret9");
    if (!login.ok() || login->token.empty()) std::abort();
    token = login->token.Reveal();
    iam::WireRequest who;
    who.method = "GET";
    who.path = "/console/api/session";
    who.headers = {{"Cookie", "iam_console=" + token}};
    const iam::WireResponse session = wire->Handle(who);
    const std::string body(session.body.view());
    const size_t at = body.find("\"csrf_token\":\"");
    if (session.status != 200 || at == std::string::npos) std::abort();
    csrf = body.substr(at + 14, 64);
  }
  iam::MemoryStore store;
  std::unique_ptr<iam::Engine> engine;
  std::unique_ptr<iam::WireService> wire;
  std::string token;
  std::string csrf;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* const world = new World();
  const std::string input(reinterpret_cast<const char*>(data), size);
  iam::WireRequest r;
  const size_t head_end = input.find("\n\n");
  const absl::string_view head =
      absl::string_view(input).substr(0, head_end == std::string::npos ? input.size() : head_end);
  if (head_end != std::string::npos) r.body = input.substr(head_end + 2);
  bool first = true;
  for (absl::string_view line : absl::StrSplit(head, '\n')) {
    if (first) {
      first = false;
      std::pair<absl::string_view, absl::string_view> mt =
          absl::StrSplit(line, absl::MaxSplits(' ', 1));
      r.method = std::string(mt.first);
      const size_t q = mt.second.find('?');
      r.path = std::string(mt.second.substr(0, q));
      if (q != absl::string_view::npos) r.query = std::string(mt.second.substr(q + 1));
      continue;
    }
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    std::string value(absl::StripLeadingAsciiWhitespace(kv.second));
    if (value == "@token") value = world->token;
    if (value == "@cookie") value = "iam_console=" + world->token;
    if (value == "@csrf") value = world->csrf;
    r.headers.emplace_back(std::string(kv.first), std::move(value));
  }
  const iam::WireResponse res = world->wire->Handle(r);
  if (iam::FindHeader(res.headers, "X-Request-Id") == nullptr) std::abort();
  if (res.status >= 500) std::abort();  // no input may make the server fail
  return 0;
}
