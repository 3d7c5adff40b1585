// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Notifiers that deliver for real (libcurl): email over SMTP, events to
// webhooks signed with HMAC-SHA256, text messages through an SMS gateway's
// HTTP API; and the router that picks one per channel. All are configured by
// data: a URL, or a JSON document (DeliveryConfig) for several channels,
// per-tenant senders, languages and message templates.
//
//   auto notifier = iam::OpenNotifier("smtp://mail.example.com:587");
//   auto routed = iam::OpenNotifier(R"({"email": {"url": "smtps://..."},
//                                      "webhook": {"url": "https://...",
//                                                  "secret_env": "HOOK_SECRET"}})");
//   options.notifier = notifier->get();   // iam::EngineOptions; borrowed
//
// Each Send is one attempt with a timeout; the engine's outbox retries it with
// backoff and finally dead-letters it (EngineOptions::outbox_max_attempts).
//
// A webhook receives POST {"id","type","tenant","created","data"} with
//   Iam-Delivery: <id>           stable across retries: de-duplicate by it
//   Iam-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
// (the scheme Stripe uses): verify it, and reject a stale t to stop replays.
//
// Thread-safety: every notifier here is safe to call from many threads.
#ifndef IAM_DELIVERY_H_
#define IAM_DELIVERY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/notifier.h"

namespace iam {

// One message kind's text; placeholders {username}, {display_name}, {link},
// {password}, {tenant}, {text} (the engine's own one-line text).
struct MessageTemplate {
  std::string subject;
  std::string text;
  std::string html;  // placeholders HTML-escaped here
};

struct TenantDelivery {
  std::string from;      // "" = DeliveryConfig's
  std::string language;  // "" = DeliveryConfig's; "en" and "zh" are shipped
  std::map<std::string, MessageTemplate> templates;  // by kind; overrides
};

struct DeliveryConfig {
  struct Email {
    std::string url;                        // smtp://host:port (STARTTLS when offered) or smtps://
    std::string starttls = "when_offered";  // "required" | "when_offered" | "never"
    std::string username;
    std::string password;  // WARNING: a secret; from password_env in JSON
    std::string from = "iamcore <no-reply@localhost>";
  };
  struct Webhook {
    std::string url;     // http:// or https://
    std::string secret;  // WARNING: a secret; from secret_env in JSON
  };
  struct Sms {
    std::string url;
    std::string method = "POST";
    std::string content_type = "application/json";
    // {recipient} and {text}, escaped for content_type (JSON or form).
    std::string body = R"({"to":"{recipient}","text":"{text}"})";
    std::map<std::string, std::string> headers;
  };
  std::optional<Email> email;
  std::optional<Webhook> webhook;
  std::optional<Sms> sms;
  std::string language = "en";
  std::map<std::string, TenantDelivery> tenants;
  absl::Duration timeout = absl::Seconds(10);  // per attempt, connect included
};

// Parses the JSON form; kInvalidArgument naming the field ("email.starttls").
// Secrets are named by environment variable ("password_env", "secret_env")
// and read here, never written into the document.
IAM_EXPORT absl::StatusOr<DeliveryConfig> ParseDeliveryConfig(absl::string_view json);

// The DeliveryConfig `spec` stands for: JSON ("{...}"), "@/path/config.json",
// an smtp:// or smtps:// URL (email only), an http(s):// URL (webhook only,
// its secret from IAM_WEBHOOK_SECRET).
IAM_EXPORT absl::StatusOr<DeliveryConfig> LoadDeliveryConfig(absl::string_view spec);
// A notifier for `spec`: a JSON DeliveryConfig ("{...}"), "@/path/config.json",
// an smtp:// or smtps:// URL (email only), an http(s):// URL (webhook only,
// its secret from IAM_WEBHOOK_SECRET), or a file path (JsonLinesNotifier).
IAM_EXPORT absl::StatusOr<std::unique_ptr<Notifier>> OpenNotifier(absl::string_view spec);
// The router over `config`: channel "email", "sms" or "webhook" to its
// notifier; a channel without one fails (and is retried, then dead-lettered).
IAM_EXPORT std::unique_ptr<Notifier> NewDeliveryNotifier(DeliveryConfig config);

// The pieces, for tests and hosts that compose their own.
// The message a notification becomes: rendered from the tenant's template
// for its kind in its language (else English, else the engine's text).
IAM_EXPORT MessageTemplate RenderMessage(const DeliveryConfig& config, const Notification& n);
// RFC 5322 text of an email (multipart/alternative, UTF-8, base64 parts,
// RFC 2047 subject), with Message-ID <iam-<id>.<tenant>@<from domain>>.
IAM_EXPORT std::string EmailMessage(const std::string& from, const Notification& n,
                                    const MessageTemplate& message, absl::Time date);
// The Iam-Signature header value for `body` sent at `t`.
IAM_EXPORT std::string WebhookSignature(absl::string_view secret, absl::string_view body,
                                        absl::Time t);

}  // namespace iam

#endif  // IAM_DELIVERY_H_
