# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Hostile input, table-driven (issue 16): each case goes through the Python
API (over the C ABI), iamctl, the wire (Keystone POST /v3/users on a live
`iamctl serve`) and the console's batch create (through its session cookie)
where that surface can carry it. Each must get a clear error
naming the field and change nothing. The count of cases tried is printed."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_serve import TENANT, bootstrap, login, server_factory  # noqa: F401 (a fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings" / "python"))
if not os.environ.get("IAM_LIBRARY"):
    raise RuntimeError("set IAM_LIBRARY to the built libiam.so (scripts/test.sh does)")
import iam  # noqa: E402 - needs IAM_LIBRARY

MIB = 1 << 20
BIG = 100_000  # under Linux's 128 KiB limit for one argv string and serve's body limit

# (case, field, value, surfaces): the value goes into create-user's `field`.
USER_CASES = [
    ("embedded NUL", "username", "alice\x00admin", "pwc"),
    ("control character", "username", "ab\x07cd", "piwc"),
    ("bidi override", "username", "ali\u202ece", "piwc"),
    ("zero-width space", "username", "ali\u200bce", "piwc"),
    ("fullwidth letters", "username", "\uff41\uff4c\uff49\uff43\uff45", "piwc"),
    ("Turkish dotless i", "username", "al\u0131ce", "piwc"),
    ("German sharp s", "username", "stra\u00dfe", "piwc"),
    ("Kelvin sign", "username", "\u212aelvin", "piwc"),
    ("NFD e + combining acute", "username", "cafe\u0301", "piwc"),
    ("1 MiB display name", "display_name", "x" * MIB, "p"),
    ("100k display name", "display_name", "x" * BIG, "iwc"),
    ("bidi in display name", "display_name", "a\u202eb", "piwc"),
    ("1 MiB description", "description", "d" * MIB, "p"),
    ("100k description", "description", "d" * BIG, "iwc"),
    ("zero-width in email", "email", "a@example.com\u200b", "piwc"),
    ("negative phone", "phone", "-1", "pic"),
    ("40-digit phone", "phone", "1" * 40, "pic"),
]


class Surfaces:
    """The four ways in, each answering (field named?, detail)."""

    def __init__(self, cli, server, token, cookie, csrf):
        self.cli, self.server, self.token = cli, server, token
        self.cookie, self.csrf = cookie, csrf
        # The engine iamctl and serve open: the same file and host key.
        with open(cli.db + ".key", "rb") as f:
            host_key = f.read()
        self.engine = iam.Engine(store=iam.SqliteStore(cli.db), authorizer="allow_all",
                                 argon2="tests", host_key=host_key)

    def count(self):
        return len(self.engine.list_users(tenant=TENANT, page_size=1000).users)

    def python(self, **fields):
        try:
            self.engine.create_user(tenant=TENANT, **fields)
        except iam.Error as e:
            return e.field, "%s %s" % (e.reason, e)
        except (ValueError, TypeError) as e:
            return str(e).split(":", 1)[0], str(e)
        return None, "created"

    def iamctl(self, *args):
        code, out, p = self.cli.run(*args)
        if code == 0:
            return None, "created"
        if out and "error" in out:
            return out["error"]["field"], out["error"]["message"]
        return None, p.stderr  # a usage error: exit 2, the option named on stderr

    def wire(self, user, raw=None):
        body = raw if raw is not None else json.dumps({"user": user}).encode()
        status, data, _ = self.server.request(
            "POST", "/v3/users", body,
            {"Content-Type": "application/json", "X-Auth-Token": self.token})
        if status < 300:
            return None, "created"
        return status, data.decode("utf-8", "replace")


    def console(self, user):
        """The console's batch create, through its session cookie."""
        status, data, _ = self.server.request(
            "POST", "/v3.0/OS-USER/users/batch", json.dumps({"users": [user]}).encode(),
            {"Content-Type": "application/json", "Cookie": self.cookie,
             "X-CSRF-Token": self.csrf})
        if status < 300:
            return None, "created"
        answer = json.loads(data)
        for item in answer.get("items", []):
            if "error" in item:
                return item["error"]["field"], item["error"]["message"]
        return status, data.decode("utf-8", "replace")


@pytest.fixture
def surfaces(cli, server_factory):
    code, admin, p = bootstrap(cli)
    assert code == 0, p.stderr
    server = server_factory()
    status, _, headers = login(server, admin["user"]["name"], admin["password"])
    assert status == 201
    status, raw, h = server.request("POST", "/console/api/session", json.dumps({"session": {
        "domain_id": TENANT, "identifier": admin["user"]["name"],
        "password": admin["password"]}}), {"Content-Type": "application/json"})
    assert status == 201, raw
    s = Surfaces(cli, server, headers["X-Subject-Token"], h["Set-Cookie"].split(";")[0],
                 json.loads(raw)["csrf_token"])
    yield s
    s.engine.close()


def test_hostile_input_is_refused_by_name_and_changes_nothing(surfaces):
    tried = 0
    before = surfaces.count()

    def check(case, surface, field, answer):
        nonlocal tried
        tried += 1
        named, detail = answer
        assert surfaces.count() == before, (case, surface, "changed the store")
        if surface == "wire":
            assert named in (400, 413), (case, named, detail[:200])
            assert named == 413 or field in detail, (case, detail[:200])
        else:
            assert named == field or (named is None and field in detail), \
                (case, surface, named, detail[:200])

    for case, field, value, where in USER_CASES:
        username = value if field == "username" else "good.user"
        fields = {"username": username}
        if field != "username":
            fields[field] = value
        if "p" in where:
            check(case, "python", field, surfaces.python(**fields))
        if "i" in where:
            args = ["create-user", "--tenant", TENANT]
            for k, v in fields.items():
                args += ["--" + k.replace("_", "-"), v]
            check(case, "iamctl", field, surfaces.iamctl(*args))
        if "w" in where:
            user = {"name": username, "domain_id": TENANT}
            if field == "display_name":
                user["description"] = value  # Keystone has no display name
                field_w = "description"
            elif field == "email":
                user["email"] = value
                field_w = "email"
            elif field == "description":
                user["description"] = value
                field_w = "description"
            else:
                field_w = "name" if field == "username" else field
            check(case, "wire", field_w, surfaces.wire(user))
        if "c" in where:
            check(case, "console", field, surfaces.console(fields))

    # Invalid UTF-8: as bytes through the C ABI, as argv bytes through iamctl,
    # as a raw body on the wire.
    check("invalid UTF-8", "python", "username", surfaces.python(username=b"ab\xffcd"))
    p = subprocess.run([surfaces.cli.path.encode(), b"--db", surfaces.cli.db.encode(),
                        b"create-user", b"--tenant", TENANT.encode(), b"--username",
                        b"ab\xffcd"], capture_output=True, env=surfaces.cli.env)
    out = json.loads(p.stdout) if p.stdout.startswith(b"{") else {}
    check("invalid UTF-8", "iamctl", "username",
          (out.get("error", {}).get("field"), p.stderr.decode("utf-8", "replace")))
    raw = b'{"user": {"name": "ab\xffcd", "domain_id": "' + TENANT.encode() + b'"}}'
    status, detail = surfaces.wire(None, raw=raw)
    tried += 1
    assert status == 400 and surfaces.count() == before, detail

    # A lone surrogate, 100,000 groups, an unknown custom field, numbers out of
    # range, 11 users in a batch.
    check("lone surrogate", "python", "username", surfaces.python(username="a\udcffb"))
    check("100k groups", "python", "groups[0]",
          surfaces.python(username="good.user", groups=["g%d" % i for i in range(100_000)]))
    check("unknown custom field", "python", "custom_fields[0]",
          surfaces.python(username="good.user", custom_fields={"nosuch": "v"}))
    check("unknown custom field", "iamctl", "custom_fields[0]",
          surfaces.iamctl("create-user", "--tenant", TENANT, "--username", "good.user",
                          "--custom-field", "nosuch=v"))
    for length in (-1, 2**32 + 12, 10**30):
        check("generated length %d" % length, "python", "generated_password_length",
              surfaces.python(username="good.user", generate_password=True,
                              generated_password_length=length))
    for length in ("-1", "4294967308"):
        check("generated length " + length, "iamctl", "length",
              surfaces.iamctl("create-user", "--tenant", TENANT, "--username", "good.user",
                              "--generate-password", "--length", length))
    with pytest.raises(iam.PayloadTooLarge) as e:
        surfaces.engine.batch_create_users([dict(tenant=TENANT, username="user.n%02d" % i)
                                            for i in range(11)])
    tried += 1
    assert e.value.field == "users" and surfaces.count() == before

    # Malformed policy documents, and a custom field whose pattern would take
    # a backtracking engine exponential time: RE2 answers at once.
    for document in ("{", "[]", '{"Version": "1", "Statement": [{"Effect": "Maybe"}]}',
                     '{"Version": "1", "Statement": ' + "[" * 10_000 + "]" * 10_000 + "}"):
        with pytest.raises(iam.Error) as e:
            surfaces.engine.create_policy(tenant=TENANT, name="Hostile", document=document)
        tried += 1
        assert e.value.field and e.value.field.startswith("document"), e.value
    surfaces.engine.create_custom_field(tenant=TENANT, name="code", pattern="(a+)+$")
    start = time.monotonic()
    check("catastrophic pattern", "python", "custom_fields[0]",
          surfaces.python(username="good.user", custom_fields={"code": "a" * 50_000 + "!"}))
    assert time.monotonic() - start < 5
    with pytest.raises(iam.Error) as e:
        surfaces.engine.create_custom_field(tenant=TENANT, name="size", max_length=-5)
    tried += 1
    assert e.value.field == "max_length"
    print("hostile input: %d cases tried, each refused by name, the store unchanged" % tried)
