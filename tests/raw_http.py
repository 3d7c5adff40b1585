# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Raw HTTP/1.1 exchanges for the server suites (tests/cli, tests/e2e): bytes
sent exactly as given, answers read by Content-Length, so a test can send
what no well-behaved client library would."""

import socket


def exchange(host, port, *requests):
    """Sends each request on one connection after the previous answer; returns
    the answers (head and body), fewer when the server hung up (the partial
    bytes of the last one included)."""
    answers = []
    with socket.create_connection((host, port), timeout=10) as s:
        buf = b""
        for data in requests:
            s.sendall(data)
            while b"\r\n\r\n" not in buf:
                chunk = s.recv(65536)
                if not chunk:
                    return answers + ([buf] if buf else [])
                buf += chunk
            head, _, rest = buf.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            answers.append(head + b"\r\n\r\n" + rest[:length])
            buf = rest[length:]
    return answers
