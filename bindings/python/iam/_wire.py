# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The wire layer: the seeds' HTTP APIs (Keystone v3, Huawei IAM v3.0) as a
function, for a Python host with its own HTTP stack (WSGI, ASGI, aiohttp...).

    with iam.Engine(store="iam.db") as engine, iam.Wire(engine, "http://127.0.0.1:8080") as wire:
        r = wire.handle("POST", "/v3/auth/tokens", headers=[("Content-Type", "application/json")],
                        body=b'{"auth": ...}')
        r.status, r.header("X-Subject-Token"), r.json()

Thread-safe. The engine must stay open while the Wire is used.
"""

from __future__ import annotations

import ctypes
import json
import threading
from ctypes import byref, c_int, c_size_t, c_void_p
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Tuple

from . import _ffi
from ._engine import Engine
from ._ffi import encode, lib


@dataclass(frozen=True)
class WireResponse:
    """An HTTP answer: status, headers ([(name, value)], X-Request-Id always
    among them) and body bytes (may hold a one-time secret: show it once)."""

    status: int
    headers: List[Tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        """The first value of header ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        """The body parsed as JSON; None when there is no body."""
        return json.loads(self.body) if self.body else None


class Wire:
    """Answers HTTP requests for ``engine``. ``public_url``: this server's URL,
    no trailing '/' (links and the token catalog); ``max_body``: the largest
    request body in bytes (0 = 1 MiB)."""

    def __init__(self, engine: Engine, public_url: str = "http://127.0.0.1:8080",
                 max_body: int = 0) -> None:
        if not isinstance(engine, Engine):
            raise TypeError("engine: expected iam.Engine, got %s" % type(engine).__name__)
        self._engine = engine
        self._ptr = _ffi.WireP()
        self._cond = threading.Condition()
        self._busy = 0  # handle() calls in flight: close() waits for them
        ptr = engine._enter()
        try:
            _ffi.call(lib.iam_wire_create, ptr, encode(public_url, "public_url"),
                      _ffi.integer(max_body, "max_body", 64), byref(self._ptr))
        finally:
            engine._exit()

    def handle(self, method: str, path: str, query: str = "",
               headers: Iterable[Tuple[str, str]] = (), body: bytes = b"",
               peer: str = "") -> WireResponse:
        """Answers one request. ``path`` as received (percent-encoded, without
        the query), ``query`` without '?'. Any HTTP status is an answer, not an
        exception; bad arguments raise iam.InvalidParameter."""
        if isinstance(body, str):
            raise TypeError("body: expected bytes, got str")
        with self._cond:
            if not self._ptr:
                raise ValueError("the Wire is closed")
            self._busy += 1
        try:
            return self._handle(method, path, query, headers, body, peer)
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    def _handle(self, method: str, path: str, query: str, headers: Iterable[Tuple[str, str]],
                body: bytes, peer: str) -> WireResponse:
        header_text = json.dumps([[str(k), str(v)] for k, v in headers])
        status = c_int(0)
        out_headers, out_body, out_size = c_void_p(), c_void_p(), c_size_t(0)
        self._engine._enter()
        try:
            try:
                _ffi.call(lib.iam_wire_handle, self._ptr, encode(method, "method"),
                          encode(path, "path"), encode(query, "query"),
                          header_text.encode("utf-8"), bytes(body), len(body),
                          encode(peer, "peer"), byref(status), byref(out_headers),
                          byref(out_body), byref(out_size))
                data = ctypes.string_at(out_body.value, out_size.value) if out_body.value else b""
            finally:
                headers_json = _ffi.take_string(out_headers)
                if out_body.value:
                    lib.iam_free(out_body)
        finally:
            self._engine._exit()
        pairs = [(k, v) for k, v in json.loads(headers_json or "[]")]
        return WireResponse(status.value, pairs, data)

    def close(self) -> None:
        """Waits for calls in flight, then releases the wire handle. Idempotent."""
        with self._cond:
            if not self._ptr:
                return
            ptr, self._ptr = self._ptr, _ffi.WireP()
            while self._busy:
                self._cond.wait()
        lib.iam_wire_destroy(ptr)

    def __enter__(self) -> "Wire":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
