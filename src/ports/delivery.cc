// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The delivering notifiers (iam/delivery.h): SMTP, webhooks and SMS gateways
// over libcurl, messages rendered from templates that are data.
#include "iam/delivery.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/secret.h"
#include "nlohmann/json.hpp"

namespace iam {
namespace {

using Json = nlohmann::json;

// The shipped texts: (kind, language) -> template. English is the fallback.
struct ShippedTemplate {
  const char* kind;
  const char* language;
  MessageTemplate message;
};

const std::vector<ShippedTemplate>& ShippedTemplates() {
  static const auto* table = new std::vector<ShippedTemplate>{
      {"login_link",
       "en",
       {"Set your password",
        "Hello {display_name},\n\nAn account \"{username}\" was created for you. Set your "
        "password here (the link works once and expires):\n\n{link}\n",
        "<p>Hello {display_name},</p><p>An account <b>{username}</b> was created for you. "
        "<a href=\"{link}\">Set your password</a> (the link works once and expires).</p>"}},
      {"login_link",
       "zh",
       {"设置您的密码",
        "{display_name}，您好：\n\n已为您创建账号“{username}”。请通过以下一次性链接设置密码："
        "\n\n{link}\n",
        "<p>{display_name}，您好：</p><p>已为您创建账号<b>{username}</b>。请<a "
        "href=\"{link}\">设置密码</a>（链接仅可使用一次，过期失效）。</p>"}},
      {"generated_password",
       "en",
       {"Your new account",
        "Hello {display_name},\n\nYour account \"{username}\" has the password:\n\n{password}\n\n"
        "You will be asked to change it when you first log in.\n",
        "<p>Hello {display_name},</p><p>Your account <b>{username}</b> has the password:</p>"
        "<p><code>{password}</code></p><p>You will be asked to change it when you first log "
        "in.</p>"}},
      {"generated_password",
       "zh",
       {"您的新账号",
        "{display_name}，您好：\n\n您的账号“{username}”的密码为：\n\n{password}"
        "\n\n首次登录时需修改密码。\n",
        "<p>{display_name}，您好：</p><p>您的账号<b>{username}</b>的密码为：</p><p><code>{password}"
        "</code></p><p>首次登录时需修改密码。</p>"}},
      {"password_reset",
       "en",
       {"Reset your password",
        "Hello {display_name},\n\nA password reset was asked for \"{username}\". Reset it "
        "here (the link works once and expires soon):\n\n{link}\n\nIf this was not you, "
        "ignore this message.\n",
        "<p>Hello {display_name},</p><p>A password reset was asked for <b>{username}</b>. "
        "<a href=\"{link}\">Reset your password</a> (the link works once and expires soon).</p>"
        "<p>If this was not you, ignore this message.</p>"}},
      {"password_reset",
       "zh",
       {"重置您的密码",
        "{display_name}，您好：\n\n账号“{username}”申请了重置密码。请通过以下一次性链接重置：\n\n{"
        "link}\n\n"
        "如非本人操作，请忽略本邮件。\n",
        "<p>{display_name}，您好：</p><p>账号<b>{username}</b>申请了重置密码。请<a "
        "href=\"{link}\">重置密码</a>。</p><p>如非本人操作，请忽略本邮件。</p>"}},
  };
  return *table;
}

const MessageTemplate kFallback = {"iamcore notification", "{text}\n", "<p>{text}</p>"};

std::string HtmlEscape(absl::string_view s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string Fill(absl::string_view text, const Notification& n, bool html) {
  auto v = [html](absl::string_view s) { return html ? HtmlEscape(s) : std::string(s); };
  const std::string display = n.display_name.empty() ? n.username : n.display_name;
  return absl::StrReplaceAll(text, {{"{username}", v(n.username)},
                                    {"{display_name}", v(display)},
                                    {"{link}", v(n.link)},
                                    {"{password}", v(n.password)},
                                    {"{tenant}", v(n.tenant)},
                                    {"{text}", v(n.body)}});
}

// --- libcurl -----------------------------------------------------------------

void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

// A new easy handle with the attempt's timeout and no signals.
CurlHandle NewHandle(absl::Duration timeout) {
  InitCurl();
  CurlHandle c(curl_easy_init());
  if (c) {
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout)));
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  }
  return c;
}

CurlList List(const std::vector<std::string>& items) {
  curl_slist* l = nullptr;
  for (const std::string& item : items) l = curl_slist_append(l, item.c_str());
  return CurlList(l);
}

// `what`: curl's error, never the message sent.
absl::Status CurlFailure(absl::string_view what, CURLcode rc, const char* detail) {
  return MakeError(absl::StatusCode::kUnavailable, "", "notifier.unavailable",
                   absl::StrCat(what, ": ", detail[0] != '\0' ? detail : curl_easy_strerror(rc)));
}

struct Upload {
  absl::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* out, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->data.size() - up->offset);
  std::memcpy(out, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

size_t KeepSome(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < 200) out->append(data, std::min(size * count, 200 - out->size()));
  return size * count;
}

// The address inside "Name <addr>" (or the whole text).
std::string AddressOf(absl::string_view mailbox) {
  const size_t open = mailbox.rfind('<');
  const size_t close = mailbox.rfind('>');
  if (open != absl::string_view::npos && close != absl::string_view::npos && close > open) {
    return std::string(mailbox.substr(open + 1, close - open - 1));
  }
  return std::string(absl::StripAsciiWhitespace(mailbox));
}

std::string Base64(absl::string_view data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the NUL
  return out;
}

// RFC 2047 for a header holding non-ASCII (or CR/LF, never let through).
std::string HeaderText(absl::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  return plain ? std::string(text) : absl::StrCat("=?UTF-8?B?", Base64(text), "?=");
}

// Base64 in lines of 76 (RFC 2045).
std::string Base64Lines(absl::string_view data) {
  const std::string b64 = Base64(data);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) absl::StrAppend(&out, b64.substr(i, 76), "\r\n");
  return out;
}

// --- the notifiers -----------------------------------------------------------

class SmtpNotifier final : public Notifier {
 public:
  SmtpNotifier(DeliveryConfig::Email email, const DeliveryConfig* config)
      : email_(std::move(email)), config_(config) {}
  ~SmtpNotifier() override { WipeString(email_.password); }

  absl::Status Send(const Notification& n) override {
    const MessageTemplate m = RenderMessage(*config_, n);
    std::string from = email_.from;
    auto tenant = config_->tenants.find(n.tenant);
    if (tenant != config_->tenants.end() && !tenant->second.from.empty()) {
      from = tenant->second.from;
    }
    std::string text = EmailMessage(from, n, m, absl::Now());
    absl::Status s = Transfer(AddressOf(from), n.recipient, text);
    WipeString(text);
    return s;
  }

 private:
  absl::Status Transfer(const std::string& from, const std::string& to, absl::string_view text) {
    CurlHandle c = NewHandle(config_->timeout);
    if (!c) return absl::UnavailableError("smtp: cannot start libcurl");
    char error[CURL_ERROR_SIZE] = {0};
    const std::string mail_from = absl::StrCat("<", from, ">");
    CurlList rcpt = List({absl::StrCat("<", to, ">")});
    Upload up{text};
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c.get(), CURLOPT_URL, email_.url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(c.get(), CURLOPT_READDATA, &up);
    const long tls = email_.starttls == "required" ? CURLUSESSL_ALL
                     : email_.starttls == "never"  ? CURLUSESSL_NONE
                                                   : CURLUSESSL_TRY;
    curl_easy_setopt(c.get(), CURLOPT_USE_SSL, tls);
    if (!email_.username.empty()) {
      curl_easy_setopt(c.get(), CURLOPT_USERNAME, email_.username.c_str());
      curl_easy_setopt(c.get(), CURLOPT_PASSWORD, email_.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return CurlFailure("smtp", rc, error);
    return absl::OkStatus();
  }

  DeliveryConfig::Email email_;
  const DeliveryConfig* config_;
};

// One HTTP request; OK on a 2xx answer.
absl::Status HttpSend(absl::string_view what, const std::string& url, const std::string& method,
                      const std::vector<std::string>& headers, absl::string_view body,
                      absl::Duration timeout) {
  CurlHandle c = NewHandle(timeout);
  if (!c) return absl::UnavailableError(absl::StrCat(what, ": cannot start libcurl"));
  char error[CURL_ERROR_SIZE] = {0};
  CurlList list = List(headers);
  std::string answer;
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, KeepSome);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) return CurlFailure(what, rc, error);
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return MakeError(absl::StatusCode::kUnavailable, "", "notifier.rejected",
                     absl::StrCat(what, ": HTTP ", status));
  }
  return absl::OkStatus();
}

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(DeliveryConfig::Webhook hook, absl::Duration timeout)
      : hook_(std::move(hook)), timeout_(timeout) {}
  ~WebhookNotifier() override { WipeString(hook_.secret); }

  absl::Status Send(const Notification& n) override {
    // An audit event's body is its JSON; anything else goes without secrets.
    Json data = Json::parse(n.body, nullptr, false);
    if (n.kind != "audit_event" || data.is_discarded()) {
      data = {{"user_id", n.user_id}, {"channel", n.channel}, {"kind", n.kind}};
    }
    const absl::Time now = absl::Now();
    const std::string id = absl::StrCat(n.id);
    const std::string body = Json{
        {"id", id},
        {"type", n.kind},
        {"tenant", n.tenant},
        {"created", absl::ToUnixSeconds(now)},
        {"data",
         std::move(data)}}.dump();
    return HttpSend("webhook", hook_.url, "POST",
                    {"Content-Type: application/json", absl::StrCat("Iam-Delivery: ", id),
                     absl::StrCat("Iam-Signature: ", WebhookSignature(hook_.secret, body, now))},
                    body, timeout_);
  }

 private:
  DeliveryConfig::Webhook hook_;
  absl::Duration timeout_;
};

std::string FormEscape(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

class SmsNotifier final : public Notifier {
 public:
  SmsNotifier(DeliveryConfig::Sms sms, const DeliveryConfig* config)
      : sms_(std::move(sms)), config_(config) {}

  absl::Status Send(const Notification& n) override {
    MessageTemplate m = RenderMessage(*config_, n);
    const bool json = absl::StrContains(sms_.content_type, "json");
    auto escape = [json](absl::string_view s) {
      if (!json) return FormEscape(s);
      const std::string quoted = Json(std::string(s)).dump();
      return quoted.substr(1, quoted.size() - 2);
    };
    std::string recipient = absl::StrReplaceAll(n.recipient, {{" ", ""}});
    std::string body = absl::StrReplaceAll(
        sms_.body, {{"{recipient}", escape(recipient)}, {"{text}", escape(m.text)}});
    std::vector<std::string> headers = {absl::StrCat("Content-Type: ", sms_.content_type)};
    for (const auto& [name, value] : sms_.headers)
      headers.push_back(absl::StrCat(name, ": ", value));
    absl::Status s = HttpSend("sms", sms_.url, sms_.method, headers, body, config_->timeout);
    WipeString(body);
    WipeString(m.text);
    WipeString(m.html);
    return s;
  }

 private:
  DeliveryConfig::Sms sms_;
  const DeliveryConfig* config_;
};

class DeliveryNotifier final : public Notifier {
 public:
  explicit DeliveryNotifier(DeliveryConfig config) : config_(std::move(config)) {
    if (config_.email) email_ = std::make_unique<SmtpNotifier>(*config_.email, &config_);
    if (config_.sms) sms_ = std::make_unique<SmsNotifier>(*config_.sms, &config_);
    if (config_.webhook)
      webhook_ = std::make_unique<WebhookNotifier>(*config_.webhook, config_.timeout);
    if (config_.email) WipeString(config_.email->password);
    if (config_.webhook) WipeString(config_.webhook->secret);
  }

  absl::Status Send(const Notification& n) override {
    Notifier* to = n.channel == "email"     ? email_.get()
                   : n.channel == "sms"     ? sms_.get()
                   : n.channel == "webhook" ? webhook_.get()
                                            : nullptr;
    if (to == nullptr) {
      return MakeError(absl::StatusCode::kUnavailable, "", "notifier.no_channel",
                       absl::StrCat("no notifier is configured for channel \"", n.channel, "\""));
    }
    return to->Send(n);
  }

 private:
  DeliveryConfig config_;
  std::unique_ptr<Notifier> email_, sms_, webhook_;
};

// --- the configuration ---------------------------------------------------------

absl::Status BadField(absl::string_view field, absl::string_view message) {
  return InvalidField(field, "delivery_config.invalid", absl::StrCat(field, ": ", message));
}

absl::StatusOr<std::string> Text(const Json& j, const std::string& field, const char* key,
                                 std::string fallback = "") {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) return BadField(absl::StrCat(field, key), "must be a string");
  return it->get<std::string>();
}

// The value of the environment variable `j[key]` names ("" when no key).
absl::StatusOr<std::string> SecretFromEnv(const Json& j, const std::string& field,
                                          const char* key) {
  IAM_ASSIGN_OR_RETURN(std::string name, Text(j, field, key));
  if (name.empty()) return std::string();
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return BadField(absl::StrCat(field, key),
                    absl::StrCat("environment variable ", name, " is not set"));
  }
  return std::string(value);
}

absl::Status CheckUrl(const std::string& url, const std::string& field,
                      std::initializer_list<const char*> schemes) {
  for (const char* scheme : schemes) {
    if (absl::StartsWithIgnoreCase(url, scheme) && url.size() > strlen(scheme)) {
      return absl::OkStatus();
    }
  }
  return BadField(field, absl::StrCat("must start with ", absl::StrJoin(schemes, " or ")));
}

// The object `j[key]` (null when absent) and its "url", which must start
// with one of `schemes`.
absl::StatusOr<const Json*> Section(const Json& j, const std::string& key, std::string* url,
                                    std::initializer_list<const char*> schemes) {
  auto it = j.find(key);
  if (it == j.end()) return nullptr;
  if (!it->is_object()) return BadField(key, "must be an object");
  IAM_ASSIGN_OR_RETURN(*url, Text(*it, key + ".", "url"));
  IAM_RETURN_IF_ERROR(CheckUrl(*url, key + ".url", schemes));
  return &*it;
}

absl::StatusOr<MessageTemplate> ParseTemplate(const Json& j, const std::string& field) {
  if (!j.is_object()) return BadField(field, "must be an object");
  MessageTemplate m;
  IAM_ASSIGN_OR_RETURN(m.subject, Text(j, field + ".", "subject"));
  IAM_ASSIGN_OR_RETURN(m.text, Text(j, field + ".", "text"));
  IAM_ASSIGN_OR_RETURN(m.html, Text(j, field + ".", "html"));
  if (m.text.empty()) return BadField(field + ".text", "is required");
  return m;
}

}  // namespace

MessageTemplate RenderMessage(const DeliveryConfig& config, const Notification& n) {
  std::string language = config.language;
  const MessageTemplate* chosen = nullptr;
  auto tenant = config.tenants.find(n.tenant);
  if (tenant != config.tenants.end()) {
    if (!tenant->second.language.empty()) language = tenant->second.language;
    auto own = tenant->second.templates.find(n.kind);
    if (own != tenant->second.templates.end()) chosen = &own->second;
  }
  const bool has_fields = !n.link.empty() || !n.password.empty();
  // The engine's messages since 1.4 carry their fields; older ones only text.
  for (const std::string& lang : {language, std::string("en")}) {
    for (const ShippedTemplate& t : ShippedTemplates()) {
      if (chosen == nullptr && has_fields && n.kind == t.kind && lang == t.language) {
        chosen = &t.message;
      }
    }
  }
  if (chosen == nullptr) chosen = &kFallback;
  MessageTemplate out;
  out.subject = Fill(chosen->subject, n, false);
  out.text = Fill(chosen->text, n, false);
  out.html = chosen->html.empty() ? "" : Fill(chosen->html, n, true);
  return out;
}

std::string EmailMessage(const std::string& from, const Notification& n,
                         const MessageTemplate& message, absl::Time date) {
  const std::string domain = [&] {
    const std::string address = AddressOf(from);
    const size_t at = address.rfind('@');
    return at == std::string::npos ? std::string("localhost") : address.substr(at + 1);
  }();
  // Stable across retries: a receiver (or a person) can tell a repeat.
  const std::string boundary = absl::StrCat("=_iam_part_", n.id);
  std::string out = absl::StrCat(
      "From: ", HeaderText(from), "\r\n", "To: <", n.recipient, ">\r\n",
      "Subject: ", HeaderText(message.subject), "\r\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()), "\r\n",
      "Message-ID: <iam-", n.id, ".", FormEscape(n.tenant), "@", domain, ">\r\n",
      "MIME-Version: 1.0\r\n");
  if (message.html.empty()) {
    absl::StrAppend(&out, "Content-Type: text/plain; charset=UTF-8\r\n",
                    "Content-Transfer-Encoding: base64\r\n\r\n", Base64Lines(message.text));
    return out;
  }
  absl::StrAppend(&out, "Content-Type: multipart/alternative; boundary=\"", boundary, "\"\r\n\r\n",
                  "--", boundary, "\r\n", "Content-Type: text/plain; charset=UTF-8\r\n",
                  "Content-Transfer-Encoding: base64\r\n\r\n", Base64Lines(message.text), "--",
                  boundary, "\r\n", "Content-Type: text/html; charset=UTF-8\r\n",
                  "Content-Transfer-Encoding: base64\r\n\r\n", Base64Lines(message.html), "--",
                  boundary, "--\r\n");
  return out;
}

std::string WebhookSignature(absl::string_view secret, absl::string_view body, absl::Time t) {
  const std::string signed_text = absl::StrCat(absl::ToUnixSeconds(t), ".", body);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_text.data()),
                                signed_text.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  sodium_memzero(&state, sizeof state);
  return absl::StrCat("t=", absl::ToUnixSeconds(t), ",v1=", hex);
}

absl::StatusOr<DeliveryConfig> ParseDeliveryConfig(absl::string_view text) {
  const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return BadField("config", "must be a JSON object");
  static const char* const kKeys[] = {"email",    "webhook", "sms",
                                      "language", "tenants", "timeout_ms"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return BadField(key, "is not a setting (email, webhook, sms, language, tenants, timeout_ms)");
    }
  }
  DeliveryConfig c;
  DeliveryConfig::Email e;
  IAM_ASSIGN_OR_RETURN(const Json* email, Section(j, "email", &e.url, {"smtp://", "smtps://"}));
  if (const Json* it = email; it != nullptr) {
    IAM_ASSIGN_OR_RETURN(e.starttls, Text(*it, "email.", "starttls", e.starttls));
    if (e.starttls != "required" && e.starttls != "when_offered" && e.starttls != "never") {
      return BadField("email.starttls", "must be required, when_offered or never");
    }
    IAM_ASSIGN_OR_RETURN(e.username, Text(*it, "email.", "username"));
    IAM_ASSIGN_OR_RETURN(e.password, SecretFromEnv(*it, "email.", "password_env"));
    IAM_ASSIGN_OR_RETURN(e.from, Text(*it, "email.", "from", e.from));
    c.email = std::move(e);
  }
  DeliveryConfig::Webhook w;
  IAM_ASSIGN_OR_RETURN(const Json* webhook, Section(j, "webhook", &w.url, {"http://", "https://"}));
  if (const Json* it = webhook; it != nullptr) {
    IAM_ASSIGN_OR_RETURN(w.secret, SecretFromEnv(*it, "webhook.", "secret_env"));
    if (w.secret.size() < 16) {
      return BadField("webhook.secret_env", "must name a secret of at least 16 bytes");
    }
    c.webhook = std::move(w);
  }
  DeliveryConfig::Sms s;
  IAM_ASSIGN_OR_RETURN(const Json* sms, Section(j, "sms", &s.url, {"http://", "https://"}));
  if (const Json* it = sms; it != nullptr) {
    IAM_ASSIGN_OR_RETURN(s.method, Text(*it, "sms.", "method", s.method));
    IAM_ASSIGN_OR_RETURN(s.content_type, Text(*it, "sms.", "content_type", s.content_type));
    IAM_ASSIGN_OR_RETURN(s.body, Text(*it, "sms.", "body", s.body));
    if (auto h = it->find("headers"); h != it->end()) {
      if (!h->is_object()) return BadField("sms.headers", "must be an object of strings");
      for (const auto& [name, value] : h->items()) {
        if (!value.is_string()) return BadField("sms.headers." + name, "must be a string");
        s.headers[name] = value.get<std::string>();
      }
    }
    c.sms = std::move(s);
  }
  IAM_ASSIGN_OR_RETURN(c.language, Text(j, "", "language", c.language));
  if (auto it = j.find("timeout_ms"); it != j.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 600000) {
      return BadField("timeout_ms", "must be an integer from 1 to 600000");
    }
    c.timeout = absl::Milliseconds(it->get<int64_t>());
  }
  if (auto it = j.find("tenants"); it != j.end()) {
    if (!it->is_object()) return BadField("tenants", "must be an object by tenant id");
    for (const auto& [tenant, value] : it->items()) {
      const std::string field = "tenants." + tenant;
      if (!value.is_object()) return BadField(field, "must be an object");
      TenantDelivery t;
      IAM_ASSIGN_OR_RETURN(t.from, Text(value, field + ".", "from"));
      IAM_ASSIGN_OR_RETURN(t.language, Text(value, field + ".", "language"));
      if (auto tt = value.find("templates"); tt != value.end()) {
        if (!tt->is_object()) return BadField(field + ".templates", "must be an object by kind");
        for (const auto& [kind, m] : tt->items()) {
          IAM_ASSIGN_OR_RETURN(t.templates[kind],
                               ParseTemplate(m, absl::StrCat(field, ".templates.", kind)));
        }
      }
      c.tenants[tenant] = std::move(t);
    }
  }
  return c;
}

std::unique_ptr<Notifier> NewDeliveryNotifier(DeliveryConfig config) {
  return std::make_unique<DeliveryNotifier>(std::move(config));
}

absl::StatusOr<DeliveryConfig> LoadDeliveryConfig(absl::string_view spec) {
  spec = absl::StripAsciiWhitespace(spec);
  std::string json;
  if (!spec.empty() && spec.front() == '{') {
    json = std::string(spec);
  } else if (!spec.empty() && spec.front() == '@') {
    const std::string path(spec.substr(1));
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return BadField("notifier", absl::StrCat("cannot read ", path));
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) json.append(buf, n);
    std::fclose(f);
  } else if (absl::StartsWithIgnoreCase(spec, "smtp://") ||
             absl::StartsWithIgnoreCase(spec, "smtps://")) {
    json = Json{{"email", {{"url", std::string(spec)}}}}.dump();
  } else if (absl::StartsWithIgnoreCase(spec, "http://") ||
             absl::StartsWithIgnoreCase(spec, "https://")) {
    json = Json{{"webhook", {{"url", std::string(spec)}, {"secret_env", "IAM_WEBHOOK_SECRET"}}}}
               .dump();
  } else {
    return BadField("notifier", "must be a JSON config, @file, smtp(s):// or http(s):// URL");
  }
  return ParseDeliveryConfig(json);
}

absl::StatusOr<std::unique_ptr<Notifier>> OpenNotifier(absl::string_view spec) {
  const absl::string_view s = absl::StripAsciiWhitespace(spec);
  if (s.empty()) return BadField("notifier", "is empty");
  if (s.front() != '{' && s.front() != '@' && !absl::StrContains(s, "://")) {
    return std::unique_ptr<Notifier>(std::make_unique<JsonLinesNotifier>(std::string(s)));
  }
  IAM_ASSIGN_OR_RETURN(DeliveryConfig config, LoadDeliveryConfig(s));
  return NewDeliveryNotifier(std::move(config));
}

}  // namespace iam
