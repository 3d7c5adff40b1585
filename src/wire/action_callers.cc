// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Caller authentication of the action APIs: Tencent's TC3-HMAC-SHA256 and
// Alibaba's ACS3-HMAC-SHA256 and RPC signature v1, each verified with the
// access keys iamcore issued (docs/WIRE-NOTES-2.md). The order is the same
// for all three: shape, clock, key, signature, then replay memory, so a
// forged request can neither burn a nonce nor learn more than "no".
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/request_signature.h"
#include "wire/digests.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, "", reason, message);
}

// A signature time `t` within `skew` of the clock.
absl::Status WithinSkew(Clock& clock, absl::Time t, absl::Duration skew, absl::string_view field) {
  if (absl::AbsDuration(clock.Now() - t) > skew) {
    return Refused("signature.expired",
                   absl::StrCat(field, ": the signature's time is more than ",
                                absl::FormatDuration(skew), " from the server's clock"));
  }
  return absl::OkStatus();
}

// The access key's secret, user and tenant; one answer for unknown,
// disabled and a disabled user's keys.
absl::StatusOr<SigningKey> KeyFor(Engine& engine, absl::string_view id) {
  absl::StatusOr<SigningKey> key = engine.SigningKeyFor(id);
  if (absl::IsNotFound(key.status())) {
    return Refused("signature.key_unknown",
                   "The access key does not exist, or it or its user is disabled.");
  }
  return key;
}

absl::Status Mismatch() {
  return Refused("signature.mismatch",
                 "The signature does not match the request and the access key's secret.");
}

bool SignsAll(const std::vector<std::string>& signed_headers,
              std::initializer_list<absl::string_view> names) {
  return std::all_of(names.begin(), names.end(), [&](absl::string_view n) {
    return std::find(signed_headers.begin(), signed_headers.end(), n) != signed_headers.end();
  });
}

// A nonce is accepted once per access key while its signature could be fresh.
absl::Status UseNonce(Verifiers& verifiers, Clock& clock, absl::string_view key_id,
                      absl::string_view nonce, absl::Time signed_at, absl::Duration skew) {
  if (!verifiers.nonces.Admit(absl::StrCat(key_id, "\n", nonce), "", clock.Now(), signed_at + skew,
                              ReplayGuard::Repeat::kRefuse)) {
    return Refused("signature.nonce_used", "The signature nonce was used already.");
  }
  return absl::OkStatus();
}

const std::string& HeaderOr(const WireRequest& request, absl::string_view name) {
  static const std::string* const empty = new std::string();
  const std::string* v = FindHeader(request.headers, name);
  return v != nullptr ? *v : *empty;
}

// --- Alibaba -----------------------------------------------------------------

absl::StatusOr<Principal> FromAcs3(const WireRequest& request, absl::string_view header,
                                   Engine& engine, const WireOptions& options, Clock& clock,
                                   Verifiers& verifiers) {
  absl::StatusOr<Acs3Authorization> auth = ParseAcs3Authorization(header);
  if (!auth.ok()) return Refused("signature.incomplete", auth.status().message());
  if (!SignsAll(auth->signed_headers, {"host", "x-acs-action", "x-acs-version", "x-acs-date",
                                       "x-acs-signature-nonce", "x-acs-content-sha256"})) {
    return Refused("signature.incomplete",
                   "Authorization: SignedHeaders must include host, x-acs-action, "
                   "x-acs-version, x-acs-date, x-acs-signature-nonce and x-acs-content-sha256");
  }
  absl::Time date;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", HeaderOr(request, "x-acs-date"), &date, &error)) {
    return Refused("signature.incomplete", "x-acs-date: must be yyyy-MM-ddTHH:mm:ssZ (UTC)");
  }
  IAM_RETURN_IF_ERROR(WithinSkew(clock, date, options.signature_skew, "x-acs-date"));
  const std::string& nonce = HeaderOr(request, "x-acs-signature-nonce");
  if (nonce.empty() || nonce.size() > 128) {
    return Refused("signature.incomplete", "x-acs-signature-nonce: 1 to 128 characters");
  }
  if (HeaderOr(request, "x-acs-content-sha256") != HexSha256(request.body)) {
    return Refused("signature.mismatch", "x-acs-content-sha256: is not the hash of the body");
  }
  absl::StatusOr<std::string> canonical = Acs3CanonicalRequest(request, auth->signed_headers);
  if (!canonical.ok()) return Refused("signature.incomplete", canonical.status().message());
  absl::StatusOr<SigningKey> key = KeyFor(engine, auth->access_key_id);
  if (!key.ok()) return key.status();
  if (!ConstantTimeEqual(Acs3Signature(key->secret.view(), *canonical), auth->signature)) {
    return Mismatch();
  }
  IAM_RETURN_IF_ERROR(
      UseNonce(verifiers, clock, auth->access_key_id, nonce, date, options.signature_skew));
  return AccessKeyCaller(request, engine, auth->access_key_id, *key);
}

absl::StatusOr<Principal> FromRpcV1(const WireRequest& request,
                                    std::vector<std::pair<std::string, std::string>> params,
                                    Engine& engine, const WireOptions& options, Clock& clock,
                                    Verifiers& verifiers) {
  const auto param = [&](absl::string_view name) -> std::string {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return "";
  };
  for (absl::string_view name : {"AccessKeyId", "Signature", "SignatureNonce", "Timestamp"}) {
    if (param(name).empty()) {
      return Refused("signature.incomplete", absl::StrCat(name, ": is required"));
    }
  }
  if (param("SignatureMethod") != "HMAC-SHA1" || param("SignatureVersion") != "1.0") {
    return Refused("signature.incomplete",
                   "SignatureMethod: must be HMAC-SHA1 with SignatureVersion 1.0");
  }
  absl::Time date;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", param("Timestamp"), &date, &error)) {
    return Refused("signature.incomplete", "Timestamp: must be yyyy-MM-ddTHH:mm:ssZ (UTC)");
  }
  IAM_RETURN_IF_ERROR(WithinSkew(clock, date, options.signature_skew, "Timestamp"));
  const std::string signature = param("Signature");
  const std::string key_id = param("AccessKeyId");
  const std::string nonce = param("SignatureNonce");
  absl::StatusOr<std::string> to_sign = RpcV1StringToSign(request.method, std::move(params));
  if (!to_sign.ok()) return Refused("signature.incomplete", to_sign.status().message());
  absl::StatusOr<SigningKey> key = KeyFor(engine, key_id);
  if (!key.ok()) return key.status();
  if (!ConstantTimeEqual(RpcV1Signature(key->secret.view(), *to_sign), signature)) {
    return Mismatch();
  }
  IAM_RETURN_IF_ERROR(UseNonce(verifiers, clock, key_id, nonce, date, options.signature_skew));
  return AccessKeyCaller(request, engine, key_id, *key);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RpcParams(const WireRequest& request) {
  std::vector<std::pair<std::string, std::string>> params = FormPairs(request.query);
  const std::string* type = FindHeader(request.headers, "Content-Type");
  if (type != nullptr && absl::StartsWithIgnoreCase(absl::StripLeadingAsciiWhitespace(*type),
                                                    "application/x-www-form-urlencoded")) {
    for (auto& pair : FormPairs(request.body)) params.push_back(std::move(pair));
  }
  return params;
}

absl::StatusOr<Principal> AuthenticateAlibaba(const WireRequest& request, Engine& engine,
                                              const WireOptions& options, Clock& clock,
                                              Verifiers& verifiers) {
  // Both schemes sort and re-encode the parameters: refuse what reads two
  // ways (a raw '+', a key given twice), as the SDKs never send it.
  std::vector<std::pair<std::string, std::string>> params = RpcParams(request);
  std::vector<absl::string_view> keys;
  for (const auto& [k, v] : params) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  if (absl::StrContains(request.query, '+') ||
      std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    return Refused("signature.incomplete",
                   "The parameters must encode '+' as %2B and give each key once.");
  }
  if (const std::string* header = FindHeader(request.headers, "Authorization");
      header != nullptr && absl::StartsWith(*header, kAcs3HmacSha256)) {
    return FromAcs3(request, *header, engine, options, clock, verifiers);
  }
  const bool has_signature = std::binary_search(keys.begin(), keys.end(), "Signature");
  if (!has_signature) {
    return Refused("signature.incomplete",
                   "The request is not signed: an ACS3-HMAC-SHA256 Authorization header or "
                   "the RPC Signature parameter is required.");
  }
  return FromRpcV1(request, std::move(params), engine, options, clock, verifiers);
}

// --- Tencent -----------------------------------------------------------------

absl::StatusOr<Principal> AuthenticateTc3(const WireRequest& request, Engine& engine,
                                          const WireOptions& options, Clock& clock,
                                          Verifiers& verifiers) {
  const std::string& header = HeaderOr(request, "Authorization");
  absl::StatusOr<Tc3Authorization> auth = ParseTc3Authorization(header);
  if (!auth.ok()) return Refused("signature.incomplete", auth.status().message());
  if (!SignsAll(auth->signed_headers, {"content-type", "host"})) {
    return Refused("signature.incomplete",
                   "Authorization: SignedHeaders must include content-type and host");
  }
  const std::string& timestamp = HeaderOr(request, "X-TC-Timestamp");
  int64_t seconds = 0;
  if (timestamp.empty() || timestamp.size() > 12 ||
      !std::all_of(timestamp.begin(), timestamp.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(timestamp, &seconds)) {
    return Refused("signature.incomplete", "X-TC-Timestamp: must be Unix seconds");
  }
  const absl::Time signed_at = absl::FromUnixSeconds(seconds);
  IAM_RETURN_IF_ERROR(
      WithinSkew(clock, signed_at, options.tencent_signature_skew, "X-TC-Timestamp"));
  if (auth->date != Tc3Date(signed_at)) {
    return Refused("signature.mismatch",
                   "Authorization: the credential scope's date is not X-TC-Timestamp's UTC date");
  }
  if (auth->service != Tc3Service(HeaderOr(request, "Host"))) {
    return Refused("signature.mismatch",
                   "Authorization: the credential scope's service is not the Host's first label");
  }
  absl::StatusOr<std::string> canonical = Tc3CanonicalRequest(request, auth->signed_headers);
  if (!canonical.ok()) return Refused("signature.incomplete", canonical.status().message());
  absl::StatusOr<SigningKey> key = KeyFor(engine, auth->secret_id);
  if (!key.ok()) return key.status();
  // kSigning depends on the key, the date and the service only: derived once
  // per day and service, and kept only after a signature it made verified.
  const std::string cache_id = absl::StrCat(auth->secret_id, "/", auth->date, "/", auth->service);
  Secret signing = verifiers.tc3_keys.Find(cache_id);
  const bool cached = !signing.empty();
  if (!cached) signing = Tc3SigningKey(key->secret.view(), auth->date, auth->service);
  if (!ConstantTimeEqual(
          Tc3SignatureWithKey(signing, timestamp, auth->date, auth->service, *canonical),
          auth->signature)) {
    return Mismatch();
  }
  if (!cached) verifiers.tc3_keys.Insert(cache_id, signing);
  // X-TC-Action is not signed by the SDK (content-type and host only), so a
  // captured request could be replayed as another action with the same body
  // within the skew; refusing a repeated signature would refuse the SDK's own
  // identical calls within a second. A client that signs x-tc-action (as
  // Tencent's own examples do) is covered; see docs/SECURITY.md.
  return AccessKeyCaller(request, engine, auth->secret_id, *key);
}

}  // namespace iam::wire
