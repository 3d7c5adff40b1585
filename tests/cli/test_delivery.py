# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Notifications that really arrive: iamctl delivering to an SMTP server
(Debian's python3-aiosmtpd) and to a webhook receiver, both on loopback and
started here; and the audit log they leave."""
import email
import email.policy
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

HOOK_SECRET = "whsec-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Keeps every message the SMTP server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content,
                                                       policy=email.policy.default)))
        return "250 OK"


class NoStartTls(SMTP):
    """A server that does not offer STARTTLS (aiosmtpd offers it only with a TLS context)."""


@pytest.fixture
def smtp_server():
    """An SMTP server on loopback; stopped even when the test fails."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    inbox.controller = controller
    yield inbox
    controller.stop()


def delivering_cli(cli, spec, **env):
    cli.env = dict(cli.env, IAM_NOTIFY=spec, HOOK_SECRET=HOOK_SECRET,
                   IAM_OUTBOX_BACKOFF_MS="200", **env)
    return cli


def wait_until(predicate, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def parts(message):
    return {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}


def test_first_login_link_arrives_by_email_and_sets_the_password(cli, smtp_server):
    delivering_cli(cli, f"smtp://127.0.0.1:{smtp_server.port}")
    cli.ok("create-user", "--tenant", "t", "--username", "bob.smith", "--display-name", "Bob 史密斯",
           "--email", "bob@example.com", "--login-link")
    assert len(smtp_server.messages) == 1
    mail_from, rcpt, msg = smtp_server.messages[0]
    assert rcpt == ["bob@example.com"] and mail_from == "no-reply@localhost"
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        assert msg[header], header
    assert [a.addr_spec for a in msg["To"].addresses] == ["bob@example.com"]
    assert re.fullmatch(r"<iam-\d+\.t@localhost>", msg["Message-ID"])
    assert msg.get_content_type() == "multipart/alternative"
    body = parts(msg)
    assert set(body) == {"text/plain", "text/html"}
    assert "Bob 史密斯" in body["text/plain"]  # UTF-8, decoded by a standard parser
    links = re.findall(r"https?://\S+/first-login\?token=([A-Za-z0-9_-]{43})", body["text/plain"])
    assert len(links) == 1
    assert f'token={links[0]}"' in body["text/html"]
    cli.ok("redeem-link", "--token", links[0], "--password", "-", stdin="Spring-Rain42\n")
    assert cli.ok("login", "--tenant", "t", "--identifier", "bob.smith", "--password", "-",
                  stdin="Spring-Rain42\n")["outcome"] == "success"
    assert not cli.notifications()  # the file notifier is not in use


def test_generated_password_arrives_once_and_only_there(cli, smtp_server):
    delivering_cli(cli, f"smtp://127.0.0.1:{smtp_server.port}")
    out = cli.ok("create-user", "--tenant", "t", "--username", "gen.user", "--email",
                 "gen@example.com", "--generate-password", "--notify", "email")
    password = out["generated_password"]
    assert cli.ok("dispatch-outbox") == {"sent": 0, "pending": 0}
    assert len(smtp_server.messages) == 1
    text = parts(smtp_server.messages[0][2])["text/plain"]
    assert text.count(password) == 1 and "gen.user" in text
    events = cli.ok("events", "--tenant", "t")["events"]
    assert [e["action"] for e in events] == ["iam:CreateUser"]
    assert password not in json.dumps(events)
    blob = b"".join(open(f, "rb").read() for f in [cli.db] if f)
    assert password.encode() not in blob


def test_starttls_required_but_not_offered_fails_cleanly_then_is_retried(cli, smtp_server):
    config = {"email": {"url": f"smtp://127.0.0.1:{smtp_server.port}", "starttls": "required"}}
    delivering_cli(cli, json.dumps(config))
    out = cli.ok("create-user", "--tenant", "t", "--username", "tls.user", "--email",
                 "tls@example.com", "--login-link")
    assert out["user"]["name"] == "tls.user" or out["user"]  # the create itself succeeded
    assert smtp_server.messages == []  # nothing sent in clear
    assert cli.ok("dispatch-outbox")["pending"] == 1  # kept for a retry
    # The operator relaxes the setting; the retry delivers it, once.
    config["email"]["starttls"] = "when_offered"
    delivering_cli(cli, json.dumps(config))
    time.sleep(0.3)
    assert cli.ok("dispatch-outbox") == {"sent": 1, "pending": 0}
    assert len(smtp_server.messages) == 1
    assert cli.ok("dispatch-outbox") == {"sent": 0, "pending": 0}
    assert len(smtp_server.messages) == 1


def test_server_down_at_first_then_up_delivers_once(cli):
    port = free_port()  # nobody listens yet
    delivering_cli(cli, f"smtp://127.0.0.1:{port}")
    cli.ok("create-user", "--tenant", "t", "--username", "late.user", "--email",
           "late@example.com", "--login-link")
    assert cli.ok("dispatch-outbox")["pending"] == 1
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        time.sleep(0.3)
        assert cli.ok("dispatch-outbox") == {"sent": 1, "pending": 0}
        time.sleep(0.3)
        assert cli.ok("dispatch-outbox") == {"sent": 0, "pending": 0}
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


class Receiver:
    """A webhook receiver: verifies each signature, keeps deliveries by id."""

    def __init__(self):
        self.requests = []  # every attempt, verified or not
        self.by_id = {}  # delivery id -> body (exactly once)
        self.fail_first = 0
        self.stall_first = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append(body)
                    attempt = len(receiver.requests)
                if attempt <= receiver.stall_first:
                    time.sleep(1.5)  # beyond the sender's timeout
                if not receiver.verify(self.headers, body) or attempt <= receiver.fail_first:
                    self.send_response(500 if attempt <= receiver.fail_first else 400)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.by_id.setdefault(self.headers["Iam-Delivery"], json.loads(body))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def verify(headers, body):
        fields = dict(kv.split("=", 1) for kv in headers.get("Iam-Signature", "").split(","))
        if abs(time.time() - int(fields.get("t", "0"))) > 300:
            return False  # a replay
        expected = hmac.new(HOOK_SECRET.encode(), fields["t"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields.get("v1", ""))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def hook_config(url, **extra):
    return json.dumps(dict({"webhook": {"url": url, "secret_env": "HOOK_SECRET"},
                            "timeout_ms": 500}, **extra))


def test_webhook_sees_every_event_signed_and_survives_500s_and_timeouts(cli, receiver):
    receiver.fail_first = 2
    receiver.stall_first = 0
    delivering_cli(cli, hook_config(receiver.url))
    created = cli.ok("create-user", "--tenant", "t", "--username", "hook.user",
                     "--generate-password", "--access-key")
    user = created["user"]
    secrets = [created["generated_password"], created["access_key"]["secret"]]
    cli.ok("update-user", "--tenant", "t", "--id", user["id"], "--disable")
    assert wait_until(lambda: cli.ok("dispatch-outbox")["pending"] == 0, 15)
    events = sorted((b["data"]["action"], b["data"]["target"]) for b in receiver.by_id.values())
    assert events == [("iam:CreateUser", user["id"]), ("iam:DisableUser", user["id"]),
                      ("iam:UpdateUser", user["id"])]
    assert len(receiver.requests) >= 3 + 2  # the two 500s were retried
    for body in receiver.by_id.values():
        assert body["tenant"] == "t" and body["type"] == "audit_event"
    for raw in receiver.requests:  # every attempt, not only the accepted ones
        assert not any(secret.encode() in raw for secret in secrets)
    # A stalled receiver times out and is retried; a repeat is de-duplicated.
    receiver.stall_first = len(receiver.requests) + 1
    receiver.fail_first = 0
    cli.ok("update-user", "--tenant", "t", "--id", user["id"], "--enable")
    assert wait_until(lambda: cli.ok("dispatch-outbox")["pending"] == 0, 15)
    assert len(receiver.by_id) == 5  # + UpdateUser, EnableUser: each exactly once


def test_a_receiver_that_never_answers_is_dead_lettered_and_visible(cli):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        delivering_cli(cli, hook_config(url), IAM_OUTBOX_MAX_ATTEMPTS="3")
        cli.ok("create-user", "--tenant", "t", "--username", "dead.user", "--generate-password")
        assert wait_until(lambda: cli.ok("dispatch-outbox") and cli.ok("dead-letters")["dead_letters"],
                          15)
        dead = cli.ok("dead-letters")["dead_letters"]
        assert len(dead) == 1
        assert dead[0]["channel"] == "webhook" and dead[0]["attempts"] == 3
        assert "timed out" in dead[0]["last_error"].lower() or "timeout" in dead[0]["last_error"].lower()
        assert cli.ok("dispatch-outbox") == {"sent": 0, "pending": 1}  # no longer retried
    finally:
        silent.close()
    # Redriven once a receiver answers: delivered.
    r = Receiver()
    try:
        delivering_cli(cli, hook_config(r.url))
        out = cli.ok("redrive", "--id", str(dead[0]["id"]))
        assert out == {"redriven": dead[0]["id"], "pending": 0}
        assert [b["data"]["action"] for b in r.by_id.values()] == ["iam:CreateUser"]
    finally:
        r.stop()


def test_a_bad_delivery_config_names_the_field(cli):
    delivering_cli(cli, json.dumps({"email": {"url": "smtp://x", "starttls": "sometimes"}}))
    code, out, _ = cli.run("create-user", "--tenant", "t", "--username", "x.user",
                           "--generate-password")
    assert code == 1 and out["error"]["field"] == "email.starttls"
    delivering_cli(cli, json.dumps({"webhook": {"url": "ftp://x", "secret_env": "HOOK_SECRET"}}))
    code, out, _ = cli.run("dispatch-outbox")
    assert code == 1 and out["error"]["field"] == "webhook.url"
