// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The wire layer: the seeds' HTTP APIs as a function. A host that has its own
// HTTP stack hands iamcore a request and sends back the response; routing,
// body limits, JSON parsing, caller authentication (X-Auth-Token or an
// SDK-HMAC-SHA256 signature), the engine call and the dialect's response and
// error shapes all happen here. Every rule is the engine's; nothing is checked
// twice. `iamctl serve` is one such host (cpp-httplib).
//
//   iam::WireOptions options;
//   options.public_url = "http://127.0.0.1:8080";   // links and the catalog
//   iam::WireService wire(&engine, options);
//   iam::WireRequest req;
//   req.method = "POST";
//   req.path = "/v3/users";
//   req.headers = {{"X-Auth-Token", token}, {"Content-Type", "application/json"}};
//   req.body = R"({"user": {"name": "alice.wong"}})";
//   iam::WireResponse res = wire.Handle(req);   // 201, {"user": {...}}
//
// Dialects: Keystone v3 (`/v3/...`, errors {"error": {"code", "message",
// "title"}}), Huawei IAM v3.0 (`/v3.0/...`, errors {"error_msg",
// "error_code"}), Tencent CAM 2019-01-16 (`POST /` with X-TC-Action and a
// TC3-HMAC-SHA256 signature; every answer HTTP 200 {"Response": {...}}) and
// Alibaba IDaaS EIAM 2021-12-01 (RPC: x-acs-action or Action=, signed with
// ACS3-HMAC-SHA256 or the v1 HMAC-SHA1 Signature parameter; errors
// {"RequestId", "Code", "Message"}). Every response carries X-Request-Id. No response, header or
// log field carries a password, secret, token or a rejected field's value.
//
// Thread-safety: Handle may be called from many threads at once. The engine is
// borrowed and must outlive the service.
#ifndef IAM_WIRE_H_
#define IAM_WIRE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/clock.h"
#include "iam/engine.h"
#include "iam/export.h"
#include "iam/secret.h"

namespace iam {

using WireHeaders = std::vector<std::pair<std::string, std::string>>;

struct WireRequest {
  std::string method;   // upper case: GET, HEAD, POST, PUT, PATCH, DELETE
  std::string path;     // as received (percent-encoded), without the query
  std::string query;    // as received, without the '?'
  WireHeaders headers;  // names compare case-insensitively
  std::string body;
  std::string peer;  // the client: "ip:port" or "[ipv6]:port"; policies may test its address
};

// The first value of header `name` (case-insensitive), or null.
IAM_EXPORT const std::string* FindHeader(const WireHeaders& headers, absl::string_view name);

struct WireResponse {
  int status = 500;
  WireHeaders headers;  // Content-Type, X-Request-Id, X-Subject-Token, ...
  // The body may hold a one-time secret (a created access key, a generated
  // password), so it is wiped when the response goes.
  Secret body;
  // For the host's access log, never sent: the request id (also in the
  // X-Request-Id header) and the authenticated caller's user id, "" if none.
  std::string request_id;
  std::string principal;
};

struct WireOptions {
  // This server's own URL without a trailing '/', e.g. "http://127.0.0.1:8080":
  // the catalog's identity endpoint and every link (links.self of users and
  // groups).
  std::string public_url = "http://127.0.0.1:8080";
  size_t max_body = size_t{1} << 20;  // larger bodies answer 413
  // How far a signature's time may be from the clock, either way: Huawei's
  // X-Sdk-Date, Alibaba's x-acs-date and Timestamp (15 minutes, as Alibaba
  // documents), and Tencent's X-TC-Timestamp (5 minutes, as Tencent does).
  absl::Duration signature_skew = absl::Minutes(15);
  absl::Duration tencent_signature_skew = absl::Minutes(5);
  Clock* clock = nullptr;  // null = SystemClock()
};

class IAM_EXPORT WireService {
 public:
  WireService(Engine* engine, WireOptions options);
  ~WireService();
  WireService(const WireService&) = delete;
  WireService& operator=(const WireService&) = delete;

  // Never throws; an internal failure answers 500 in the dialect's shape.
  WireResponse Handle(const WireRequest& request) const;
  // The dialect's error answer for a failure the host itself detected before
  // Handle could run (400 malformed HTTP, 408 timeout, 413 body too large,
  // 414 target too long), for a request to `path`.
  WireResponse HostError(int status, absl::string_view path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iam

#endif  // IAM_WIRE_H_
