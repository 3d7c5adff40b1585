"""Every status a client can cause on POST /v3/users and its neighbours, sent
with the real `curl` (`curl -s -i`), against `iamctl serve`.

For each error the test also checks the Keystone error body
`{"error": {"code": <status>, "message": ..., "title": ...}}`, the JSON
content type, the X-Request-Id header, and (for writes) that nothing was
created, by listing the name afterwards.
"""

import json
import os
import subprocess
import tempfile
import urllib.parse

import pytest

PASSWORD = "Summer-Breeze7"
ONE_MIB = 1024 * 1024


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-cased names; last value wins
        self.body = body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            pytest.fail(f"HTTP {self.status}: the body is not JSON: {self.body[:500]!r}")

    def __repr__(self):
        return f"<HTTP {self.status} {self.reason} {self.headers} {self.body[:800]!r}>"


def parse_curl_i(raw):
    """Splits `curl -i` output into the final response (skipping 1xx ones)."""
    while True:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            head, sep, rest = raw.partition(b"\n\n")
        lines = head.decode("latin-1").splitlines()
        assert lines and lines[0].startswith("HTTP/"), f"not an HTTP response: {raw[:300]!r}"
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        if 100 <= status < 200 and rest.startswith(b"HTTP/"):
            raw = rest
            continue
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Response(status, parts[2] if len(parts) > 2 else "", headers, rest)


def curl(iam_env, method, path, token=None, body=None, headers=None, content_type="application/json"):
    """Sends one request with curl; `body` is bytes, str, a JSON-able object or None."""
    cmd = ["curl", "-s", "-i", "-X", method, iam_env["IAM_URL"] + path, "-H", "Accept: application/json"]
    if token is not None:
        cmd += ["-H", f"X-Auth-Token: {token}"]
    for h in headers or ():
        cmd += ["-H", h]
    tmp = None
    if body is not None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        if content_type:
            cmd += ["-H", f"Content-Type: {content_type}"]
        tmp = tempfile.NamedTemporaryFile(prefix="iam-e2e-body-", delete=False)
        tmp.write(body)
        tmp.close()
        cmd += ["--data-binary", "@" + tmp.name]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    finally:
        if tmp:
            os.unlink(tmp.name)
    assert proc.stdout, f"curl got no response (exit {proc.returncode}): {' '.join(cmd[:6])} {proc.stderr!r}"
    return parse_curl_i(proc.stdout)


def get_token(iam_env, password=None):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": iam_env["IAM_ADMIN"], "domain": {"id": iam_env["IAM_TENANT"]},
        "password": password or iam_env["IAM_PASSWORD"]}}},
        "scope": {"domain": {"id": iam_env["IAM_TENANT"]}}}}
    return curl(iam_env, "POST", "/v3/auth/tokens", body=body)


@pytest.fixture(scope="module")
def token(iam_env):
    r = get_token(iam_env)
    assert r.status == 201, r
    tok = r.headers.get("x-subject-token")
    assert tok, f"no X-Subject-Token: {r}"
    return tok


def assert_error(r, status):
    """The Keystone error shape, JSON content type and a request id."""
    assert r.status == status, f"expected HTTP {status}: {r}"
    assert r.headers.get("x-request-id"), f"no X-Request-Id: {r}"
    assert r.headers.get("content-type", "").startswith("application/json"), f"content type: {r}"
    body = r.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), f"no error object: {r}"
    err = body["error"]
    assert err.get("code") == status, f"error.code is not {status}: {r}"
    assert isinstance(err.get("message"), str) and err["message"], f"no error.message: {r}"
    assert isinstance(err.get("title"), str) and err["title"], f"no error.title: {r}"
    return err


def users_named(iam_env, token, name):
    r = curl(iam_env, "GET", "/v3/users?name=" + urllib.parse.quote(name, safe=""), token=token)
    assert r.status == 200, r
    return r.json()["users"]


def assert_not_created(iam_env, token, name):
    found = users_named(iam_env, token, name)
    assert found == [], f"the refused request created {name}: {found}"


def user_body(iam_env, name, **extra):
    user = {"name": name, "password": PASSWORD, "domain_id": iam_env["IAM_TENANT"], "enabled": True}
    user.update(extra)
    return {"user": user}


# --- 201 ----------------------------------------------------------------------


def test_201_create_user(iam_env, token, run_suffix):
    name = f"curlok{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name))
    assert r.status == 201, r
    assert r.headers.get("x-request-id"), r
    assert r.headers.get("content-type", "").startswith("application/json"), r
    user = r.json()["user"]
    assert user["name"] == name and user["domain_id"] == iam_env["IAM_TENANT"], user
    assert user["enabled"] is True, user
    assert user["id"] and user["links"]["self"], user
    assert "password" not in user, user
    assert [u["id"] for u in users_named(iam_env, token, name)] == [user["id"]]

    # 200 show by id, and GET by name is 404 as in Keystone.
    r = curl(iam_env, "GET", f"/v3/users/{user['id']}", token=token)
    assert r.status == 200 and r.json()["user"]["id"] == user["id"], r
    assert_error(curl(iam_env, "GET", f"/v3/users/{name}", token=token), 404)

    # 200 PATCH, 204 DELETE, then 404.
    r = curl(iam_env, "PATCH", f"/v3/users/{user['id']}", token=token, body={"user": {"enabled": False}})
    assert r.status == 200 and r.json()["user"]["enabled"] is False, r
    r = curl(iam_env, "DELETE", f"/v3/users/{user['id']}", token=token)
    assert r.status == 204, r
    assert r.headers.get("x-request-id"), r
    assert_error(curl(iam_env, "GET", f"/v3/users/{user['id']}", token=token), 404)


def test_201_create_user_without_domain_uses_the_tokens(iam_env, token, run_suffix):
    """OSC sends no domain_id unless told; the token's domain applies."""
    name = f"curlnd{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token,
             body={"user": {"name": name, "password": PASSWORD, "enabled": True, "options": {}}})
    assert r.status == 201, r
    user = r.json()["user"]
    assert user["domain_id"] == iam_env["IAM_TENANT"], user
    assert curl(iam_env, "DELETE", f"/v3/users/{user['id']}", token=token).status == 204


# --- 400 ----------------------------------------------------------------------


def test_400_invalid_json(iam_env, token, run_suffix):
    name = f"curlbj{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token,
             body=f'{{"user": {{"name": "{name}", "password": "{PASSWORD}"')
    assert_error(r, 400)
    assert_not_created(iam_env, token, name)


def test_400_unknown_field(iam_env, token, run_suffix):
    name = f"curluf{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name, favourite_colour="blue"))
    assert_error(r, 400)
    assert_not_created(iam_env, token, name)


def test_400_wrong_json_type(iam_env, token, run_suffix):
    name = f"curlwt{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name, enabled="yes"))
    assert_error(r, 400)
    assert_not_created(iam_env, token, name)


def test_400_wrong_json_type_name(iam_env, token, run_suffix):
    r = curl(iam_env, "POST", "/v3/users", token=token, body={"user": {"name": 12345678, "password": PASSWORD}})
    assert_error(r, 400)
    assert_not_created(iam_env, token, "12345678")


def test_400_empty_body(iam_env, token):
    r = curl(iam_env, "POST", "/v3/users", token=token, body=b"")
    assert_error(r, 400)


def test_400_no_user_object(iam_env, token):
    assert_error(curl(iam_env, "POST", "/v3/users", token=token, body={}), 400)
    assert_error(curl(iam_env, "POST", "/v3/users", token=token, body=[]), 400)
    assert_error(curl(iam_env, "POST", "/v3/users", token=token, body={"user": "x"}), 400)


BAD_USERNAMES = {
    "leading_digit": lambda s: f"1lead{s}",
    "too_short": lambda s: "abcd",
    "too_long": lambda s: f"long{s}".ljust(33, "x"),
    "slash": lambda s: f"bad/{s}",
    "non_ascii": lambda s: f"bad\u00e9{s}",
    "at_sign": lambda s: f"bad@{s}",
}


@pytest.mark.parametrize("kind", sorted(BAD_USERNAMES))
def test_400_bad_username(iam_env, token, run_suffix, kind):
    name = BAD_USERNAMES[kind](run_suffix)
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name))
    assert_error(r, 400)
    assert_not_created(iam_env, token, name)


def test_400_weak_password(iam_env, token, run_suffix):
    name = f"curlwp{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name, password="aaaaaaaa"))
    assert_error(r, 400)
    assert_not_created(iam_env, token, name)


# --- 401 ----------------------------------------------------------------------


def test_401_no_token(iam_env, token, run_suffix):
    name = f"curlnt{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", body=user_body(iam_env, name))
    assert_error(r, 401)
    assert_not_created(iam_env, token, name)


def test_401_bogus_token(iam_env, token, run_suffix):
    name = f"curlbt{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token="gAAAAABbogus-token-0123456789", body=user_body(iam_env, name))
    assert_error(r, 401)
    assert_not_created(iam_env, token, name)


def test_401_wrong_password(iam_env):
    assert_error(get_token(iam_env, password=iam_env["IAM_PASSWORD"] + "x"), 401)


def test_401_get_users_without_token(iam_env):
    assert_error(curl(iam_env, "GET", "/v3/users"), 401)


def test_401_revoked_token(iam_env, token, run_suffix):
    r = get_token(iam_env)
    assert r.status == 201, r
    mine = r.headers["x-subject-token"]
    r = curl(iam_env, "GET", "/v3/auth/tokens", token=token, headers=[f"X-Subject-Token: {mine}"])
    assert r.status == 200, r
    assert r.headers.get("x-subject-token") == mine, r
    assert r.json()["token"]["user"]["id"] == iam_env["IAM_ADMIN_ID"], r
    r = curl(iam_env, "DELETE", "/v3/auth/tokens", token=token, headers=[f"X-Subject-Token: {mine}"])
    assert r.status == 204, r
    assert_error(curl(iam_env, "GET", "/v3/auth/tokens", token=token, headers=[f"X-Subject-Token: {mine}"]), 404)
    name = f"curlrv{run_suffix}"
    assert_error(curl(iam_env, "POST", "/v3/users", token=mine, body=user_body(iam_env, name)), 401)
    assert_not_created(iam_env, token, name)


# --- 403 ----------------------------------------------------------------------


def test_403_other_domain(iam_env, token, run_suffix):
    name = f"curlod{run_suffix}"
    other = "0123456789abcdef0123456789abcdef"
    assert other != iam_env["IAM_TENANT"]
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name, domain_id=other))
    assert_error(r, 403)
    assert_not_created(iam_env, token, name)


# --- 404 ----------------------------------------------------------------------


def test_404_unknown_user(iam_env, token):
    unknown = "f" * 32
    err = assert_error(curl(iam_env, "GET", f"/v3/users/{unknown}", token=token), 404)
    assert err["title"] == "Not Found", err
    assert_error(curl(iam_env, "PATCH", f"/v3/users/{unknown}", token=token,
                      body={"user": {"enabled": False}}), 404)
    assert_error(curl(iam_env, "DELETE", f"/v3/users/{unknown}", token=token), 404)


def test_404_unknown_domain(iam_env, token):
    assert_error(curl(iam_env, "GET", "/v3/domains/" + "e" * 32, token=token), 404)
    r = curl(iam_env, "GET", "/v3/domains?name=" + "e" * 32, token=token)
    assert r.status == 200 and r.json()["domains"] == [], r


# --- 405 ----------------------------------------------------------------------


def test_405_put_users(iam_env, token, run_suffix):
    name = f"curlpu{run_suffix}"
    r = curl(iam_env, "PUT", "/v3/users", token=token, body=user_body(iam_env, name))
    assert_error(r, 405)
    assert_not_created(iam_env, token, name)


def test_405_delete_users_collection(iam_env, token):
    assert_error(curl(iam_env, "DELETE", "/v3/users", token=token), 405)


# --- 409 ----------------------------------------------------------------------


def test_409_duplicate(iam_env, token, run_suffix):
    name = f"curldup{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name))
    assert r.status == 201, r
    uid = r.json()["user"]["id"]
    try:
        r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, name, description="second"))
        assert_error(r, 409)
        assert [u["id"] for u in users_named(iam_env, token, name)] == [uid]
    finally:
        curl(iam_env, "DELETE", f"/v3/users/{uid}", token=token)


def test_409_duplicate_admin_name(iam_env, token):
    assert_error(curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, iam_env["IAM_ADMIN"])), 409)


# --- 413 ----------------------------------------------------------------------


def test_413_body_over_one_mib(iam_env, token, run_suffix):
    name = f"curlbig{run_suffix}"
    prefix = json.dumps(user_body(iam_env, name))[:-2] + ', "description": "'
    body = prefix + "a" * (ONE_MIB + 1 - len(prefix) - 3) + '"}}'
    assert len(body) > ONE_MIB
    assert_error(curl(iam_env, "POST", "/v3/users", token=token, body=body), 413)
    assert_not_created(iam_env, token, name)


# --- friends ------------------------------------------------------------------


def test_version_document(iam_env):
    r = curl(iam_env, "GET", "/v3")
    assert r.status == 200, r
    assert r.headers.get("x-request-id"), r
    v = r.json()["version"]
    assert v["id"].startswith("v3") and v["status"] == "stable", v
    selfs = [l["href"] for l in v["links"] if l.get("rel") == "self"]
    assert selfs and selfs[0].rstrip("/").endswith("/v3"), v


def test_unscoped_token(iam_env):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": iam_env["IAM_ADMIN"], "domain": {"name": iam_env["IAM_TENANT"]},
        "password": iam_env["IAM_PASSWORD"]}}}}}
    r = curl(iam_env, "POST", "/v3/auth/tokens", body=body)
    assert r.status == 201, r
    assert r.headers.get("x-subject-token"), r
    tok = r.json()["token"]
    assert tok["user"]["id"] == iam_env["IAM_ADMIN_ID"], tok
    assert "domain" not in tok and "project" not in tok, tok
    assert tok["expires_at"], tok


def test_domain_scoped_token_body(iam_env):
    r = get_token(iam_env)
    assert r.status == 201, r
    tok = r.json()["token"]
    assert tok["domain"]["id"] == iam_env["IAM_TENANT"], tok
    assert tok["user"]["id"] == iam_env["IAM_ADMIN_ID"], tok
    assert tok["user"]["domain"]["id"] == iam_env["IAM_TENANT"], tok
    assert tok["methods"] == ["password"], tok
    assert any(s.get("type") == "identity" for s in tok["catalog"]), tok


def test_400_bad_auth_body(iam_env):
    assert_error(curl(iam_env, "POST", "/v3/auth/tokens", body=b"{not json"), 400)
    assert_error(curl(iam_env, "POST", "/v3/auth/tokens", body={"auth": {}}), 400)


def test_domains(iam_env, token):
    r = curl(iam_env, "GET", f"/v3/domains/{iam_env['IAM_TENANT']}", token=token)
    assert r.status == 200 and r.json()["domain"]["id"] == iam_env["IAM_TENANT"], r
    r = curl(iam_env, "GET", f"/v3/domains?name={iam_env['IAM_TENANT']}", token=token)
    assert r.status == 200, r
    assert [d["id"] for d in r.json()["domains"]] == [iam_env["IAM_TENANT"]], r


def test_groups(iam_env, token, run_suffix):
    gname = f"curlgrp{run_suffix}"
    r = curl(iam_env, "POST", "/v3/groups", token=token,
             body={"group": {"name": gname, "domain_id": iam_env["IAM_TENANT"], "description": "e2e"}})
    assert r.status == 201, r
    gid = r.json()["group"]["id"]
    r = curl(iam_env, "GET", "/v3/groups", token=token)
    assert r.status == 200 and gid in [g["id"] for g in r.json()["groups"]], r
    uname = f"curlmem{run_suffix}"
    r = curl(iam_env, "POST", "/v3/users", token=token, body=user_body(iam_env, uname))
    assert r.status == 201, r
    uid = r.json()["user"]["id"]
    try:
        r = curl(iam_env, "PUT", f"/v3/groups/{gid}/users/{uid}", token=token)
        assert r.status == 204, r
        assert_error(curl(iam_env, "PUT", f"/v3/groups/{gid}/users/{'f' * 32}", token=token), 404)
        assert_error(curl(iam_env, "PUT", f"/v3/groups/{'f' * 32}/users/{uid}", token=token), 404)
        assert_error(curl(iam_env, "POST", "/v3/groups", token=token,
                          body={"group": {"name": gname, "domain_id": iam_env["IAM_TENANT"]}}), 409)
    finally:
        curl(iam_env, "DELETE", f"/v3/users/{uid}", token=token)
