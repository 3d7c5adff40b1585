"""A bounded abuse run against `iamctl serve`: 1,000 requests mixing good,
malformed, oversized and unauthenticated ones, while slowloris-style clients
trickle headers; then the server still answers, its memory stayed bounded,
and exactly the good creates exist (nothing half-written)."""

import http.client
import json
import os
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
import raw_http

TOTAL = 1000
SLOW_CLIENTS = 4
SLOW_SECONDS = 4.0


def rss_kib(pid: int) -> int:
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def request(host, port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read(), r.getheader("X-Request-Id")
    finally:
        conn.close()


def raw(host, port, data: bytes) -> bytes:
    """Sends `data` as it is and reads one answer, or what came before the
    server hung up."""
    answers = raw_http.exchange(host, port, data)
    return answers[0] if answers else b""


def slowloris(host, port, stop: threading.Event):
    """Trickles a request line and headers, never finishing, for a bounded time."""
    deadline = time.monotonic() + SLOW_SECONDS
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(b"POST /v3/users HTTP/1.1\r\nHost: x\r\n")
            while time.monotonic() < deadline and not stop.is_set():
                s.sendall(b"X-Slow: 1\r\n")
                time.sleep(0.5)
    except OSError:
        pass  # the server hung up on us: fine


@pytest.fixture(scope="module")
def server(iam_env):
    url = urllib.parse.urlsplit(iam_env["IAM_URL"])
    pid = int(os.environ["IAM_SERVER_PID"])
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": iam_env["IAM_ADMIN"], "password": iam_env["IAM_PASSWORD"],
        "domain": {"id": iam_env["IAM_TENANT"]}}}},
        "scope": {"domain": {"id": iam_env["IAM_TENANT"]}}}}
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("POST", "/v3/auth/tokens", body=json.dumps(body),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    assert r.status == 201
    token = r.getheader("X-Subject-Token")
    conn.close()
    return url.hostname, url.port, pid, token


def test_abuse_run_leaves_the_server_whole(server, run_suffix):
    host, port, pid, token = server
    auth = {"X-Auth-Token": token, "Content-Type": "application/json"}
    prefix = "abuse" + run_suffix
    rss_before = rss_kib(pid)

    def one(i: int):
        kind = i % 5
        if kind == 0:  # good
            status, body, rid = request(host, port, "POST", "/v3/users",
                                        json.dumps({"user": {"name": "%s%04d" % (prefix, i)}}), auth)
            assert status == 201, body
        elif kind == 1:  # malformed JSON, with a name that must never appear
            status, body, rid = request(host, port, "POST", "/v3/users",
                                        '{"user": {"name": "%sbad%04d"' % (prefix, i), auth)
            assert status == 400, body
        elif kind == 2:  # oversized: over the 1 MiB limit, skipped unbuffered, then 413
            size = (1 << 20) + 4096
            reply = raw(host, port, b"POST /v3/users HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " +
                        token.encode() + b"\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n" % size + b" " * size)
            assert reply.startswith(b"HTTP/1.1 413"), reply[:80]
            status, rid = 413, "raw"
        elif kind == 3:  # unauthenticated
            status, body, rid = request(host, port, "POST", "/v3/users",
                                        json.dumps({"user": {"name": "%snoauth%04d" % (prefix, i)}}),
                                        {"Content-Type": "application/json"})
            assert status == 401, body
        else:  # not HTTP at all
            reply = raw(host, port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
            assert reply == b"" or reply.startswith(b"HTTP/1.1 4"), reply[:80]
            status, rid = 400, "raw"
        assert rid, "no X-Request-Id"
        return kind, status

    stop = threading.Event()
    slow = [threading.Thread(target=slowloris, args=(host, port, stop)) for _ in range(SLOW_CLIENTS)]
    for t in slow:
        t.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(one, range(TOTAL)))
    finally:
        stop.set()
        for t in slow:
            t.join()
    assert len(results) == TOTAL
    good = sum(1 for kind, _ in results if kind == 0)

    # The server still answers a good request.
    status, body, _ = request(host, port, "GET", "/v3", headers={})
    assert status == 200, body
    # Exactly the good creates exist: nothing from a refused request, nothing half-written.
    status, body, _ = request(host, port, "GET", "/v3/users", headers=auth)
    assert status == 200
    names = [u["name"] for u in json.loads(body)["users"] if u["name"].startswith(prefix)]
    assert len(names) == good == TOTAL // 5
    assert all(n[len(prefix):].isdigit() for n in names), names[:5]
    # Memory stayed bounded (the oversized bodies were never buffered).
    grown_mib = (rss_kib(pid) - rss_before) / 1024
    assert grown_mib < 64, "server RSS grew by %.1f MiB" % grown_mib
