# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The audit log, dead letters and the delivering notifiers, from Python."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import iam

TENANT = "t1"


def test_audit_events_newest_first_filtered_and_paged():
    clock = iam.FakeClock(1_800_000_000)
    with iam.Engine(authorizer="allow_all", clock=clock, argon2="tests") as engine:
        user = engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7",
                                  require_password_reset=False).user
        clock.advance(60)
        engine.authenticate(tenant=TENANT, identifier="alice.wong", password="Wrong-Guess-1")
        events, token = engine.audit_events(TENANT)
        assert [(e["action"], e["outcome"], e["reason"]) for e in events] == [
            ("iam:Login", "failure", "password.mismatch"), ("iam:CreateUser", "success", "")]
        assert events[0]["target"] == user.id and token == ""
        assert events[1]["time"] == "2027-01-15T08:00:00Z"
        assert "Summer-Breeze7" not in json.dumps(events)
        first, token = engine.audit_events(TENANT, page_size=1)
        rest, last = engine.audit_events(TENANT, page_size=1, page_token=token)
        assert [first[0]["action"], rest[0]["action"], last] == ["iam:Login", "iam:CreateUser", ""]
        assert len(engine.audit_events(TENANT, action="iam:CreateUser")[0]) == 1
        assert len(engine.audit_events(TENANT, since="2027-01-15T08:00:30Z")[0]) == 1
        with pytest.raises(iam.InvalidParameter) as e:
            engine.audit_events(TENANT, since="yesterday")
        assert e.value.field == "since"
        assert engine.prune_audit_events(30) == 1
        assert len(engine.audit_events(TENANT)[0]) == 1


def test_dead_letters_are_kept_visible_and_redriven():
    clock = iam.FakeClock(1_800_000_000)
    sent = []
    failing = {"on": True}

    def notifier(n):
        if failing["on"]:
            return False
        sent.append(n)
        return True

    with iam.Engine(authorizer="allow_all", clock=clock, argon2="tests", notifier=notifier,
                    outbox_max_attempts=2, outbox_backoff=(1, 60)) as engine:
        engine.create_user(tenant=TENANT, username="bob.smith", email="b@example.com",
                           generate_password=True, notify="email")
        clock.advance(5)
        assert engine.dispatch_outbox() == 0
        dead = engine.dead_letters()
        assert len(dead) == 1 and dead[0]["attempts"] == 2 and dead[0]["kind"] == "generated_password"
        assert "body" not in dead[0] and "sealed_body" not in dead[0]
        failing["on"] = False
        clock.advance(3600)
        assert engine.dispatch_outbox() == 0  # dead: not retried by itself
        engine.redrive(dead[0]["id"])
        assert len(sent) == 1 and engine.dead_letters() == []
        with pytest.raises(iam.NotFound):
            engine.redrive(dead[0]["id"])


class Gateway:
    """An SMS gateway's HTTP API on loopback."""

    def __init__(self):
        self.posts = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.posts.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/send" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_sms_goes_through_an_http_gateway_template():
    gateway = Gateway()
    try:
        spec = json.dumps({"sms": {"url": gateway.url, "headers": {"Authorization": "Bearer k"},
                                   "body": '{"phone":"{recipient}","message":"{text}"}'}})
        with iam.Engine(authorizer="allow_all", argon2="tests", notifier=spec) as engine:
            out = engine.create_user(tenant=TENANT, username="carol.jones", phone="13800000000",
                                     phone_region="86", generate_password=True, notify="sms")
        assert len(gateway.posts) == 1
        path, headers, body = gateway.posts[0]
        assert path == "/send" and headers["Authorization"] == "Bearer k"
        assert body["phone"] == "+8613800000000"
        assert out.generated_password in body["message"] and "carol.jones" in body["message"]
    finally:
        gateway.stop()


def test_a_bad_notifier_spec_names_the_setting():
    with pytest.raises(iam.InvalidParameter) as e:
        iam.DeliveryNotifier('{"sms": {"url": "gopher://x"}}')
    assert e.value.field == "sms.url"
