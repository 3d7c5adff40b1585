// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// serve: the wire layer (iam/wire.h) behind cpp-httplib on one port, until
// SIGTERM or SIGINT. bootstrap: a tenant's first administrator, printed once.
//
// serve's contract: once it accepts connections it prints exactly one line,
// {"listening": "HOST:PORT"}, on stdout; on SIGTERM/SIGINT it stops
// accepting, finishes the requests in flight, flushes the outbox and exits 0.
// One JSON access-log line per request (stderr, or --access-log FILE): time,
// method, path without the query, status, duration, request id, principal,
// peer. Never a query string, a body or a header value.
#include <httplib.h>
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "commands.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/username.h"
#include "iam/wire.h"

namespace iamctl {
namespace {

// What the worker thread knows of the request it is serving, for the access
// log (cpp-httplib serves one request at a time per thread).
struct RequestTrace {
  std::chrono::steady_clock::time_point start;
  std::string principal;
  std::string method;  // set when cpp-httplib was told another one (see below)
};
thread_local RequestTrace trace;

iam::WireRequest ToWire(const httplib::Request& req) {
  iam::WireRequest w;
  w.method = trace.method.empty() ? req.method : trace.method;
  const size_t q = req.target.find('?');
  w.path = req.target.substr(0, q);
  if (q != std::string::npos) w.query = req.target.substr(q + 1);
  for (const auto& [name, value] : req.headers) {
    // cpp-httplib adds these for itself; they were not on the wire.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    w.headers.emplace_back(name, value);
  }
  w.body = req.body;
  // "ip:port", an IPv6 address in brackets ("[::1]:port") so that it reads
  // one way (iam::wire::CallerOf takes the address for policy conditions).
  const bool v6 = req.remote_addr.find(':') != std::string::npos;
  w.peer = absl::StrCat(v6 ? "[" : "", req.remote_addr, v6 ? "]:" : ":", req.remote_port);
  return w;
}

void FromWire(const iam::WireResponse& w, httplib::Response* res) {
  res->status = w.status;
  std::string content_type = "application/json";
  for (const auto& [name, value] : w.headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      res->set_header(name, value);
    }
  }
  if (!w.body.empty()) res->set_content(w.body.data(), w.body.size(), content_type.c_str());
}

// Wipes every header value (a token) of `headers`, whose keys are const.
void WipeHeaderValues(httplib::Headers& headers) {
  for (auto& header : headers) iam::WipeString(header.second);
}

// Zeroes the stack a finished task used beneath its caller's frame.
// cpp-httplib reads request lines and bodies into buffers on the worker's
// stack, which would keep the last password it read on an idle thread.
constexpr size_t kTaskStackBytes = 256 * 1024;  // far beyond a request's depth
__attribute__((noinline)) void ScrubTaskStack() {
  char used[kTaskStackBytes];
  explicit_bzero(used, sizeof used);
  asm volatile("" : : "r"(used) : "memory");
}

// cpp-httplib's thread pool, each task (one connection) followed by a scrub.
class ScrubbingThreadPool : public httplib::TaskQueue {
 public:
  explicit ScrubbingThreadPool(size_t threads) : pool_(threads) {}
  void enqueue(std::function<void()> task) override {
    pool_.enqueue([task = std::move(task)] {
      task();
      ScrubTaskStack();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
};

// HOST:PORT, PORT 0..65535.
bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  return absl::SimpleAtoi(listen.substr(colon + 1), port) && *port >= 0 && *port <= 65535;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// A JSON line that survives any bytes a client sent (invalid UTF-8 replaced).
std::string LogText(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct ServeOptions {
  bool allow_remote = false;
  std::string listen = "127.0.0.1:8080";
  std::string public_url;
  std::string access_log;
  int64_t max_body = int64_t{1} << 20;
  int64_t timeout_seconds = 10;
  int64_t session_ttl_seconds = 24 * 3600;
  int64_t audit_retention_days = 0;  // 0 = keep every event
  int64_t signature_skew_seconds = 15 * 60;
  int64_t tencent_signature_skew_seconds = 5 * 60;
  int64_t threads = 0;  // 0 = 16 per core, at least 64
};

int Serve(const Globals& globals, const ServeOptions& o) {
  std::string host;
  int port = 0;
  if (!SplitListen(o.listen, &host, &port)) {
    return PrintError(*globals.profile, iam::InvalidField("--listen", "listen.invalid",
                                                          "--listen: must be HOST:PORT"));
  }
  // Passwords, tokens and secret keys cross this socket in clear text.
  if (!IsLoopback(host) && !o.allow_remote) {
    return PrintError(*globals.profile,
                      iam::InvalidField("--listen", "listen.not_loopback",
                                        "--listen: serves plain HTTP; beyond loopback put a TLS "
                                        "proxy in front and pass --allow-remote"));
  }
  // Signals are taken by sigwait below, so no worker thread may get them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  httplib::Server server;
  // Answers go out at once (no Nagle delay behind the client's delayed ACK).
  server.set_tcp_nodelay(true);
  const int bound = port == 0 ? server.bind_to_any_port(host) : port;
  if ((port == 0 && bound < 0) || (port != 0 && !server.bind_to_port(host, port))) {
    return PrintError(*globals.profile,
                      iam::MakeError(absl::StatusCode::kUnavailable, "--listen", "listen.failed",
                                     "--listen: cannot listen on " + o.listen));
  }
  const std::string address = absl::StrCat(host, ":", bound);
  const std::string public_url =
      o.public_url.empty() ? absl::StrCat("http://", address) : o.public_url;

  absl::StatusOr<Session> session =
      OpenSession(globals, [&](iam::EngineOptions& options, Session& s) {
        options.base_url = public_url;
        options.session_ttl = absl::Seconds(o.session_ttl_seconds);
        options.audit_retention = absl::Hours(24) * o.audit_retention_days;
        // Delivery runs beside the requests: a slow receiver delays no create.
        options.dispatch_interval = absl::Seconds(1);
        // Callers act by the policies attached to them (bootstrap's
        // administrator has AdministratorAccess), within their own tenant.
        s.authorizer = std::make_unique<iam::PolicyAuthorizer>(s.store.get(), *options.profile);
        options.authorizer = s.authorizer.get();
      });
  if (!session.ok()) return PrintError(*globals.profile, session.status());
  iam::WireOptions wire_options;
  wire_options.public_url = public_url;
  wire_options.max_body = static_cast<size_t>(o.max_body);
  wire_options.signature_skew = absl::Seconds(o.signature_skew_seconds);
  wire_options.tencent_signature_skew = absl::Seconds(o.tencent_signature_skew_seconds);
  const iam::WireService wire(session->engine.get(), wire_options);

  std::ofstream log_file;
  if (!o.access_log.empty()) {
    log_file.open(o.access_log, std::ios::app);
    if (!log_file) {
      return PrintError(*globals.profile,
                        iam::InvalidField("--access-log", "access_log.unwritable",
                                          "--access-log: cannot open the file for appending"));
    }
  }
  std::ostream& log = o.access_log.empty() ? std::cerr : log_file;
  std::mutex log_mutex;

  const int threads =
      o.threads > 0 ? static_cast<int>(o.threads)
                    : std::max(64, 16 * static_cast<int>(std::thread::hardware_concurrency()));
  server.new_task_queue = [threads] { return new ScrubbingThreadPool(threads); };
  // A body may be up to max_body; cpp-httplib refuses a larger declared one
  // with 413 before reading it, WireService any that got through.
  server.set_payload_max_length(static_cast<size_t>(o.max_body) + 1);
  server.set_read_timeout(o.timeout_seconds, 0);
  server.set_write_timeout(o.timeout_seconds, 0);
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(1000);
  server.set_pre_routing_handler([](const httplib::Request& const_req, httplib::Response&) {
    trace = RequestTrace{};
    trace.start = std::chrono::steady_clock::now();
    // The request is cpp-httplib's to parse but ours to frame (0.11.4):
    httplib::Request& req = const_cast<httplib::Request&>(const_req);
    // No compression or ranges: either would copy a response body (which may
    // hold a one-time secret) into buffers freed without a wipe.
    req.headers.erase("Accept-Encoding");
    req.headers.erase("Range");
    req.ranges.clear();
    const bool framed = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    // HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding
    // has no body. cpp-httplib would read a PUT/POST/PATCH/DELETE body until
    // the connection closes (a timeout, then 400), so say it.
    if (!framed) req.headers.emplace("Content-Length", "0");
    // It never reads a GET, HEAD or OPTIONS body, which would then be parsed
    // as the next request on the connection (the SDK sends "{}" on some
    // GETs): have it read the body as for a POST, and remember the method.
    if (framed && (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") &&
        req.get_header_value("Content-Length") != "0") {
      trace.method = req.method;
      req.method = "POST";
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const auto handle = [&wire](const httplib::Request& req, httplib::Response& res) {
    const iam::WireResponse w = wire.Handle(ToWire(req));
    // cpp-httplib keeps the request while it writes the answer: its body may
    // hold a password and its headers a token (X-Auth-Token, the console's
    // cookie). Every other copy is zeroed as it is freed (wipe_on_free.cc).
    auto& served = const_cast<httplib::Request&>(req);
    iam::WipeString(served.body);
    WipeHeaderValues(served.headers);
    trace.principal = w.principal;
    FromWire(w, &res);
  };
  for (const char* pattern : {".*"}) {
    server.Get(pattern, handle);
    server.Post(pattern, handle);
    server.Put(pattern, handle);
    server.Patch(pattern, handle);
    server.Delete(pattern, handle);
    server.Options(pattern, handle);
  }
  // Errors cpp-httplib answers itself (413, 400, 414) get the dialect's body.
  // cpp-httplib calls these outside its try/catch: nothing may throw.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&wire](const httplib::Request& req, httplib::Response& res) {
        if (res.has_header("X-Request-Id")) return httplib::Server::HandlerResponse::Unhandled;
        try {
          FromWire(wire.HostError(res.status, req.path), &res);
        } catch (...) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  // A handler's exception answers 500 in the dialect's shape (cpp-httplib's
  // own would put e.what() in a header).
  server.set_exception_handler(
      [&wire](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        FromWire(wire.HostError(500, req.path), &res);
      });
  const auto log_request = [&](const httplib::Request& req, const httplib::Response& res) {
    const auto now = std::chrono::steady_clock::now();
    const double ms = trace.start.time_since_epoch().count() == 0
                          ? 0.0
                          : std::chrono::duration<double, std::milli>(now - trace.start).count();
    const nlohmann::json line = {
        {"time", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())},
        {"method", trace.method.empty() ? req.method : trace.method},
        {"path", req.target.substr(0, req.target.find('?'))},
        {"status", res.status},
        {"duration_ms", static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000},
        {"request_id", res.get_header_value("X-Request-Id")},
        {"principal", trace.principal},
        {"peer", req.remote_addr},
    };
    trace = RequestTrace{};
    std::lock_guard<std::mutex> lock(log_mutex);
    log << LogText(line) << '\n' << std::flush;
  };
  server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    try {
      log_request(req, res);
    } catch (...) {
      // A lost log line (out of memory) must not take the server down.
    }
  });

  PrintJson({{"listening", address}});
  std::thread listener([&server] { server.listen_after_bind(); });
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.stop();  // stops accepting; the pool finishes what is in flight
  listener.join();
  absl::StatusOr<int> flushed = session->engine->DispatchOutbox();
  if (!flushed.ok()) {
    std::lock_guard<std::mutex> lock(log_mutex);
    log << LogText({{"event", "outbox_flush_failed"},
                    {"message", std::string(flushed.status().message())}})
        << '\n';
  }
  return kExitOk;
}

// JSON string quoting for text that must not be copied into a JSON value.
void AppendQuoted(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

int Bootstrap(const Globals& globals, const std::string& tenant, const std::string& admin) {
  absl::StatusOr<Session> session = OpenSession(globals);
  if (!session.ok()) return PrintError(*globals.profile, session.status());
  iam::Engine& engine = *session->engine;
  // Run twice, it changes nothing: a tenant with a registry entry or any user
  // has been bootstrapped (or is in use) already.
  absl::StatusOr<bool> registered = session->store->TenantExists(tenant);
  if (!registered.ok()) return PrintError(*globals.profile, registered.status());
  iam::ListUsersRequest probe;
  probe.tenant = tenant;
  probe.page_size = 1;
  absl::StatusOr<iam::ListUsersResult> users = engine.ListUsers(probe);
  if (!users.ok()) return PrintError(*globals.profile, users.status());
  if (*registered || !users->users.empty()) {
    return PrintError(*globals.profile,
                      iam::MakeError(absl::StatusCode::kAlreadyExists, "tenant", "tenant.exists",
                                     "tenant: is bootstrapped already; nothing was changed"));
  }
  iam::CreateUserRequest request;
  request.tenant = tenant;
  request.username = admin;
  request.password_mode = iam::PasswordMode::kGenerated;
  request.require_password_reset = false;  // the administrator logs in with it
  request.access_key = true;
  request.policies = {"AdministratorAccess"};
  // A profile whose users need a primary organizational unit (alibaba) gets
  // one named "root" for its first user; a rerun after a failure reuses it.
  if (engine.profile().requires_primary_ou) {
    absl::StatusOr<std::vector<iam::DirectoryEntry>> ous =
        engine.ListEntries({}, iam::EntryKind::kOrganizationalUnit, tenant, "root");
    if (!ous.ok()) return PrintError(*globals.profile, ous.status());
    for (const iam::DirectoryEntry& e : *ous) {
      if (e.name == "root") request.primary_ou = e.id;
    }
    if (request.primary_ou.empty()) {
      iam::DirectoryEntry root;
      root.kind = iam::EntryKind::kOrganizationalUnit;
      root.tenant = tenant;
      root.name = "root";
      root.description = "The instance's first organizational unit";
      absl::StatusOr<iam::DirectoryEntry> made = engine.CreateEntry({}, root);
      if (!made.ok()) return PrintError(*globals.profile, made.status());
      request.primary_ou = made->id;
    }
  }
  // The user first: it is the step with rules to fail; registering the tenant
  // then cannot fail on input.
  absl::StatusOr<iam::CreateUserResult> created = engine.CreateUser(request);
  if (!created.ok()) return PrintError(*globals.profile, created.status());
  if (absl::Status s = engine.RegisterTenant(tenant); !s.ok()) {
    return PrintError(*globals.profile, s);
  }
  const std::string head = absl::StrCat(
      "{\"tenant\":", nlohmann::json(tenant).dump(),
      ",\"user\":", iam::ToJson(created->user, engine.SelfLink(created->user.id)).dump(),
      ",\"password\":");
  const std::string key_id = nlohmann::json(created->access_key->id).dump();
  std::string out;
  out.reserve(head.size() + key_id.size() + 2 * created->generated_password.size() +
              2 * created->access_key->secret.size() + 64);  // no reallocation, no stray copy
  out += head;
  AppendQuoted(created->generated_password.view(), &out);
  absl::StrAppend(&out, ",\"access_key\":{\"id\":", key_id, ",\"secret\":");
  AppendQuoted(created->access_key->secret.view(), &out);
  out += "}}";
  PrintSecretJson(iam::Secret(std::move(out)));
  return kExitOk;
}

struct ScimTokenOptions {
  std::string action, tenant, user = "scim-provisioner", policy = "AdministratorAccess";
  int64_t ttl_days = 0;
};

// scim-token issue: the service user (created with `policy` when missing;
// an existing one keeps its policies) and a new bearer token, printed once.
// scim-token revoke: every token of the service user ends.
int ScimToken(const Globals& globals, const ScimTokenOptions& o) {
  return WithEngine(globals, o.tenant, [&](iam::Engine& engine) {
    absl::StatusOr<iam::User> user = engine.GetUser({}, o.tenant, o.user);
    if (o.action == "revoke") {
      if (!user.ok()) return PrintError(*globals.profile, user.status());
      if (absl::Status s = engine.RevokeApiTokens({}, o.tenant, user->id); !s.ok()) {
        return PrintError(*globals.profile, s);
      }
      PrintJson({{"revoked", true}, {"user", {{"id", user->id}, {"name", user->username}}}});
      return kExitOk;
    }
    if (absl::IsNotFound(user.status())) {
      iam::CreateUserRequest request;
      request.tenant = o.tenant;
      request.username = o.user;
      request.description = "SCIM provisioning";
      request.policies = {o.policy};
      absl::StatusOr<iam::CreateUserResult> created = engine.CreateUser(request);
      if (!created.ok()) return PrintError(*globals.profile, created.status());
      user = created->user;
    }
    if (!user.ok()) return PrintError(*globals.profile, user.status());
    absl::StatusOr<iam::IssuedApiToken> issued =
        engine.IssueApiToken({}, o.tenant, user->id, absl::Hours(24) * o.ttl_days);
    if (!issued.ok()) return PrintError(*globals.profile, issued.status());
    const nlohmann::json expires = iam::TimeToJson(issued->expires_at);  // null: until revoked
    const std::string tail = absl::StrCat(
        ",\"user\":", nlohmann::json({{"id", user->id}, {"name", user->username}}).dump(),
        ",\"expires_at\":", expires.dump(), "}");
    std::string out;
    out.reserve(2 * issued->token.size() + tail.size() + 16);  // no stray copy
    out += "{\"token\":";
    AppendQuoted(issued->token.view(), &out);
    out += tail;
    PrintSecretJson(iam::Secret(std::move(out)));
    return kExitOk;
  });
}

}  // namespace

void AddServerCommands(Commands& commands) {
  auto serve = std::make_shared<ServeOptions>();
  CLI::App* cmd = commands.Add(
      "serve", "Serves the HTTP APIs (Keystone v3, Huawei v3.0) until SIGTERM or SIGINT.",
      [serve](const Globals& g) { return Serve(g, *serve); });
  AddText(cmd, "--listen", &serve->listen, "HOST:PORT",
          "where to listen (default 127.0.0.1:8080; port 0 picks a free one)");
  cmd->add_flag("--allow-remote", serve->allow_remote,
                "listen beyond loopback (plain HTTP: put a TLS proxy in front)");
  AddText(cmd, "--public-url", &serve->public_url, "URL",
          "this server's URL in links and the catalog (default http://HOST:PORT)");
  AddText(cmd, "--access-log", &serve->access_log, "FILE",
          "append the access log here (default stderr)");
  cmd->add_option("--max-body", serve->max_body,
                  "the largest request body in bytes (default 1 MiB)")
      ->type_name("N")
      ->transform(IntegerIn(1, int64_t{64} << 20, "1 to 67108864"));
  cmd->add_option("--timeout", serve->timeout_seconds,
                  "read and write timeout in seconds (default 10)")
      ->type_name("S")
      ->transform(IntegerIn(1, 3600, "1 to 3600"));
  cmd->add_option("--session-ttl", serve->session_ttl_seconds,
                  "token lifetime in seconds (default 86400)")
      ->type_name("S")
      ->transform(IntegerIn(60, 30 * 86400, "60 to 2592000"));
  cmd->add_option("--audit-retention-days", serve->audit_retention_days,
                  "delete audit events older than this, hourly (default 0: keep them all)")
      ->type_name("N")
      ->transform(IntegerIn(0, 36500, "0 to 36500"));
  cmd->add_option("--signature-skew", serve->signature_skew_seconds,
                  "how far X-Sdk-Date, x-acs-date or Timestamp may be from the clock, in "
                  "seconds (default 900)")
      ->type_name("S")
      ->transform(IntegerIn(1, 86400, "1 to 86400"));
  cmd->add_option("--tencent-signature-skew", serve->tencent_signature_skew_seconds,
                  "how far X-TC-Timestamp may be from the clock, in seconds (default 300)")
      ->type_name("S")
      ->transform(IntegerIn(1, 86400, "1 to 86400"));
  cmd->add_option("--threads", serve->threads,
                  "worker threads (default 16 per core, at least 64): one per open connection")
      ->type_name("N")
      ->transform(IntegerIn(1, 1024, "1 to 1024"));

  struct BootstrapOptions {
    std::string tenant, admin;
  };
  auto boot = std::make_shared<BootstrapOptions>();
  CLI::App* b = commands.Add(
      "bootstrap",
      "Registers a tenant and creates its first administrator; prints the password and "
      "access key once.",
      [boot](const Globals& g) { return Bootstrap(g, boot->tenant, boot->admin); });
  AddTenant(b, &boot->tenant);
  AddText(b, "--admin", &boot->admin, "NAME", "the administrator's user name")->required();

  auto scim = std::make_shared<ScimTokenOptions>();
  CLI::App* t = commands.Add(
      "scim-token",
      "issue: a SCIM bearer token of the tenant's service user (created when missing), printed "
      "once; revoke: ends every token of that user.",
      [scim](const Globals& g) { return ScimToken(g, *scim); });
  t->add_option("ACTION", scim->action, "issue or revoke")
      ->required()
      ->check(OneOf({"issue", "revoke"}));
  AddTenant(t, &scim->tenant);
  AddText(t, "--user", &scim->user, "NAME", "the service user (default scim-provisioner)");
  AddText(t, "--policy", &scim->policy, "NAME",
          "the policy a new service user gets: the token's rights (default AdministratorAccess)");
  t->add_option("--ttl-days", scim->ttl_days,
                "the token's lifetime in days (default 0: until revoked)")
      ->type_name("N")
      ->transform(IntegerIn(0, 36500, "0 to 36500"));
}

}  // namespace iamctl
