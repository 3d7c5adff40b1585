# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iam.Wire: the HTTP APIs through the C ABI, as a Python host would call
them (a token, a create, errors as answers, a signed request)."""

from __future__ import annotations

import json

import iam
import pytest
from conftest import TENANT

URL = "http://wire.test"
JSON = [("Content-Type", "application/json")]


@pytest.fixture
def wire(engine):
    engine.create_user(tenant=TENANT, username="wire.admin", password="Summer-Breeze7",
                       require_password_reset=False)
    with iam.Wire(engine, URL) as w:
        yield w


def login(wire) -> str:
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "wire.admin", "password": "Summer-Breeze7", "domain": {"id": TENANT}}}},
        "scope": {"domain": {"id": TENANT}}}}
    r = wire.handle("POST", "/v3/auth/tokens", headers=JSON, body=json.dumps(body).encode())
    assert r.status == 201, r.body
    token = r.header("x-subject-token")
    assert token and len(token) == 43
    assert token.encode() not in r.body
    return token


def test_token_then_create_show_and_list(wire):
    auth = JSON + [("X-Auth-Token", login(wire))]
    r = wire.handle("POST", "/v3/users", headers=auth, body=b'{"user": {"name": "py.user"}}')
    assert r.status == 201
    user = r.json()["user"]
    assert user["links"]["self"] == URL + "/v3/users/" + user["id"]
    assert len(r.header("X-Request-Id")) == 36
    shown = wire.handle("GET", "/v3/users/" + user["id"], headers=auth)
    assert shown.status == 200 and shown.json()["user"]["name"] == "py.user"
    listed = wire.handle("GET", "/v3/users", query="name=py.user", headers=auth)
    assert [u["id"] for u in listed.json()["users"]] == [user["id"]]


def test_http_errors_are_answers_not_exceptions(wire):
    r = wire.handle("GET", "/v3/users")
    assert r.status == 401 and r.json()["error"]["code"] == 401
    r = wire.handle("DELETE", "/v3")
    assert r.status == 405
    r = wire.handle("POST", "/v3.0/OS-USER/users", headers=JSON + [("X-Auth-Token", login(wire))],
                    body=b"{oops")
    assert r.status == 400 and "error_msg" in r.json()


def test_signed_request_with_a_new_access_key(engine, wire):
    auth = JSON + [("X-Auth-Token", login(wire))]
    me = wire.handle("GET", "/v3/users", query="name=wire.admin", headers=auth).json()["users"][0]
    made = wire.handle("POST", "/v3.0/OS-CREDENTIAL/credentials", headers=auth,
                       body=json.dumps({"credential": {"user_id": me["id"]}}).encode())
    assert made.status == 201
    key = made.json()["credential"]
    assert len(key["secret"]) == 40
    # A wrong signature is refused with 401, whatever the key.
    bad = wire.handle("GET", "/v3/users", headers=[
        ("Host", "wire.test"), ("X-Sdk-Date", "20261202T000000Z"),
        ("Authorization", "SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-date, "
                          "Signature=%s" % (key["access"], "0" * 64))])
    assert bad.status == 401


def test_bad_arguments_raise(wire):
    with pytest.raises(TypeError):
        wire.handle("POST", "/v3/users", body="not bytes")
    with pytest.raises(TypeError):
        iam.Wire("not an engine")


def test_closed_engine_or_wire_refuses(engine):
    w = iam.Wire(engine, URL)
    w.close()
    w.close()
    with pytest.raises(ValueError):
        w.handle("GET", "/v3")
    w2 = iam.Wire(engine, URL)
    engine.close()
    with pytest.raises(ValueError):
        w2.handle("GET", "/v3")
    w2.close()
