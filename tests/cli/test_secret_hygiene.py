# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Secret hygiene: one server's life with every kind of secret a client hands
it or it hands out (passwords set, rejected, guessed wrong and changed through
Keystone, Huawei, SCIM and iamctl; generated passwords; access key secrets;
Keystone tokens; the SCIM bearer token; a first-login link), then every place
a secret could be left is searched for each of them, byte for byte: the SQLite
database, its WAL and shared-memory files, the access log, the server's
output, the audit log (iamctl events), every error answer, the dead letters,
and the notification file. Each secret may appear only in its one-time
response; the link token only in the one notification that carries it. The
idle server's own memory (heaps with their freed blocks, thread stacks) is
searched too: none of them may be left there."""
import http.client
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


def process_memory(pid):
    """Every readable, writable mapping of a live process (its heaps, freed
    blocks included, thread stacks, data), read through /proc/PID/mem, as
    {"START-END NAME": bytes}."""
    regions = {}
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else "anonymous"
            if not fields[1].startswith("rw") or name == "[vvar]":
                continue
            try:
                mem.seek(start)
                regions["%s %s" % (fields[0], name)] = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue  # a guard or vanished mapping
    assert regions, "no memory of process %d could be read" % pid
    return regions


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

    # The console: a sign-in's session token lives in a cookie only.
    status, raw, h = server.request("POST", "/console/api/session", json.dumps({"session": {
        "domain_id": TENANT, "identifier": admin["user"]["name"],
        "password": admin["password"]}}), {"Content-Type": "application/json"})
    assert status == 201, raw[:300]
    cookie = h["Set-Cookie"].split(";")[0]
    secrets["console session token"] = cookie.split("=", 1)[1]
    assert secrets["console session token"].encode() not in raw
    csrf = json.loads(raw)["csrf_token"]
    status, raw, _ = server.request("POST", "/v3.0/OS-SECURITYPOLICY/password-check", json.dumps(
        {"password_check": {"password": "Checked-Live4!c"}}), {
        "Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"})
    assert status == 200 and json.loads(raw)["valid"] is True, raw[:300]
    secrets["password checked live"] = "Checked-Live4!c"

    # A large body (read in many chunks, past any first buffer) with a password near its start.
    secrets["SCIM large-body password"] = "Meadow-Lark5!l"
    status, raw, _ = server.request("POST", "/scim/v2/Users", json.dumps({
        "userName": "hygiene.large", "password": secrets["SCIM large-body password"]})
        + " " * 300000, scim)
    assert status == 201, raw[:300]
    # The same, chunked: no length is declared before the body arrives.
    secrets["SCIM chunked password"] = "Thistle-Down6!c"
    body = (json.dumps({"userName": "hygiene.chunked",
                        "password": secrets["SCIM chunked password"]}) + " " * 300000).encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", "/scim/v2/Users", body=(body[i:i + 8192]
                                                     for i in range(0, len(body), 8192)),
                     headers=scim, encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 201, response.read()[:300]
    finally:
        conn.close()

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

    # The server, idle now, holds none of them in memory: not in freed heap
    # blocks (iamctl wipes every block it frees), not in its threads' stacks
    # (each connection's task scrubs what it used), not in cpp-httplib's buffers.
    memory = process_memory(server.proc.pid)
    found_in_memory = [hit for region, data in memory.items()
                       for hit in scan("server memory " + region, data, secrets)]

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
    assert found_in_memory == [], "secrets in the idle server's memory: %r" % found_in_memory
    assert len(secrets) == 20 and len(places) >= 6
    print("secret hygiene: %d secrets searched in %d places (%d bytes) and in the server's "
          "memory (%d bytes), none found" % (
              len(secrets), len(places) + 1,
              sum(len(v) for v in places.values()) + len(notify_text),
              sum(len(v) for v in memory.values())))
