# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Secret hygiene: one server's life with every kind of secret a client hands
it or it hands out (passwords set, rejected, guessed wrong and changed through
Keystone, Huawei, SCIM and iamctl; generated passwords; access key secrets;
Keystone tokens; the SCIM bearer token; a first-login link), then every place
a secret could be left is searched for each of them, byte for byte: the SQLite
database, its WAL and shared-memory files, the access log, the server's
output, the audit log (iamctl events), every error answer, the dead letters,
and the notification file. Each secret may appear only in its one-time
response; the link token only in the one notification that carries it."""
import json
import os
import re
import signal

from test_serve import TENANT, bootstrap, login, server_factory  # noqa: F401

GOOD = "Summer-Breeze7!x"


def scan(label, data, secrets):
    """The (secret name, place) pairs of each secret found in `data`."""
    if isinstance(data, str):
        data = data.encode()
    return [(name, label) for name, value in secrets.items() if value.encode() in data]


def test_no_secret_is_left_anywhere_but_its_one_time_answer(cli, server_factory, tmp_path):
    secrets = {}
    errors = []  # every error answer's body
    code, admin, p = bootstrap(cli)
    assert code == 0, p.stdout
    secrets["admin password"] = admin["password"]
    secrets["admin access key secret"] = admin["access_key"]["secret"]
    access_log = tmp_path / "access.log"
    server = server_factory("--access-log", str(access_log))

    status, _, headers = login(server, admin["user"]["name"], admin["password"])
    assert status == 201
    token = headers["X-Subject-Token"]
    secrets["admin token"] = token
    auth = {"X-Auth-Token": token, "Content-Type": "application/json"}

    def call(method, path, body=None, expect=None, headers=auth):
        status, raw, h = server.request(method, path, None if body is None else json.dumps(body),
                                        headers)
        if expect is not None:
            assert status == expect, (method, path, status, raw[:300])
        if status >= 400:
            errors.append(raw.decode(errors="replace"))
        return status, (json.loads(raw) if raw else None), h

    # Keystone and Huawei creates: a password set, one refused, one guessed wrong.
    secrets["keystone user password"] = "Autumn-Leaves8!k"
    _, made, _ = call("POST", "/v3/users", {"user": {
        "name": "hygiene.one", "domain_id": TENANT,
        "password": secrets["keystone user password"]}}, 201)
    secrets["refused weak password"] = "Zq!7"
    call("POST", "/v3.0/OS-USER/users", {"user": {
        "name": "hygiene.two", "domain_id": TENANT,
        "password": secrets["refused weak password"]}}, 400)
    call("POST", "/v3.0/OS-USER/users", {"user": {
        "name": "hygiene.two", "domain_id": TENANT, "pwd_status": False,
        "password": GOOD}}, 201)
    secrets["wrong guess"] = "Not-The-Password5"
    assert login(server, "hygiene.two", secrets["wrong guess"])[0] == 401
    status, _, h = login(server, "hygiene.two", GOOD)
    assert status == 201
    secrets["user token"] = h["X-Subject-Token"]
    secrets["password set by the administrator"] = "Winter-Frost3!w"
    call("PATCH", "/v3/users/" + made["user"]["id"],
         {"user": {"password": secrets["password set by the administrator"]}}, 200)

    # An access key made over HTTP: its secret is answered once.
    status, key, _ = call("POST", "/v3.0/OS-CREDENTIAL/credentials", {"credential": {
        "user_id": made["user"]["id"], "description": "ci"}}, 201)
    secrets["created access key secret"] = key["credential"]["secret"]

    # SCIM: its bearer token, a password set, one refused, one patched.
    scim_token = cli.ok("scim-token", "issue", "--tenant", TENANT)["token"]
    secrets["SCIM token"] = scim_token
    scim = {"Authorization": "Bearer " + scim_token, "Content-Type": "application/scim+json"}
    secrets["SCIM password"] = "Spring-Rain4!s"
    _, user, _ = call("POST", "/scim/v2/Users", {
        "userName": "hygiene.scim", "password": secrets["SCIM password"]}, 201, scim)
    secrets["SCIM refused password"] = "Xk#9q"
    call("POST", "/scim/v2/Users", {"userName": "hygiene.scim2",
                                   "password": secrets["SCIM refused password"]}, 400, scim)
    secrets["SCIM patched password"] = "Summer-Storm6!p"
    call("PATCH", "/scim/v2/Users/" + user["id"], {"Operations": [
        {"op": "replace", "path": "password", "value": secrets["SCIM patched password"]}]},
        200, scim)
    secrets["SCIM bulk password"] = "Harvest-Moon2!b"
    call("POST", "/scim/v2/Bulk", {"Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "b1",
         "data": {"userName": "hygiene.bulk", "password": secrets["SCIM bulk password"]}}]},
        200, scim)

    # iamctl: a generated password (printed once) and a first-login link (sent once).
    generated = cli.ok("create-user", "--tenant", TENANT, "--username", "hygiene.gen",
                       "--generate-password")
    secrets["generated password"] = generated["generated_password"]
    linked = cli.ok("create-user", "--tenant", TENANT, "--username", "hygiene.link",
                    "--email", "link@example.com", "--email-verified", "--login-link",
                    "--notify", "email")
    code, out, p = cli.run("create-user", "--tenant", TENANT, "--username", "hygiene.bad",
                           "--password", "-", stdin=secrets["refused weak password"] + "\n")
    assert code == 1, p.stdout
    errors.append(p.stdout + p.stderr)

    code, _, err = server.stop(signal.SIGTERM)
    assert code == 0, err
    notifications = cli.notifications()
    links = [n for n in notifications if n.get("kind") == "login_link"
             and n.get("user_id") == linked["user"]["id"]]
    assert len(links) == 1, notifications
    link_token = re.search(r"token=([A-Za-z0-9_-]{43})", json.dumps(links[0]))
    assert link_token, links[0]
    secrets["first-login link token"] = link_token.group(1)
    events = cli.ok("events", "--tenant", TENANT, "--limit", "1000")["events"]
    assert len(events) >= 15, "the audit log missed operations: %d events" % len(events)
    dead = cli.ok("dead-letters")

    places = {
        "iam.db": open(cli.db, "rb").read(),
        "access log": access_log.read_text(),
        "server output": err,
        "audit events": json.dumps(events),
        "dead letters": json.dumps(dead),
        "error answers": "\n".join(errors),
    }
    for suffix in ("-wal", "-shm"):
        if os.path.exists(cli.db + suffix):
            places["iam.db" + suffix] = open(cli.db + suffix, "rb").read()
    notify_text = open(cli.env["IAM_NOTIFY_FILE"], "rb").read()
    found = []
    for place, data in places.items():
        found += scan(place, data, secrets)
    # The notification file carries the link it exists to deliver, once, and nothing else.
    found += scan("notifications", notify_text,
                  {k: v for k, v in secrets.items() if k != "first-login link token"})
    assert notify_text.count(secrets["first-login link token"].encode()) == 1
    assert found == [], "secrets left behind: %r" % found
    assert len(secrets) == 16 and len(places) >= 6
    print("secret hygiene: %d secrets searched in %d places (%d bytes), none found" % (
        len(secrets), len(places) + 1,
        sum(len(v) for v in places.values()) + len(notify_text)))
