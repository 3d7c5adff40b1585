// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "wire/console_files.h"

namespace iam::wire {
namespace {

constexpr std::pair<absl::string_view, absl::string_view> kContentTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

constexpr std::pair<absl::string_view, absl::string_view> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-cache"},
};

WireResponse Plain(int status, absl::string_view text, const std::string& request_id) {
  WireResponse res;
  res.status = status;
  res.request_id = request_id;
  res.body = Secret(std::string(text));
  res.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"X-Request-Id", request_id}};
  for (const auto& [name, value] : kSecurityHeaders) res.headers.emplace_back(name, value);
  return res;
}

}  // namespace

bool IsConsolePagePath(absl::string_view path) {
  return (path == "/console" || absl::StartsWith(path, "/console/")) &&
         !absl::StartsWith(path, "/console/api/");
}

WireResponse ServeConsoleFile(const WireRequest& request, const std::string& request_id) {
  if (request.method != "GET" && request.method != "HEAD") {
    WireResponse res = Plain(405, "The console's pages are read with GET.\n", request_id);
    res.headers.emplace_back("Allow", "GET, HEAD");
    return res;
  }
  if (request.path == "/console") {
    WireResponse res = Plain(308, "", request_id);
    res.headers.emplace_back("Location", "/console/");
    return res;
  }
  absl::string_view name = request.path;
  absl::ConsumePrefix(&name, "/console/");
  if (name.empty()) name = "index.html";
  for (const EmbeddedFile& file : ConsoleFiles()) {
    if (file.name != name) continue;
    WireResponse res = Plain(200, file.bytes, request_id);
    for (const auto& [suffix, type] : kContentTypes) {
      if (absl::EndsWith(name, suffix)) res.headers.front().second = std::string(type);
    }
    if (request.method == "HEAD") res.body.Clear();
    return res;
  }
  return Plain(404, "No such page in the console.\n", request_id);
}

}  // namespace iam::wire
