# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""`iamctl bootstrap` and `iamctl serve`, their contracts: bootstrap prints
{"tenant", "user", "password", "access_key": {"id", "secret"}} once and
refuses a second run changing nothing; serve prints one ready line
{"listening": "HOST:PORT"}, logs one JSON line per request without query
strings, and on SIGTERM or SIGINT finishes what is in flight and exits 0."""
import datetime
import http.client
import json
import signal
import socket
import subprocess
import time

import pytest
import raw_http

TENANT = "d78cbac186b744899480f25bd022f468"


def bootstrap(cli, admin="admin01"):
    return cli.run("bootstrap", "--tenant", TENANT, "--admin", admin)


class Server:
    def __init__(self, cli, *args):
        self.proc = subprocess.Popen([cli.path, "--db", cli.db, "serve", "--listen", "127.0.0.1:0",
                                      *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=cli.env, cwd=cli.workdir)
        self.ready_line = self.proc.stdout.readline()
        ready = json.loads(self.ready_line)
        assert list(ready) == ["listening"], self.ready_line
        host, port = ready["listening"].rsplit(":", 1)
        assert host == "127.0.0.1" and 0 < int(port) < 65536
        self.port = int(port)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read(), dict(r.getheaders())
        finally:
            conn.close()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def server_factory(cli):
    servers = []

    def start(*args):
        s = Server(cli, *args)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.kill()


def login(server, name, password, tenant=TENANT):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "password": password, "domain": {"id": tenant}}}},
        "scope": {"domain": {"id": tenant}}}}
    return server.request("POST", "/v3/auth/tokens", json.dumps(body),
                          {"Content-Type": "application/json"})


def test_bootstrap_prints_the_admin_and_its_secrets_once(cli):
    code, out, p = bootstrap(cli)
    assert code == 0, p.stderr
    assert set(out) == {"tenant", "user", "password", "access_key"}
    assert out["tenant"] == TENANT
    assert out["user"]["name"] == "admin01" and out["user"]["domain_id"] == TENANT
    assert out["user"]["password_reset_required"] is False
    assert "AdministratorAccess" in out["user"]["policies"]
    assert set(out["access_key"]) == {"id", "secret"}
    assert len(out["access_key"]["id"]) == 20 and len(out["access_key"]["secret"]) == 40
    assert len(out["password"]) == 10
    # The password is the one the admin logs in with.
    login_out = cli.ok("login", "--tenant", TENANT, "--identifier", "admin01", "--password", "-",
                       stdin=out["password"] + "\n")
    assert login_out["outcome"] == "success"


def test_bootstrap_twice_fails_and_changes_nothing(cli):
    first = cli.ok("bootstrap", "--tenant", TENANT, "--admin", "admin01")
    code, out, _ = bootstrap(cli, admin="admin02")
    assert code == 1
    assert out["error"]["reason"] == "tenant.exists"
    users = cli.ok("list-users", "--tenant", TENANT)["users"]
    assert [u["id"] for u in users] == [first["user"]["id"]]


def test_bootstrap_with_a_bad_admin_name_registers_nothing(cli):
    code, out, _ = bootstrap(cli, admin="1bad")
    assert code == 1 and out["error"]["field"] == "username"
    code, out, p = bootstrap(cli)
    assert code == 0, p.stdout


def test_serve_ready_line_request_log_and_sigterm(cli, server_factory):
    creds = cli.ok("bootstrap", "--tenant", TENANT, "--admin", "admin01")
    server = server_factory()
    status, body, headers = server.request("GET", "/v3?nocatalog=secret-looking-query")
    assert status == 200 and json.loads(body)["version"]["id"] == "v3.14"
    status, body, headers = login(server, "admin01", creds["password"])
    assert status == 201 and headers["X-Subject-Token"]
    code, out, err = server.stop()
    assert code == 0, err
    assert out == "", "serve printed more than its ready line: %r" % out
    lines = [json.loads(line) for line in err.splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/v3", 200), ("POST", "/v3/auth/tokens", 201)]
    assert lines[1]["principal"] == creds["user"]["id"]
    assert lines[0]["request_id"] and lines[0]["duration_ms"] >= 0
    assert "secret-looking-query" not in err and creds["password"] not in err
    assert headers["X-Subject-Token"] not in err


def test_sigint_stops_it_too_and_access_log_goes_to_a_file(cli, server_factory, tmp_path):
    log = tmp_path / "access.log"
    server = server_factory("--access-log", str(log))
    assert server.request("GET", "/")[0] == 300
    code, _, err = server.stop(signal.SIGINT)
    assert code == 0
    assert err == ""
    assert json.loads(log.read_text().splitlines()[0])["status"] == 300


def test_sigterm_finishes_a_request_in_flight(cli, server_factory):
    server = server_factory()
    body = b'{"user": {"name": "late.user"}}'
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"POST /v3/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
    time.sleep(0.3)  # the server is reading this request
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(body[10:])
    reply = s.recv(65536)
    s.close()
    assert reply.startswith(b"HTTP/1.1 401"), reply[:60]  # answered (no token), not dropped
    server.proc.communicate(timeout=20)
    assert server.proc.returncode == 0


def test_session_ttl_option_sets_the_token_lifetime(cli, server_factory):
    creds = cli.ok("bootstrap", "--tenant", TENANT, "--admin", "admin01")
    server = server_factory("--session-ttl", "120")
    status, body, _ = login(server, "admin01", creds["password"])
    assert status == 201
    expires = datetime.datetime.strptime(json.loads(body)["token"]["expires_at"],
                                         "%Y-%m-%dT%H:%M:%S.%fZ")
    left = (expires - datetime.datetime.utcnow()).total_seconds()
    assert 100 < left <= 121, left


def test_serve_refuses_a_bad_or_busy_listen_address(cli):
    code, out, _ = cli.run("serve", "--listen", "nonsense")
    assert code == 1 and out["error"]["field"] == "--listen"
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        code, out, _ = cli.run("serve", "--listen", "127.0.0.1:%d" % busy.getsockname()[1])
        assert code == 1 and out["error"]["reason"] == "listen.failed"
    finally:
        busy.close()


def raw_exchange(port, *requests):
    return raw_http.exchange("127.0.0.1", port, *requests)


def test_hostile_requests_are_answered_and_the_server_lives(cli, server_factory):
    server = server_factory()
    # Half a million levels of nesting on the public token route: 400, no crash.
    deep = b"[" * 500000 + b"]" * 500000
    body = b'{"auth": {"identity": {"methods": ' + deep + b"}}}"
    status, reply, _ = server.request("POST", "/v3/auth/tokens", body,
                                      {"Content-Type": "application/json"})
    assert status == 400 and b"nests deeper" in reply
    # A path that is not UTF-8 is a 404, and the access log survives it.
    [answer] = raw_exchange(server.port, b"GET /v3/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404"), answer[:40]
    # A GET with a body (the SDK sends "{}" on some) is read whole: the next
    # request on the same connection is answered as itself.
    first, second = raw_exchange(
        server.port, b"GET /v3 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 300"), (first, second)
    # Never compressed: a compressed copy of a secret would escape the wipe.
    [answer] = raw_exchange(server.port,
                            b"GET /v3 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\n\r\n")
    assert b"Content-Encoding" not in answer and b'"v3.14"' in answer
    assert server.request("GET", "/v3")[0] == 200
    code, _, err = server.stop()
    assert code == 0, err


def test_plain_http_beyond_loopback_needs_allow_remote(cli):
    code, out, _ = cli.run("serve", "--listen", "0.0.0.0:0")
    assert code == 1 and out["error"]["reason"] == "listen.not_loopback"


def test_a_users_logs_over_http_say_who_from_where(cli, server_factory):
    """GET /v3.0/OS-USER/users/{id}/events: the audit events of one user, with the
    caller, its address, its User-Agent and the request id it was answered with."""
    _, admin, _ = bootstrap(cli)
    server = server_factory()
    status, _, headers = login(server, admin["user"]["name"], admin["password"])
    assert status == 201
    auth = {"X-Auth-Token": headers["X-Subject-Token"], "Content-Type": "application/json",
            "User-Agent": "audit-test/1.0"}
    body = {"user": {"name": "logged.user", "domain_id": TENANT, "password": "Summer-Breeze7",
                     "pwd_status": False}}
    status, created, headers = server.request("POST", "/v3.0/OS-USER/users", json.dumps(body), auth)
    assert status == 201, created
    user_id = json.loads(created)["user"]["id"]
    create_request_id = headers["X-Request-Id"]
    status, _, _ = login(server, "logged.user", "Wrong-Guess-1")
    assert status == 401
    status, page, _ = server.request("GET", f"/v3.0/OS-USER/users/{user_id}/events", None, auth)
    assert status == 200, page
    events = json.loads(page)["events"]
    assert [(e["action"], e["outcome"]) for e in events] == [
        ("iam:Login", "failure"), ("iam:CreateUser", "success")]
    create = events[1]
    assert create["actor"] == admin["user"]["id"] and create["target"] == user_id
    assert create["source"] == "127.0.0.1" and create["user_agent"] == "audit-test/1.0"
    assert create["request_id"] == create_request_id
    assert events[0]["reason"] == "password.mismatch" and events[0]["source"] == "127.0.0.1"
    assert "Wrong-Guess-1" not in page.decode() and "Summer-Breeze7" not in page.decode()
    status, page, _ = server.request(
        "GET", f"/v3.0/OS-USER/users/{user_id}/events?action=iam:Login&limit=1", None, auth)
    assert status == 200 and len(json.loads(page)["events"]) == 1
    status, page, _ = server.request(
        "GET", f"/v3.0/OS-USER/users/{user_id}/events?since=yesterday", None, auth)
    assert status == 400 and b"since" in page
    # The same events from the command line.
    assert cli.ok("events", "--tenant", TENANT, "--user-id", user_id)["events"] == events
