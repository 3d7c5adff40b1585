// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Caller authentication: a Keystone token (X-Auth-Token), a Huawei
// SDK-HMAC-SHA256 signature made with an access key iamcore issued, or the
// console's session cookie with its CSRF token.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/audit.h"
#include "iam/error.h"
#include "iam/request_signature.h"
#include "wire/digests.h"
#include "wire/percent_encoding.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

absl::Status Unauthenticated(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, "", reason, message);
}

bool HasRepeatedKey(absl::string_view query) {
  std::vector<std::string> keys;
  for (absl::string_view item : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    keys.push_back(PercentDecode(item.substr(0, item.find('='))));
  }
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

absl::StatusOr<Principal> FromSignature(const WireRequest& request, absl::string_view header,
                                        Engine& engine, const WireOptions& options, Clock& clock) {
  absl::StatusOr<SdkAuthorization> auth = ParseSdkAuthorization(header);
  if (!auth.ok()) return Unauthenticated("signature.malformed", auth.status().message());
  bool signs_host = false, signs_date = false;
  for (const std::string& name : auth->signed_headers) {
    signs_host |= name == "host";
    signs_date |= name == "x-sdk-date";
  }
  if (!signs_host || !signs_date) {
    return Unauthenticated("signature.malformed",
                           "Authorization: SignedHeaders must include host and x-sdk-date");
  }
  const std::string* date_text = FindHeader(request.headers, "X-Sdk-Date");
  absl::StatusOr<absl::Time> date =
      date_text != nullptr ? ParseSdkDate(*date_text) : absl::StatusOr<absl::Time>(absl::Time());
  if (date_text == nullptr || !date.ok()) {
    return Unauthenticated("signature.date_malformed", "X-Sdk-Date: must be YYYYMMDDTHHMMSSZ");
  }
  if (absl::AbsDuration(clock.Now() - *date) > options.signature_skew) {
    return Unauthenticated("signature.date_skewed",
                           "X-Sdk-Date: is too far from the server's clock");
  }
  // The signature covers the body only through its hash: a client-given hash
  // must be the body's own (no UNSIGNED-PAYLOAD), else any body would pass.
  if (const std::string* hash = FindHeader(request.headers, "X-Sdk-Content-Sha256");
      hash != nullptr && *hash != SdkPayloadHash(request.body)) {
    return Unauthenticated("signature.payload_mismatch",
                           "X-Sdk-Content-Sha256: is not the hash of the body");
  }
  // The canonical query sorts and re-encodes, so two wire queries can sign
  // alike: refuse what the SDK never sends and the handlers would read
  // differently (a raw '+', a key given twice).
  if (absl::StrContains(request.query, '+') || HasRepeatedKey(request.query)) {
    return Unauthenticated("signature.query_ambiguous",
                           "The query string must encode '+' as %2B and give each key once.");
  }
  absl::StatusOr<std::string> canonical = SdkCanonicalRequest(request, auth->signed_headers);
  if (!canonical.ok()) return Unauthenticated("signature.invalid", canonical.status().message());
  // The same answer for an unknown key, a disabled one and a wrong signature.
  const absl::Status invalid = Unauthenticated("signature.invalid",
                                               "Incorrect IAM authentication information: verify "
                                               "aksk signature fail");
  absl::StatusOr<SigningKey> key = engine.SigningKeyFor(auth->access_key);
  if (absl::IsNotFound(key.status())) return invalid;
  if (!key.ok()) return key.status();
  const std::string expected = SdkSignature(key->secret.view(), *date_text, *canonical);
  if (!wire::ConstantTimeEqual(expected, auth->signature)) return invalid;
  if (const std::string* domain = FindHeader(request.headers, "X-Domain-Id");
      domain != nullptr && *domain != key->tenant) {
    return MakeError(absl::StatusCode::kPermissionDenied, "X-Domain-Id", "domain.forbidden",
                     "X-Domain-Id: is not the access key's domain");
  }
  return AccessKeyCaller(request, engine, auth->access_key, *key);
}

}  // namespace

RequestContext WireContext(const WireRequest& request) {
  RequestContext context;
  absl::string_view address = request.peer;
  if (absl::ConsumePrefix(&address, "[")) {  // [v6]:port
    address = address.substr(0, address.find(']'));
  } else if (std::count(address.begin(), address.end(), ':') == 1) {  // v4:port
    address = address.substr(0, address.find(':'));
  }
  context.source_ip = std::string(address);
  if (const std::string* agent = FindHeader(request.headers, "User-Agent"); agent != nullptr) {
    context.user_agent = agent->substr(0, 256);
  }
  context.request_id = CurrentRequestContext().request_id;
  return context;
}

Principal CallerOf(const WireRequest& request, std::string user_id, std::string tenant,
                   absl::string_view auth_method) {
  Principal p{std::move(user_id), std::move(tenant), WireContext(request)};
  p.context.auth_method = std::string(auth_method);
  return p;
}

Principal AccessKeyCaller(const WireRequest& request, Engine& engine,
                          absl::string_view access_key_id, const SigningKey& key) {
  Principal p = CallerOf(request, key.user_id, key.tenant, "access_key");
  // Best effort: a "last used" that failed to record must not refuse a
  // request whose signature verified.
  engine.RecordAccessKeyUse(access_key_id, key, p.context.source_ip).IgnoreError();
  return p;
}

namespace {

// The caller of a session token (X-Auth-Token's or the console cookie's);
// kUnauthenticated "token.invalid" saying `ended` when it is not valid.
absl::StatusOr<Principal> SessionCaller(const WireRequest& request, Engine& engine,
                                        absl::string_view token, absl::string_view auth_method,
                                        absl::string_view ended,
                                        std::optional<Session>* session_out) {
  absl::StatusOr<Session> session = engine.ValidateSession(token);
  if (!session.ok()) {
    if (absl::IsUnauthenticated(session.status())) return Unauthenticated("token.invalid", ended);
    return session.status();
  }
  Principal caller = CallerOf(request, session->user_id, session->tenant, auth_method);
  if (session_out != nullptr) *session_out = *std::move(session);
  return caller;
}

}  // namespace

absl::StatusOr<Principal> AuthenticateCaller(const WireRequest& request, Engine& engine,
                                             const WireOptions& options, Clock& clock,
                                             std::optional<Session>* session) {
  if (const std::string* token = FindHeader(request.headers, "X-Auth-Token"); token != nullptr) {
    return SessionCaller(request, engine, *token, "token",
                         "The request you have made requires authentication.", session);
  }
  if (const std::string* header = FindHeader(request.headers, "Authorization");
      header != nullptr && absl::StartsWith(*header, kSdkHmacSha256)) {
    return FromSignature(request, *header, engine, options, clock);
  }
  if (std::optional<absl::string_view> token = ConsoleCookie(request); token.has_value()) {
    absl::StatusOr<Principal> caller =
        SessionCaller(request, engine, *token, "console",
                      "The console session has ended; sign in again.", session);
    if (!caller.ok()) return caller;
    // A cookie goes with any request the browser sends, a forged one too: a
    // change needs the token only the console's own page can read.
    if (request.method != "GET" && request.method != "HEAD") {
      const std::string* csrf = FindHeader(request.headers, kConsoleCsrfHeader);
      if (csrf == nullptr || !ConstantTimeEqual(*csrf, ConsoleCsrfToken(*token))) {
        return MakeError(absl::StatusCode::kPermissionDenied, kConsoleCsrfHeader, "csrf.invalid",
                         absl::StrCat(kConsoleCsrfHeader,
                                      ": missing or wrong; the console sends it with every "
                                      "change"));
      }
    }
    return caller;
  }
  return Unauthenticated("auth.missing", "The request you have made requires authentication.");
}

std::optional<absl::string_view> ConsoleCookie(const WireRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (!absl::EqualsIgnoreCase(name, "Cookie")) continue;
    for (absl::string_view pair : absl::StrSplit(value, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      if (absl::ConsumePrefix(&pair, kConsoleCookie) && absl::ConsumePrefix(&pair, "=") &&
          !pair.empty()) {
        return pair;
      }
    }
  }
  return std::nullopt;
}

std::string ConsoleCsrfToken(absl::string_view session_token) {
  return Hex(HmacSha256(session_token, "iamcore console csrf"));
}

}  // namespace iam::wire
