# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Stores, notifiers, authorizers and clocks: the shipped ones as handle
wrappers, and Python objects plugged in through the C ABI's callback tables.

A Python port is reached from the engine's threads (whichever Python threads
call the engine): it must be thread-safe. Its callbacks never let an
exception escape into C: an :class:`iam.Error` raised there reports that
answer (e.g. ``AlreadyExists(reason="username.duplicate", field="username")``),
anything else becomes ``Status.CALLBACK_FAILED``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools
import json
import threading
from ctypes import byref, c_void_p
from typing import Any, Callable, Dict, Iterator, Optional, Union

from . import _ffi
from ._errors import Error, Status
from ._ffi import encode, lib
from ._types import Notification, PasswordPolicy, Principal, seconds

_NOT_FOUND = int(Status.NOT_FOUND)

# ---------------------------------------------------------------------------
# The objects behind callback contexts. A context pointer is a key into this
# registry; the table's destroy slot (called exactly once by the library)
# removes it. The callback functions themselves are module-level, so they
# outlive every table that points at them.

_registry: Dict[int, Any] = {}
_registry_lock = threading.Lock()
_keys = itertools.count(1)


def _register(obj: Any) -> int:
    key = next(_keys)
    with _registry_lock:
        _registry[key] = obj
    return key


def _target(ctx: Optional[int]) -> Any:
    with _registry_lock:
        return _registry[ctx or 0]


@_ffi.DESTROY
def _destroy(ctx: Optional[int]) -> None:
    try:
        with _registry_lock:
            _registry.pop(ctx or 0, None)
    except BaseException:  # noqa: BLE001 - never unwind into C (e.g. at shutdown)
        pass


def _report(err: Any, exc: BaseException) -> int:
    """Describes `exc` in the C error object and returns the code."""
    if isinstance(exc, Error):
        code = int(exc.code) if exc.code != Status.OK else int(Status.CALLBACK_FAILED)
        lib.iam_error_set(err, code, encode(exc.field or None), encode(exc.reason or None),
                          encode(exc.message or str(exc)))
        return code
    lib.iam_error_set(err, int(Status.CALLBACK_FAILED), None, None,
                      encode("%s: %s" % (type(exc).__name__, exc)))
    return int(Status.CALLBACK_FAILED)


def _guard(err: Any, body: Callable[[], int]) -> int:
    try:
        return body()
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a code
        try:
            return _report(err, exc)
        except BaseException:  # noqa: BLE001
            return int(Status.CALLBACK_FAILED)


def _reply(out: Any, value: Any) -> int:
    data = json.dumps(value, separators=(",", ":")).encode("utf-8")
    lib.iam_buffer_set(out, data, len(data))
    return _ffi.OK


def _found(out: Any, err: Any, value: Any, what: str) -> int:
    if value is None:
        lib.iam_error_set(err, _NOT_FOUND, encode(what, "what"), encode(what + ".not_found"),
                          encode(what + ": not found"))
        return _NOT_FOUND
    return _reply(out, value)


def _s(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8") if raw else ""


def _load(raw: Optional[bytes]) -> Any:
    return json.loads(raw) if raw else None


# ---------------------------------------------------------------------------
# Host stores.


class Store:
    """The store protocol a Python object implements to be an engine's store
    (``iam.Engine(store=obj)``). Subclassing is optional: any object with these
    methods works. Records are dicts with the C++ field names; times are
    integer nanoseconds since the Unix epoch (``-2**63``/``2**63-1`` for the
    infinite past/future). See "Host stores" in include/iam/iam.h for the exact
    shapes and semantics, and :class:`iam.DictStore` for a complete example.

    Report outcomes by raising :class:`iam.Error` subclasses, e.g.
    ``AlreadyExists(reason="username.duplicate", field="username")``; return
    None from a ``find_*`` method when there is no such record.
    """

    def commit(self, write_set: Dict[str, Any]) -> None:
        """Applies the write set atomically, every record of its
        "idempotency_records" included (a batch of creates with client tokens
        carries several)."""
        raise NotImplementedError

    def find_user(self, tenant: str, key: str, value: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError

    def list_users(self, query: Dict[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError

    def find_idempotency(self, tenant: str, client_token: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError

    def create_entry(self, entry: Dict[str, Any]) -> None:
        raise NotImplementedError

    def find_entry(self, kind: str, tenant: str, id_or_name: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError

    def list_entries(self, kind: str, tenant: str, keyword: str) -> list:
        raise NotImplementedError

    def delete_entry(self, kind: str, tenant: str, id: str) -> None:
        raise NotImplementedError

    def find_access_key(self, access_key_id: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError

    def list_access_keys(self, tenant: str, user_id: str) -> list:
        raise NotImplementedError

    def find_token(self, hash: str) -> Optional[Dict[str, Any]]:
        raise NotImplementedError

    def register_tenant(self, tenant: str) -> None:
        raise NotImplementedError

    def tenant_exists(self, tenant: str) -> bool:
        raise NotImplementedError

    def due_outbox(self, now: int, limit: int) -> list:
        raise NotImplementedError

    def complete_outbox(self, id: int) -> None:
        raise NotImplementedError

    def reschedule_outbox(self, id: int, attempts: int, next_attempt_at: int,
                          last_error: str) -> None:
        raise NotImplementedError

    def pending_outbox(self) -> int:
        raise NotImplementedError

    def update_entry(self, entry: Dict[str, Any], expected_version: int) -> None:
        raise NotImplementedError


@_ffi.STORE_COMMIT
def _store_commit(ctx, write_set, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).commit(_load(write_set))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_FIND_USER
def _store_find_user(ctx, tenant, key, value, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _found(
        out, err, _target(ctx).find_user(_s(tenant), _s(key), _s(value)), "user"))


@_ffi.STORE_LIST_USERS
def _store_list_users(ctx, query, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _reply(out, _target(ctx).list_users(_load(query))))


@_ffi.STORE_FIND_IDEMPOTENCY
def _store_find_idempotency(ctx, tenant, token, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _found(
        out, err, _target(ctx).find_idempotency(_s(tenant), _s(token)), "idempotency"))


@_ffi.STORE_CREATE_ENTRY
def _store_create_entry(ctx, entry, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).create_entry(_load(entry))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_FIND_ENTRY
def _store_find_entry(ctx, kind, tenant, id_or_name, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _found(
        out, err, _target(ctx).find_entry(_s(kind), _s(tenant), _s(id_or_name)), "entry"))


@_ffi.STORE_LIST_ENTRIES
def _store_list_entries(ctx, kind, tenant, keyword, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _reply(
        out, list(_target(ctx).list_entries(_s(kind), _s(tenant), _s(keyword)))))


@_ffi.STORE_DELETE_ENTRY
def _store_delete_entry(ctx, kind, tenant, id, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).delete_entry(_s(kind), _s(tenant), _s(id))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_FIND_ACCESS_KEY
def _store_find_access_key(ctx, key_id, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _found(
        out, err, _target(ctx).find_access_key(_s(key_id)), "access_key"))


@_ffi.STORE_LIST_ACCESS_KEYS
def _store_list_access_keys(ctx, tenant, user_id, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _reply(
        out, list(_target(ctx).list_access_keys(_s(tenant), _s(user_id)))))


@_ffi.STORE_FIND_TOKEN
def _store_find_token(ctx, hash, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _found(out, err, _target(ctx).find_token(_s(hash)), "token"))


@_ffi.STORE_REGISTER_TENANT
def _store_register_tenant(ctx, tenant, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).register_tenant(_s(tenant))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_TENANT_EXISTS
def _store_tenant_exists(ctx, tenant, exists, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        exists[0] = 1 if _target(ctx).tenant_exists(_s(tenant)) else 0
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_DUE_OUTBOX
def _store_due_outbox(ctx, now, limit, out, err):  # type: ignore[no-untyped-def]
    return _guard(err, lambda: _reply(out, list(_target(ctx).due_outbox(int(now), int(limit)))))


@_ffi.STORE_COMPLETE_OUTBOX
def _store_complete_outbox(ctx, id, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).complete_outbox(int(id))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_RESCHEDULE_OUTBOX
def _store_reschedule_outbox(ctx, id, attempts, next_at, last_error, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).reschedule_outbox(int(id), int(attempts), int(next_at), _s(last_error))
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_PENDING_OUTBOX
def _store_pending_outbox(ctx, count, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        count[0] = int(_target(ctx).pending_outbox())
        return _ffi.OK
    return _guard(err, body)


@_ffi.STORE_UPDATE_ENTRY
def _store_update_entry(ctx, entry, expected_version, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        _target(ctx).update_entry(_load(entry), int(expected_version))
        return _ffi.OK
    return _guard(err, body)


_STORE_METHODS = _ffi.StoreMethods(
    3, _destroy, _store_commit, _store_find_user, _store_list_users, _store_find_idempotency,
    _store_create_entry, _store_find_entry, _store_list_entries, _store_delete_entry,
    _store_find_access_key, _store_list_access_keys, _store_find_token, _store_register_tenant,
    _store_tenant_exists, _store_due_outbox, _store_complete_outbox, _store_reschedule_outbox,
    _store_pending_outbox, _store_update_entry)


# ---------------------------------------------------------------------------
# Host notifiers and authorizers.


def _notification(n: Any) -> Notification:
    return Notification(
        id=int(lib.iam_notification_id(n)), tenant=_s(lib.iam_notification_tenant(n)),
        user_id=_s(lib.iam_notification_user_id(n)), channel=_s(lib.iam_notification_channel(n)),
        recipient=_s(lib.iam_notification_recipient(n)), kind=_s(lib.iam_notification_kind(n)),
        body=_s(lib.iam_notification_body(n)))


@_ffi.NOTIFIER_SEND
def _notifier_send(ctx, n, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        target = _target(ctx)
        send = target if callable(target) else target.send
        if send(_notification(n)) is False:
            raise Error("the notifier did not deliver the message", code=Status.UNAVAILABLE,
                        reason="notifier.not_delivered")
        return _ffi.OK
    return _guard(err, body)


_NOTIFIER_METHODS = _ffi.NotifierMethods(1, _destroy, _notifier_send)


@_ffi.AUTHORIZER_AUTHORIZE
def _authorizer_authorize(ctx, caller_id, caller_tenant, action, tenant, err):  # type: ignore[no-untyped-def]
    def body() -> int:
        target = _target(ctx)
        decide = target if callable(target) else target.authorize
        if decide(Principal(_s(caller_id), _s(caller_tenant)), _s(action), _s(tenant)) is False:
            raise Error("%s is not allowed" % _s(action), code=Status.PERMISSION_DENIED,
                        reason="permission.denied")
        return _ffi.OK
    return _guard(err, body)


_AUTHORIZER_METHODS = _ffi.AuthorizerMethods(1, _destroy, _authorizer_authorize)


# ---------------------------------------------------------------------------
# Handle wrappers.


class _Handle:
    """Owns one C handle; close() (or garbage collection) releases it."""

    _destroy_name = ""

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr
        self._lock = threading.Lock()

    @property
    def handle(self) -> Any:
        if not self._ptr:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    def close(self) -> None:
        """Releases this handle; engines that use the object keep it alive."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr:
            getattr(lib, self._destroy_name)(ptr)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class StoreHandle(_Handle):
    """A store that engines can share: pass it as ``Engine(store=...)``."""

    _destroy_name = "iam_store_destroy"

    def pending_outbox(self) -> int:
        """Outbox messages not yet delivered."""
        from ctypes import c_int64
        count = c_int64()
        _ffi.call(lib.iam_store_pending_outbox, self.handle, byref(count))
        return count.value


class MemoryStore(StoreHandle):
    """Everything in process memory (tests; nothing survives the process)."""

    def __init__(self) -> None:
        ptr = _ffi.StoreP()
        _ffi.call(lib.iam_store_open_memory, byref(ptr))
        super().__init__(ptr)


class SqliteStore(StoreHandle):
    """One SQLite file (created and migrated as needed). ``durable``: a
    committed write survives a power loss; ``busy_timeout`` in seconds."""

    def __init__(self, path: str, *, durable: bool = True, busy_timeout: float = 5.0) -> None:
        ptr = _ffi.StoreP()
        _ffi.call(lib.iam_store_open_sqlite, encode(str(path)), 1 if durable else 0,
                  max(1, int(busy_timeout * 1000)), byref(ptr))
        super().__init__(ptr)
        self.path = str(path)


class PostgresStore(StoreHandle):
    """A PostgreSQL database shared by every engine that opens it: ``conninfo``
    is a postgresql:// URL (multi-host with target_session_attrs=read-write
    follows a failover) or a libpq keyword string; at most ``pool_size``
    connections. Transient failures are retried, then :class:`UnavailableError`."""

    def __init__(self, conninfo: str, *, pool_size: int = 8) -> None:
        ptr = _ffi.StoreP()
        _ffi.call(lib.iam_store_open_postgres, encode(str(conninfo)), int(pool_size), byref(ptr))
        super().__init__(ptr)
        self.conninfo = str(conninfo)

    def __repr__(self) -> str:  # the conninfo may hold a password
        return "<iam.PostgresStore>"


class HostStore(StoreHandle):
    """A Python object implementing the :class:`Store` protocol, as a store."""

    def __init__(self, store: Any) -> None:
        ptr = _ffi.StoreP()
        key = _register(store)
        # On failure the library has already called destroy (the key is gone).
        _ffi.call(lib.iam_store_open_host, byref(_STORE_METHODS), c_void_p(key), byref(ptr))
        super().__init__(ptr)
        self.store = store


def open_store(store: Union[None, str, StoreHandle, Any]) -> StoreHandle:
    """A store handle for what ``Engine(store=...)`` accepts: None or "memory"
    (in memory), a SQLite path or "sqlite:///path" URL, a PostgreSQL
    connection string ("postgresql://..." or "host=... dbname=..."), a :class:`StoreHandle`,
    or a Python object implementing the :class:`Store` protocol."""
    if store is None:
        return MemoryStore()
    if isinstance(store, StoreHandle):
        return store
    if isinstance(store, (str, bytes)) or hasattr(store, "__fspath__"):
        text = store.decode() if isinstance(store, bytes) else str(store)
        if text in ("memory", ":memory:", "memory:"):
            return MemoryStore()
        if text.startswith("sqlite:///"):
            return SqliteStore(text[len("sqlite://"):])
        if text.startswith("sqlite:"):
            return SqliteStore(text[len("sqlite:"):])
        if "://" in text and not text.startswith(("postgresql://", "postgres://")):
            raise ValueError("unsupported store URL scheme in %r (use a path, sqlite:///path "
                             "or postgresql://...)" % text.split("://")[0])
        # The library tells a PostgreSQL connection string from a SQLite path.
        ptr = _ffi.StoreP()
        _ffi.call(lib.iam_store_open, encode(text), byref(ptr))
        return StoreHandle(ptr)
    return HostStore(store)


class NotifierHandle(_Handle):
    _destroy_name = "iam_notifier_destroy"


class JsonLinesNotifier(NotifierHandle):
    """Appends one JSON object per notification to a file (created 0600)."""

    def __init__(self, path: str) -> None:
        ptr = _ffi.NotifierP()
        _ffi.call(lib.iam_notifier_create_json_lines, encode(str(path)), byref(ptr))
        super().__init__(ptr)


class DeliveryNotifier(NotifierHandle):
    """Delivers for real (include/iam/delivery.h): `spec` is a JSON config, "@path",
    an smtp(s):// or http(s):// URL."""

    def __init__(self, spec: str) -> None:
        ptr = _ffi.NotifierP()
        _ffi.call(lib.iam_notifier_open, encode(str(spec), "notifier"), byref(ptr))
        super().__init__(ptr)


def open_notifier(spec: str) -> NotifierHandle:
    """A notifier by spec: a file path gives a JsonLinesNotifier, anything else a
    DeliveryNotifier."""
    return DeliveryNotifier(spec)


class HostNotifier(NotifierHandle):
    """A Python callable ``f(notification)`` or an object with
    ``send(notification)``; returning False or raising reschedules it."""

    def __init__(self, notifier: Any) -> None:
        ptr = _ffi.NotifierP()
        key = _register(notifier)
        _ffi.call(lib.iam_notifier_create_host, byref(_NOTIFIER_METHODS), c_void_p(key),
                  byref(ptr))
        super().__init__(ptr)


class HostAuthorizer(_Handle):
    """A Python callable ``f(caller, action, tenant)`` or an object with
    ``authorize(caller, action, tenant)``: False or raising
    :class:`iam.PermissionDenied` refuses the call."""

    _destroy_name = "iam_authorizer_destroy"

    def __init__(self, authorizer: Any) -> None:
        ptr = _ffi.AuthorizerP()
        key = _register(authorizer)
        _ffi.call(lib.iam_authorizer_create_host, byref(_AUTHORIZER_METHODS), c_void_p(key),
                  byref(ptr))
        super().__init__(ptr)


class FakeClock(_Handle):
    """A clock that moves only when told, for tests of expiry and lockout."""

    _destroy_name = "iam_clock_destroy"

    def __init__(self, start: Union[int, float, _dt.datetime, None] = None) -> None:
        if start is None:
            start = _dt.datetime.now(_dt.timezone.utc)
        if isinstance(start, _dt.datetime):
            start = start.timestamp()
        ptr = _ffi.ClockP()
        _ffi.call(lib.iam_clock_create_fake, int(start), byref(ptr))
        super().__init__(ptr)

    def advance(self, by: Union[int, float, _dt.timedelta]) -> None:
        """Moves the clock forward by seconds (or a timedelta)."""
        lib.iam_clock_advance(self.handle, seconds(by))


# ---------------------------------------------------------------------------
# Password policies and principals as short-lived handles.

_CLASS_BITS = {"upper": 1, "lower": 2, "digit": 4, "special": 8}


@contextlib.contextmanager
def policy_handle(profile: Optional[str], policy: Optional[PasswordPolicy]) -> Iterator[Any]:
    """An iam_policy for `policy` over the profile's defaults (None: no handle)."""
    if policy is None:
        yield None
        return
    ptr = _ffi.PolicyP()
    _ffi.call(lib.iam_policy_create, encode(profile, "profile"), byref(ptr))
    try:
        p = policy
        ints = {"min_length": lib.iam_policy_set_min_length,
                "max_length": lib.iam_policy_set_max_length,
                "mfa_min_length": lib.iam_policy_set_mfa_min_length,
                "min_classes": lib.iam_policy_set_min_classes,
                "max_repeat": lib.iam_policy_set_max_repeat,
                "history_count": lib.iam_policy_set_history_count,
                "validity_days": lib.iam_policy_set_validity_days}
        for name, setter in ints.items():
            value = getattr(p, name)
            if value is not None:
                setter(ptr, int(value))
        flags = {"second_factor": lib.iam_policy_set_second_factor,
                 "allow_unicode": lib.iam_policy_set_allow_unicode,
                 "forbid_username": lib.iam_policy_set_forbid_username,
                 "forbid_contact": lib.iam_policy_set_forbid_contact}
        for name, setter in flags.items():
            value = getattr(p, name)
            if value is not None:
                setter(ptr, 1 if value else 0)
        if p.required_classes is not None:
            mask = 0
            for name in p.required_classes:
                if name not in _CLASS_BITS:
                    raise ValueError("required_classes: unknown class %r (upper, lower, digit, "
                                     "special)" % name)
                mask |= _CLASS_BITS[name]
            lib.iam_policy_set_required_classes(ptr, mask)
        if p.special_chars is not None:
            lib.iam_policy_set_special_chars(ptr, encode(p.special_chars))
        if p.normalization is not None:
            if p.normalization not in ("none", "nfkc"):
                raise ValueError("normalization: 'none' or 'nfkc'")
            lib.iam_policy_set_normalization(ptr, 1 if p.normalization == "nfkc" else 0)
        if p.min_age is not None:
            lib.iam_policy_set_min_age_seconds(ptr, seconds(p.min_age))
        if p.blocklist is not None:
            entries = list(p.blocklist)
            lib.iam_policy_set_blocklist_entries(ptr, _ffi.string_array(entries), len(entries))
        if p.blocklist_file is not None:
            _ffi.call(lib.iam_policy_set_blocklist_file, ptr, encode(str(p.blocklist_file)))
        if p.custom_pattern is not None or p.custom_pattern_description is not None:
            lib.iam_policy_set_custom_pattern(ptr, encode(p.custom_pattern or ""),
                                              encode(p.custom_pattern_description or ""))
        _ffi.call(lib.iam_policy_validate, ptr)
        yield ptr
    finally:
        lib.iam_policy_destroy(ptr)


@contextlib.contextmanager
def principal_handle(caller: Union[Principal, tuple, str, None]) -> Iterator[Any]:
    """An iam_principal for a caller (None: anonymous, NULL)."""
    if caller is None:
        yield None
        return
    if isinstance(caller, str):
        caller = Principal(caller)
    elif isinstance(caller, tuple):
        caller = Principal(*caller)
    ptr = _ffi.PrincipalP()
    _ffi.call(lib.iam_principal_create, encode(caller.id), encode(caller.tenant), byref(ptr))
    try:
        yield ptr
    finally:
        lib.iam_principal_destroy(ptr)
