// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The delivering notifiers' pieces: the webhook signature, the email's MIME
// text, templates by tenant and language, and the configuration's errors.
// (Delivery to real servers: tests/cli/test_delivery.py.)
#include "iam/delivery.h"

#include <sodium.h>

#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

Notification LinkNotification() {
  Notification n;
  n.id = 42;
  n.tenant = "t1";
  n.user_id = "u1";
  n.channel = "email";
  n.recipient = "bob@example.com";
  n.kind = "login_link";
  n.body = "https://iam.example.com/first-login?token=abc";
  n.username = "bob.smith";
  n.display_name = "Bob <b>";
  n.link = "https://iam.example.com/first-login?token=abc";
  return n;
}

std::string Unbase64(absl::string_view lines) {
  std::string b64;
  for (absl::string_view line : absl::StrSplit(lines, "\r\n")) b64.append(line.data(), line.size());
  std::string out(b64.size(), '\0');
  size_t n = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                              b64.size(), nullptr, &n, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(n);
  return out;
}

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  // Python: hmac.new(b"Jefe", b"1800000000.what do ya want for nothing?", sha256)
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?",
                             absl::FromUnixSeconds(1'800'000'000)),
            "t=1800000000,v1=ab5a2e6f7ddd4f6783bae7a65618acf1b188b4ca973bbebbbdeb60024ee0f3f3");
  EXPECT_NE(WebhookSignature("Jefe", "what do ya want for nothing!",
                             absl::FromUnixSeconds(1'800'000'000)),
            WebhookSignature("Jefe", "what do ya want for nothing?",
                             absl::FromUnixSeconds(1'800'000'000)));
}

TEST(EmailMessage, IsWellFormedMime) {
  DeliveryConfig config;
  const Notification n = LinkNotification();
  const MessageTemplate m = RenderMessage(config, n);
  const std::string text = EmailMessage("IAM <iam@example.com>", n, m, absl::FromUnixSeconds(0));
  const size_t end = text.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string headers = text.substr(0, end + 2);
  EXPECT_TRUE(absl::StrContains(headers, "From: IAM <iam@example.com>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "To: <bob@example.com>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Subject: Set your password\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Message-ID: <iam-42.t1@example.com>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "multipart/alternative; boundary=\"=_iam_part_42\""));
  // Both parts decode to the rendered texts; the HTML escapes the name.
  const std::vector<std::string> parts = absl::StrSplit(text, "--=_iam_part_42");
  ASSERT_EQ(parts.size(), 4u);  // preamble, plain, html, "--" closing
  auto body_of = [](const std::string& part) {
    return Unbase64(part.substr(part.find("\r\n\r\n") + 4));
  };
  EXPECT_EQ(body_of(parts[1]), m.text);
  EXPECT_TRUE(absl::StrContains(body_of(parts[1]), n.link));
  EXPECT_TRUE(absl::StrContains(body_of(parts[2]), "Bob &lt;b&gt;"));
  EXPECT_TRUE(absl::StrContains(body_of(parts[2]), "href=\"" + n.link + "\""));
  for (absl::string_view line : absl::StrSplit(text, "\r\n")) EXPECT_LE(line.size(), 998u);
}

TEST(EmailMessage, NonAsciiSubjectIsEncodedAndHeadersCannotBeInjected) {
  DeliveryConfig config;
  config.language = "zh";
  Notification n = LinkNotification();
  const std::string text =
      EmailMessage("iam@example.com", n, RenderMessage(config, n), absl::FromUnixSeconds(0));
  EXPECT_TRUE(absl::StrContains(text, "Subject: =?UTF-8?B?6K6+572u5oKo55qE5a+G56CB?=\r\n"))
      << text.substr(0, 300);  // 设置您的密码
  MessageTemplate evil{"Hi\r\nBcc: all@example.com", "x", ""};
  const std::string injected = EmailMessage("iam@example.com", n, evil, absl::FromUnixSeconds(0));
  EXPECT_FALSE(absl::StrContains(injected, "\r\nBcc:"));
}

TEST(RenderMessage, TenantLanguageAndOwnTemplatesThenEnglish) {
  DeliveryConfig config;
  Notification n = LinkNotification();
  EXPECT_EQ(RenderMessage(config, n).subject, "Set your password");
  config.tenants["t1"].language = "zh";
  EXPECT_EQ(RenderMessage(config, n).subject, "设置您的密码");
  config.tenants["t1"].language = "fr";  // not shipped: English
  EXPECT_EQ(RenderMessage(config, n).subject, "Set your password");
  config.tenants["t1"].templates["login_link"] = {"Bienvenue {username}", "Lien : {link}", ""};
  const MessageTemplate own = RenderMessage(config, n);
  EXPECT_EQ(own.subject, "Bienvenue bob.smith");
  EXPECT_EQ(own.text, "Lien : " + n.link);
  n.tenant = "t2";  // another tenant keeps the default
  EXPECT_EQ(RenderMessage(config, n).subject, "Set your password");
  // A message written before templates: its text as it is.
  Notification legacy = LinkNotification();
  legacy.link.clear();
  legacy.body = "Your password for bob.smith: xyz";
  EXPECT_EQ(RenderMessage(DeliveryConfig(), legacy).text, "Your password for bob.smith: xyz\n");
}

TEST(ParseDeliveryConfig, NamesTheFieldAtFault) {
  auto field = [](const std::string& json) {
    auto c = ParseDeliveryConfig(json);
    EXPECT_FALSE(c.ok()) << json;
    return c.ok() ? std::string("(ok)") : ErrorField(c.status());
  };
  EXPECT_EQ(field("[]"), "config");
  EXPECT_EQ(field(R"({"emial": {}})"), "emial");
  EXPECT_EQ(field(R"({"email": {"url": "http://x"}})"), "email.url");
  EXPECT_EQ(field(R"({"email": {"url": "smtp://x", "starttls": "maybe"}})"), "email.starttls");
  EXPECT_EQ(field(R"({"email": {"url": "smtp://x", "password_env": "IAM_TEST_UNSET_VAR"}})"),
            "email.password_env");
  EXPECT_EQ(field(R"({"webhook": {"url": "https://x"}})"), "webhook.secret_env");
  EXPECT_EQ(field(R"({"sms": {"url": "https://x", "headers": {"A": 1}}})"), "sms.headers.A");
  EXPECT_EQ(field(R"({"timeout_ms": 0})"), "timeout_ms");
  EXPECT_EQ(field(R"({"tenants": {"t1": {"templates": {"login_link": {"subject": "s"}}}}})"),
            "tenants.t1.templates.login_link.text");
  setenv("IAM_TEST_HOOK_SECRET", "0123456789abcdef0123", 1);
  auto ok = ParseDeliveryConfig(
      R"({"webhook": {"url": "https://h/x", "secret_env": "IAM_TEST_HOOK_SECRET"},
          "email": {"url": "smtps://mail:465", "starttls": "required"}, "timeout_ms": 2500})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->webhook->secret, "0123456789abcdef0123");
  EXPECT_EQ(ok->email->starttls, "required");
  EXPECT_EQ(ok->timeout, absl::Milliseconds(2500));
}

TEST(OpenNotifier, ByUrlConfigOrPath) {
  EXPECT_TRUE(OpenNotifier("smtp://127.0.0.1:25").ok());
  unsetenv("IAM_WEBHOOK_SECRET");
  EXPECT_EQ(ErrorField(OpenNotifier("https://hooks.example.com/iam").status()),
            "webhook.secret_env");
  EXPECT_TRUE(OpenNotifier("/tmp/iam-delivery-test.jsonl").ok());  // a file: JSON Lines
  EXPECT_FALSE(OpenNotifier("").ok());
}

// A channel nobody configured fails (and so is retried, then dead-lettered).
TEST(DeliveryNotifier, UnconfiguredChannelFails) {
  auto notifier = NewDeliveryNotifier(DeliveryConfig());
  Notification n = LinkNotification();
  n.channel = "sms";
  const absl::Status s = notifier->Send(n);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(ErrorReason(s), "notifier.no_channel");
}

}  // namespace
}  // namespace iam
