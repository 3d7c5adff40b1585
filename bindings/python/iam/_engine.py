# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iam.Engine: user creation and management over the C ABI."""

from __future__ import annotations

import datetime as _dt
import json
import os
import threading
from ctypes import byref, c_int, c_int64
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence,
                    Tuple, Union)

from . import _ffi
from ._errors import Error, Status, make_error
from ._ffi import encode, lib
from ._ports import (
    FakeClock,
    HostAuthorizer,
    HostNotifier,
    NotifierHandle,
    open_notifier,
    open_store,
    policy_handle,
    principal_handle,
)
from ._types import (
    AccessKey,
    AccessKeyInfo,
    AccessKeyVerification,
    AuthResult,
    BatchResult,
    CreateUserResult,
    ImportProgress,
    ImportResult,
    DirectoryEntry,
    PasswordPolicy,
    Principal,
    User,
    UserPage,
    parse_time,
    seconds,
)

Caller = Union[Principal, Tuple[str, str], str, None]
Duration = Union[int, float, _dt.timedelta]

_PASSWORD_MODES = {"none": 0, "manual": 1, "generated": 2, "first_login_link": 3,
                   "imported_hash": 4}
_CHANNELS = {"email": 0, "sms": 1}
_KINDS = {"group": 0, "organizational_unit": 1, "custom_field": 2, "policy": 3}
_ARGON2 = {"owasp": 0, "interactive": 1, "tests": 2}

# Create fields that are plain strings, booleans and lists, with their setters.
_STRINGS = {
    "username": "iam_request_set_username", "display_name": "iam_request_set_display_name",
    "description": "iam_request_set_description", "email": "iam_request_set_email",
    "phone_region": "iam_request_set_phone_region", "phone": "iam_request_set_phone",
    "external_id": "iam_request_set_external_id",
    "default_project_id": "iam_request_set_default_project_id",
    "primary_ou": "iam_request_set_primary_ou", "client_token": "iam_request_set_client_token",
}
_BOOLS = {
    "email_verified": "iam_request_set_email_verified",
    "phone_verified": "iam_request_set_phone_verified", "enabled": "iam_request_set_enabled",
    "sms_login_verification": "iam_request_set_sms_login_verification",
    "require_password_reset": "iam_request_set_require_password_reset",
    "access_key": "iam_request_set_access_key", "quick_create": "iam_request_set_quick_create",
}
_LISTS = {
    "ous": ("iam_request_clear_ous", "iam_request_add_ou"),
    "groups": ("iam_request_clear_groups", "iam_request_add_group"),
    "policies": ("iam_request_clear_policies", "iam_request_add_policy"),
}
_CREATE_FIELDS = frozenset(_STRINGS) | frozenset(_BOOLS) | frozenset(_LISTS) | {
    "tenant", "password", "password_hash", "generate_password", "generated_password_length", "first_login_link",
    "password_mode", "custom_fields", "notify"}
_UPDATE_FIELDS = frozenset({
    "display_name", "description", "email", "email_verified", "phone_region", "phone",
    "phone_verified", "external_id", "enabled", "default_project_id", "primary_ou", "ous",
    "groups", "custom_fields", "policies", "sms_login_verification", "password_reset_required"})


def _json(text: Optional[str]) -> Any:
    return json.loads(text) if text else None


class _Request:
    """An iam_request built from keyword arguments, destroyed on exit."""

    def __init__(self) -> None:
        self.ptr = _ffi.RequestP()
        _ffi.call(lib.iam_request_create, byref(self.ptr))

    def __enter__(self) -> "_Request":
        return self

    def __exit__(self, *exc: Any) -> None:
        lib.iam_request_destroy(self.ptr)  # wipes a password it holds

    def set(self, name: str, value: Any) -> None:
        if value is None:
            return
        if name in _STRINGS:
            getattr(lib, _STRINGS[name])(self.ptr, encode(value, name))
        elif name in _BOOLS:
            getattr(lib, _BOOLS[name])(self.ptr, _ffi.flag(value, name))
        elif name == "password_reset_required":
            lib.iam_request_set_require_password_reset(self.ptr, _ffi.flag(value, name))
        elif name in _LISTS:
            if isinstance(value, str):
                raise TypeError("%s must be a list of ids or names, not a str" % name)
            clear, add = _LISTS[name]
            getattr(lib, clear)(self.ptr)
            for i, item in enumerate(value):
                getattr(lib, add)(self.ptr, encode(item, "%s[%d]" % (name, i)))
        elif name == "custom_fields":
            lib.iam_request_clear_custom_fields(self.ptr)
            items = value.items() if isinstance(value, Mapping) else value
            for k, v in items:
                if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                    raise TypeError("custom_fields[%r]: expected str or number, got %s"
                                    % (k, type(v).__name__))
                lib.iam_request_add_custom_field(self.ptr, encode(k, "custom_fields"),
                                                 encode(str(v), "custom_fields[%r]" % k))
        elif name == "tenant":
            lib.iam_request_set_tenant(self.ptr, encode(value, "tenant"))
        else:
            raise TypeError("unexpected field %r" % name)

    def create(self, fields: Mapping[str, Any]) -> "_Request":
        unknown = set(fields) - _CREATE_FIELDS
        if unknown:
            raise TypeError("create_user() got unexpected field(s): %s" % ", ".join(sorted(unknown)))
        password = fields.get("password")
        password_hash = fields.get("password_hash")
        modes = [bool(password is not None), bool(fields.get("generate_password")),
                 bool(fields.get("first_login_link")), bool(password_hash is not None)]
        if sum(modes) > 1:
            raise TypeError("give at most one of password=, password_hash=, generate_password=, "
                            "first_login_link=")
        mode = fields.get("password_mode")
        if mode is not None:
            if mode not in _PASSWORD_MODES:
                raise ValueError("password_mode: one of %s" % ", ".join(_PASSWORD_MODES))
            lib.iam_request_set_password_mode(self.ptr, _PASSWORD_MODES[mode])
        if password is not None:
            lib.iam_request_set_password(self.ptr, encode(password, "password"))
        elif password_hash is not None:
            lib.iam_request_set_password_hash(self.ptr, encode(password_hash, "password_hash"))
        elif fields.get("generate_password"):
            lib.iam_request_set_password_mode(self.ptr, _PASSWORD_MODES["generated"])
        elif fields.get("first_login_link"):
            lib.iam_request_set_password_mode(self.ptr, _PASSWORD_MODES["first_login_link"])
        length = fields.get("generated_password_length")
        if length:
            lib.iam_request_set_generated_password_length(
                self.ptr, _ffi.integer(length, "generated_password_length"))
        notify = fields.get("notify")
        if notify:
            for channel in [notify] if isinstance(notify, str) else notify:
                if channel not in _CHANNELS:
                    raise ValueError("notify: 'email' or 'sms'")
                lib.iam_request_add_notify(self.ptr, _CHANNELS[channel])
        for name, value in fields.items():
            if name not in ("password", "password_hash", "generate_password", "first_login_link", "password_mode",
                            "generated_password_length", "notify"):
                self.set(name, value)
        return self


def _error_from_json(e: Dict[str, Any]) -> Error:
    # The one error shape of iam/json.h: "code" is the canonical code's name;
    # a failed host callback is told by its reason.
    reason = e.get("reason") or ""
    code = Status.CALLBACK_FAILED if reason == "callback.failed" else \
        Status.__members__.get(e.get("code") or "", Status.UNKNOWN)
    return make_error(int(code), e.get("field") or "", reason, e.get("message") or "",
                      int(e.get("http_status") or 0), e.get("provider_code") or "")


class Engine:
    """The identity engine: creates and manages users of one dialect.

    Args:
        profile: "huawei" (default), "alibaba", "tencent" or "nist".
        store: None or "memory" (in memory), a SQLite path or "sqlite:///path",
            a PostgreSQL connection string ("postgresql://..."), an
            :class:`iam.MemoryStore`/:class:`iam.SqliteStore`/:class:`iam.PostgresStore`
            (shareable), or
            a Python object implementing the :class:`iam.Store` protocol.
        notifier: a callable ``f(notification)``, an object with ``send()``, an
            :class:`iam.JsonLinesNotifier`, or a delivery spec (a JSON config,
            "@path", an smtp(s):// or http(s):// URL: :class:`iam.DeliveryNotifier`);
            None keeps messages in the outbox.
        authorizer: a callable ``f(caller, action, tenant)`` or an object with
            ``authorize()``; "allow_all" allows every call (asked for by name);
            None (the default) is the shipped policy evaluator: callers act by
            their attached permission policies, and ``caller=None`` may do
            nothing administrative.
        clock: an :class:`iam.FakeClock` for tests.
        argon2: "owasp" (default), "interactive", "tests" (WARNING: tests only),
            or ``(ops_limit, mem_limit_bytes)``.
        host_key: 32 bytes that seal stored secrets and key token hashes; None
            draws a random key for this engine's lifetime (WARNING: then tokens
            and sealed secrets do not survive a restart).
        Other keywords set the engine options of the same name; durations are
            seconds or timedeltas.

    Use it as a context manager, or call :meth:`close`. An Engine is safe to
    call from many threads at once (the C library releases the GIL while it
    works; Python ports re-acquire it).
    """

    def __init__(self, profile: str = "huawei", store: Any = None, *, notifier: Any = None,
                 authorizer: Any = None, clock: Optional[FakeClock] = None,
                 argon2: Union[str, Tuple[int, int], None] = None,
                 host_key: Optional[bytes] = None, host_key_id: Optional[str] = None,
                 previous_host_keys: Optional[Mapping[str, bytes]] = None,
                 idempotency_window: Optional[Duration] = None,
                 login_link_ttl: Optional[Duration] = None,
                 reset_token_ttl: Optional[Duration] = None, max_batch: Optional[int] = None,
                 require_registered_tenant: Optional[bool] = None,
                 admin_policy: Optional[str] = None, base_url: Optional[str] = None,
                 max_access_keys_per_user: Optional[int] = None,
                 max_failed_logins: Optional[int] = None,
                 lockout_duration: Optional[Duration] = None,
                 dispatch_after_commit: Optional[bool] = None,
                 outbox_backoff: Optional[Tuple[Duration, Duration]] = None,
                 outbox_max_attempts: Optional[int] = None,
                 dispatch_interval: Optional[float] = None,
                 audit: Optional[bool] = None, audit_to_outbox: Optional[bool] = None) -> None:
        self._ptr = None
        self._cond = threading.Condition()
        self._busy = 0
        self._closing = False
        options = _ffi.OptionsP()
        _ffi.call(lib.iam_options_create, byref(options))
        owned: List[Any] = []
        try:
            _ffi.call(lib.iam_options_set_profile, options, encode(profile, "profile"))
            if argon2 is not None:
                if isinstance(argon2, str):
                    if argon2 not in _ARGON2:
                        raise ValueError("argon2: one of %s, or (ops, mem)" % ", ".join(_ARGON2))
                    lib.iam_options_set_argon2_preset(options, _ARGON2[argon2])
                else:
                    lib.iam_options_set_argon2(options, int(argon2[0]), int(argon2[1]))
            if host_key is not None:
                lib.iam_options_set_host_key(options, bytes(host_key), len(host_key),
                                             encode(host_key_id, "host_key_id"))
            for key_id, key in (previous_host_keys or {}).items():
                lib.iam_options_add_previous_host_key(options, encode(key_id, "key_id"), bytes(key),
                                                      len(key))
            if notifier is not None:
                if isinstance(notifier, str):
                    handle = open_notifier(notifier)
                else:
                    handle = (notifier if isinstance(notifier, NotifierHandle)
                              else HostNotifier(notifier))
                if handle is not notifier:
                    owned.append(handle)
                lib.iam_options_set_notifier(options, handle.handle)
            if authorizer == "allow_all":
                lib.iam_options_set_allow_all(options, 1)
            elif isinstance(authorizer, str):
                raise ValueError('authorizer: "allow_all", a callable or an object with authorize()')
            elif authorizer is not None:
                handle = HostAuthorizer(authorizer)
                owned.append(handle)
                lib.iam_options_set_authorizer(options, handle.handle)
            if clock is not None:
                lib.iam_options_set_clock(options, clock.handle)
            durations = [(idempotency_window, lib.iam_options_set_idempotency_window_seconds),
                         (login_link_ttl, lib.iam_options_set_login_link_ttl_seconds),
                         (reset_token_ttl, lib.iam_options_set_reset_token_ttl_seconds),
                         (lockout_duration, lib.iam_options_set_lockout_seconds)]
            for value, setter in durations:
                if value is not None:
                    setter(options, seconds(value))
            ints = [(max_batch, lib.iam_options_set_max_batch),
                    (max_access_keys_per_user, lib.iam_options_set_max_access_keys_per_user),
                    (max_failed_logins, lib.iam_options_set_max_failed_logins)]
            for value, setter in ints:
                if value is not None:
                    setter(options, int(value))
            if require_registered_tenant is not None:
                lib.iam_options_set_require_registered_tenant(options,
                                                              1 if require_registered_tenant else 0)
            if dispatch_after_commit is not None:
                lib.iam_options_set_dispatch_after_commit(options, 1 if dispatch_after_commit else 0)
            if admin_policy is not None:
                lib.iam_options_set_admin_policy(options, encode(admin_policy, "admin_policy"))
            if base_url is not None:
                lib.iam_options_set_base_url(options, encode(base_url, "base_url"))
            if outbox_backoff is not None:
                lib.iam_options_set_outbox_backoff_seconds(options, seconds(outbox_backoff[0]),
                                                           seconds(outbox_backoff[1]))
            if outbox_max_attempts is not None:
                lib.iam_options_set_outbox_max_attempts(options, int(outbox_max_attempts))
            if dispatch_interval is not None:
                lib.iam_options_set_dispatch_interval_ms(options, int(dispatch_interval * 1000))
            if audit is not None or audit_to_outbox is not None:
                lib.iam_options_set_audit(options, (0 if audit is False else 1) |
                                          (2 if audit_to_outbox else 0))
            store_handle = open_store(store)
            if store_handle is not store:
                owned.append(store_handle)
            engine = _ffi.EngineP()
            _ffi.call(lib.iam_engine_create, options, store_handle.handle, byref(engine))
            self._ptr = engine
            self.store = store
        finally:
            lib.iam_options_destroy(options)
            # The engine holds its own references to everything it uses.
            for handle in owned:
                handle.close()
        self.profile: str = profile

    # -- lifetime -------------------------------------------------------------

    def _enter(self) -> Any:
        with self._cond:
            if self._ptr is None or self._closing:
                raise ValueError("the Engine is closed")
            self._busy += 1
            return self._ptr

    def _exit(self) -> None:
        with self._cond:
            self._busy -= 1
            if self._busy == 0:
                self._cond.notify_all()

    def _call(self, fn: Any, *args: Any) -> int:
        ptr = self._enter()
        try:
            return _ffi.call(fn, ptr, *args)
        finally:
            self._exit()

    def _call_string(self, fn: Any, *args: Any) -> Optional[str]:
        ptr = self._enter()
        try:
            return _ffi.call_string(fn, ptr, *args)
        finally:
            self._exit()

    def close(self) -> None:
        """Waits for calls in flight, then releases the engine (and, when it
        was the last user, its store and ports). Idempotent."""
        with self._cond:
            if self._ptr is None:
                return
            self._closing = True
            while self._busy:
                self._cond.wait()
            ptr, self._ptr = self._ptr, None
        lib.iam_engine_destroy(ptr)

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # -- tenants and policies -------------------------------------------------

    def register_tenant(self, tenant: str) -> None:
        """Registers a tenant (see ``require_registered_tenant``)."""
        self._call(lib.iam_engine_register_tenant, encode(tenant, "tenant"))

    def set_password_policy(self, tenant: str,
                            policy: Union[PasswordPolicy, Dict[str, Any]]) -> None:
        """Replaces the profile's password policy for one tenant."""
        with policy_handle(self.profile, PasswordPolicy.coerce(policy)) as p:
            self._call(lib.iam_engine_set_password_policy, encode(tenant, "tenant"), p)

    def password_policy(self, tenant: str) -> Dict[str, Any]:
        """The policy in force for a tenant, as a dict."""
        ptr = self._enter()
        policy = _ffi.PolicyP()
        try:
            _ffi.call(lib.iam_engine_password_policy, ptr, encode(tenant, "tenant"), byref(policy))
            try:
                return _json(_ffi.call_string(lib.iam_policy_json, policy))
            finally:
                lib.iam_policy_destroy(policy)
        finally:
            self._exit()

    def password_violations(self, tenant: str, password: str, *, username: Optional[str] = None,
                            email: Optional[str] = None, phone: Optional[str] = None) -> List[str]:
        """The reasons `password` fails the tenant's policy ([] when valid)."""
        text = self._call_string(lib.iam_engine_check_password, encode(tenant, "tenant"), encode(password, "password"),
                                 encode(username, "username"), encode(email, "email"), encode(phone, "phone"), None)
        return [v["reason"] for v in _json(text)]

    # -- users ------------------------------------------------------------------

    def create_user(self, *, tenant: str, username: str, password: Optional[str] = None,
                    generate_password: bool = False, caller: Caller = None,
                    **fields: Any) -> CreateUserResult:
        """Creates a user.

        Keywords: ``password`` (set by the administrator), or
        ``generate_password=True`` (returned once in ``generated_password``;
        ``generated_password_length``), or ``first_login_link=True`` (a one-time
        link by email); ``email``, ``email_verified``, ``phone``,
        ``phone_region``, ``phone_verified``, ``display_name``, ``description``,
        ``external_id``, ``enabled``, ``default_project_id``, ``primary_ou``,
        ``ous``, ``groups`` (ids or names), ``custom_fields`` (dict),
        ``policies``, ``access_key=True`` (a key pair, secret returned once),
        ``require_password_reset``, ``notify`` ("email"/"sms"),
        ``quick_create``, ``sms_login_verification``, ``client_token``
        (idempotency).
        """
        fields.update(tenant=tenant, username=username, password=password,
                      generate_password=generate_password)
        with _Request() as req, principal_handle(caller) as who:
            req.create(fields)
            text = self._call_string(lib.iam_engine_create_user, who, req.ptr)
        return CreateUserResult.from_json(_json(text))

    def batch_create_users(self, users: Sequence[Mapping[str, Any]], *,
                           caller: Caller = None) -> BatchResult:
        """Creates up to ``max_batch`` users, all or none. Each item takes the
        keywords of :meth:`create_user`. Raises :class:`iam.PayloadTooLarge`
        above the limit; otherwise returns a :class:`BatchResult` whose items
        are results or :class:`iam.Error` objects."""
        requests = [_Request() for _ in users]
        try:
            for req, fields in zip(requests, users):
                req.create(dict(fields))
            array = (_ffi.RequestP * len(requests))(*[r.ptr for r in requests])
            with principal_handle(caller) as who:
                text = self._call_string(lib.iam_engine_batch_create_users, who, array,
                                         len(requests))
        finally:
            for req in requests:
                req.__exit__()
        j = _json(text)
        items: List[Any] = []
        for item in j["items"]:
            if "result" in item:
                items.append(CreateUserResult.from_json(item["result"]))
            else:
                items.append(_error_from_json(item["error"]))
        return BatchResult(committed=bool(j["committed"]), items=items)

    def import_users(self, source: Union[str, "os.PathLike[str]", bytes,
                                         Iterable[Mapping[str, Any]]], *,
                     tenant: str, caller: Caller = None, format: Optional[str] = None,
                     jobs: int = 0, batch_size: int = 0,
                     progress: Optional[Callable[[ImportProgress], None]] = None
                     ) -> ImportResult:
        """Imports users in atomic batches (include/iam/import.h).

        ``source``: a path to a CSV (header row of create-user keys) or JSON
        Lines file; the content itself as bytes; or an iterable of dicts with
        :meth:`create_user`'s JSON keys (``username``, ``email``, ``groups``,
        ``password_mode``, ``password_hash``...). ``format``: "csv" or
        "jsonl" (default: by extension, else the first byte). ``jobs``: Argon2id
        threads (0 = every core). ``progress(ImportProgress)`` runs after
        every batch. Importing the same content again resumes: rows already
        created are counted in ``already_present``, nothing is made twice.
        Row problems are in ``result.errors``; generated passwords and access
        keys in ``result.secrets``, once. Raises for the import as a whole (an
        unreadable file, an unknown CSV column)."""
        formats = {None: 0, "auto": 0, "csv": 1, "jsonl": 2}
        if format not in formats:
            raise ValueError("format: 'csv' or 'jsonl'")
        path: Optional[bytes] = None
        text: Optional[bytes] = None
        if isinstance(source, (str, os.PathLike)):
            path = os.fsencode(source)
        elif isinstance(source, (bytes, bytearray)):
            text = bytes(source)
        else:
            lines = []
            for i, row in enumerate(source):
                if not isinstance(row, Mapping):
                    raise TypeError("source[%d]: expected a dict of create-user keys" % i)
                lines.append(json.dumps(dict(row), ensure_ascii=False))
            text = ("\n".join(lines) + "\n").encode("utf-8")
            format = format or "jsonl"
        failure: List[BaseException] = []

        def relay(_ctx: Any, p: Any) -> None:
            if failure or progress is None:
                return
            try:
                c = p.contents
                progress(ImportProgress(c.rows_done, c.rows_total, c.created,
                                        c.already_present, c.failed, c.elapsed_seconds))
            except BaseException as e:  # raised again once the call returns
                failure.append(e)

        callback = _ffi.IMPORT_PROGRESS(relay) if progress is not None else _ffi.IMPORT_PROGRESS()
        with principal_handle(caller) as who:
            out = self._call_string(lib.iam_engine_import_users, who, encode(tenant, "tenant"),
                                    path, text, len(text) if text is not None else 0,
                                    formats[format], _ffi.integer(jobs, "jobs"),
                                    _ffi.integer(batch_size, "batch_size"), callback, None)
        if failure:
            raise failure[0]
        return ImportResult.from_json(_json(out))

    @staticmethod
    def _target(user: Optional[str], username: Optional[str], id: Optional[str]) -> str:
        given = [(n, v) for n, v in (("user", user), ("username", username), ("id", id))
                 if v is not None]
        if len(given) != 1:
            raise TypeError("give exactly one of user=, username=, id=")
        name, value = given[0]
        encode(value, name)  # a wrong type or an embedded NUL is named here
        return value

    def get_user(self, *, tenant: str, username: Optional[str] = None, id: Optional[str] = None,
                 user: Optional[str] = None, caller: Caller = None) -> User:
        """A user by id or username (case-insensitive); NotFound otherwise."""
        with principal_handle(caller) as who:
            text = self._call_string(lib.iam_engine_get_user, who, encode(tenant, "tenant"),
                                     encode(self._target(user, username, id), "user"))
        return User.from_json(_json(text))

    def list_users(self, *, tenant: str, page_size: int = 100, page_token: str = "",
                   name_prefix: str = "", group: Optional[str] = None, ou: Optional[str] = None,
                   enabled: Optional[bool] = None, caller: Caller = None) -> UserPage:
        """One page of users ordered by username."""
        req = _ffi.ListRequestP()
        _ffi.call(lib.iam_list_request_create, byref(req))
        try:
            lib.iam_list_request_set_tenant(req, encode(tenant, "tenant"))
            lib.iam_list_request_set_page_size(req, _ffi.integer(page_size, "page_size"))
            lib.iam_list_request_set_page_token(req, encode(page_token, "page_token"))
            lib.iam_list_request_set_name_prefix(req, encode(name_prefix, "name_prefix"))
            if group is not None:
                lib.iam_list_request_set_group(req, encode(group, "group"))
            if ou is not None:
                lib.iam_list_request_set_ou(req, encode(ou, "ou"))
            lib.iam_list_request_set_enabled(
                req, -1 if enabled is None else _ffi.flag(enabled, "enabled"))
            with principal_handle(caller) as who:
                text = self._call_string(lib.iam_engine_list_users, who, req)
        finally:
            lib.iam_list_request_destroy(req)
        j = _json(text)
        return UserPage([User.from_json(u) for u in j["users"]], j.get("next_page_token") or "")

    def iter_users(self, *, tenant: str, page_size: int = 100, **filters: Any) -> Iterator[User]:
        """Every user of a tenant, page by page."""
        token = ""
        while True:
            page = self.list_users(tenant=tenant, page_size=page_size, page_token=token, **filters)
            yield from page.users
            token = page.next_page_token
            if not token:
                return

    def update_user(self, *, tenant: str, username: Optional[str] = None,
                    id: Optional[str] = None, user: Optional[str] = None,
                    expected_version: int = 0, caller: Caller = None, **fields: Any) -> User:
        """Changes the fields given (lists replace); ``expected_version`` (the
        ``User.version`` read) guards against lost updates (:class:`iam.Conflict`).
        Fields: display_name, description, email, email_verified, phone_region,
        phone, phone_verified, external_id, enabled, default_project_id,
        primary_ou, ous, groups, custom_fields, policies, sms_login_verification,
        password_reset_required."""
        unknown = set(fields) - _UPDATE_FIELDS
        if unknown:
            raise TypeError("update_user() got unexpected field(s): %s" % ", ".join(sorted(unknown)))
        with _Request() as req, principal_handle(caller) as who:
            lib.iam_request_set_tenant(req.ptr, encode(tenant, "tenant"))
            lib.iam_request_set_user(req.ptr, encode(self._target(user, username, id), "user"))
            lib.iam_request_set_expected_version(
                req.ptr, _ffi.integer(expected_version, "expected_version", 64))
            for name, value in fields.items():
                req.set(name, value)
            text = self._call_string(lib.iam_engine_update_user, who, req.ptr)
        return User.from_json(_json(text))

    def delete_user(self, *, tenant: str, username: Optional[str] = None,
                    id: Optional[str] = None, user: Optional[str] = None,
                    expected_version: int = 0, caller: Caller = None) -> None:
        """Removes a user with its keys, memberships and tokens."""
        with principal_handle(caller) as who:
            self._call(lib.iam_engine_delete_user, who, encode(tenant, "tenant"),
                       encode(self._target(user, username, id), "user"),
                       _ffi.integer(expected_version, "expected_version", 64))

    # -- credentials ------------------------------------------------------------

    def authenticate(self, *, tenant: str, password: str, identifier: Optional[str] = None,
                     username: Optional[str] = None) -> AuthResult:
        """Checks a password for a username, email or mobile number. A wrong
        password is an outcome ("bad_credentials"), not an exception."""
        who = identifier if identifier is not None else username
        if who is None:
            raise TypeError("give identifier= (or username=)")
        text = self._call_string(lib.iam_engine_authenticate, encode(tenant, "tenant"), encode(who, "who"),
                                 encode(password, "password"), None)
        j = _json(text)
        return AuthResult(j["outcome"], j.get("user_id") or "", parse_time(j.get("locked_until")))

    def redeem_login_link(self, *, token: str, new_password: str) -> User:
        """Sets the password through a first-login link token (one use)."""
        return User.from_json(_json(self._call_string(
            lib.iam_engine_redeem_login_link, encode(token, "token"), encode(new_password, "new_password"))))

    def start_password_reset(self, *, tenant: str, identifier: str, channel: str = "email") -> None:
        """Sends a one-time reset token through the notifier; reveals nothing
        about whether the account exists."""
        if channel not in _CHANNELS:
            raise ValueError("channel: 'email' or 'sms'")
        self._call(lib.iam_engine_start_password_reset, encode(tenant, "tenant"), encode(identifier, "identifier"),
                   _CHANNELS[channel])

    def complete_password_reset(self, *, token: str, new_password: str) -> User:
        return User.from_json(_json(self._call_string(
            lib.iam_engine_complete_reset, encode(token, "token"), encode(new_password, "new_password"))))

    def change_password(self, *, tenant: str, old_password: str, new_password: str,
                        username: Optional[str] = None, id: Optional[str] = None,
                        user: Optional[str] = None) -> None:
        """Policy, history and minimum age apply."""
        self._call(lib.iam_engine_change_password, encode(tenant, "tenant"),
                   encode(self._target(user, username, id), "user"), encode(old_password, "old_password"),
                   encode(new_password, "new_password"))

    def create_access_key(self, *, tenant: str, username: Optional[str] = None,
                          id: Optional[str] = None, user: Optional[str] = None,
                          caller: Caller = None) -> AccessKey:
        """A new key pair; the secret is returned once."""
        with principal_handle(caller) as who:
            j = _json(self._call_string(lib.iam_engine_create_access_key, who, encode(tenant, "tenant"),
                                        encode(self._target(user, username, id), "user")))
        return AccessKey(j["id"], j.get("secret"), parse_time(j.get("created_at")))

    def list_access_keys(self, *, tenant: str, username: Optional[str] = None,
                         id: Optional[str] = None, user: Optional[str] = None,
                         caller: Caller = None) -> List[AccessKeyInfo]:
        with principal_handle(caller) as who:
            j = _json(self._call_string(lib.iam_engine_list_access_keys, who, encode(tenant, "tenant"),
                                        encode(self._target(user, username, id), "user")))
        return [AccessKeyInfo(k["id"], k["user_id"], bool(k["enabled"]),
                              parse_time(k.get("created_at")), k.get("description", ""),
                              parse_time(k.get("last_used_at")), k.get("last_used_from"))
                for k in j]

    def set_access_key_enabled(self, *, tenant: str, access_key_id: str, enabled: bool,
                               caller: Caller = None) -> None:
        with principal_handle(caller) as who:
            self._call(lib.iam_engine_set_access_key_enabled, who, encode(tenant, "tenant"),
                       encode(access_key_id, "access_key_id"), 1 if enabled else 0)

    def delete_access_key(self, *, tenant: str, access_key_id: str, caller: Caller = None) -> None:
        with principal_handle(caller) as who:
            self._call(lib.iam_engine_delete_access_key, who, encode(tenant, "tenant"),
                       encode(access_key_id, "access_key_id"))

    def verify_access_key(self, access_key_id: str, secret: str) -> AccessKeyVerification:
        """Constant-time check of a presented key pair."""
        j = _json(self._call_string(lib.iam_engine_verify_access_key,
                                    encode(access_key_id, "access_key_id"),
                                    encode(secret, "secret"), None))
        return AccessKeyVerification(bool(j["valid"]), j.get("tenant") or "", j.get("user_id") or "")

    def access_key_secret(self, access_key_id: str) -> str:
        """The secret of an enabled key, for verifying request signatures.
        WARNING: a secret."""
        return self._call_string(lib.iam_engine_access_key_secret, encode(access_key_id, "access_key_id")) or ""

    # -- groups, organizational units, custom fields -----------------------------

    def _create_entry(self, kind: str, tenant: str, name: str, description: Optional[str],
                      caller: Caller, field_type: Optional[str] = None, max_length: int = 0,
                      allowed_values: Optional[Iterable[str]] = None,
                      pattern: Optional[str] = None, document: Optional[str] = None,
                      policies: Optional[Iterable[str]] = None) -> DirectoryEntry:
        entry = _ffi.EntryP()
        _ffi.call(lib.iam_entry_create, _KINDS[kind], byref(entry))
        try:
            lib.iam_entry_set_tenant(entry, encode(tenant, "tenant"))
            lib.iam_entry_set_name(entry, encode(name, "name"))
            if description is not None:
                lib.iam_entry_set_description(entry, encode(description, "description"))
            if field_type is not None:
                lib.iam_entry_set_field_type(entry, encode(field_type, "field_type"))
            if max_length:
                lib.iam_entry_set_max_length(entry, _ffi.integer(max_length, "max_length"))
            for value in allowed_values or ():
                lib.iam_entry_add_allowed_value(entry, encode(value, "value"))
            if pattern is not None:
                lib.iam_entry_set_pattern(entry, encode(pattern, "pattern"))
            if document is not None:
                lib.iam_entry_set_document(entry, encode(document, "document"))
            for policy in policies or ():
                lib.iam_entry_add_policy(entry, encode(policy, "policies"))
            with principal_handle(caller) as who:
                text = self._call_string(lib.iam_engine_create_entry, who, entry)
        finally:
            lib.iam_entry_destroy(entry)
        return DirectoryEntry.from_json(_json(text))

    def create_group(self, *, tenant: str, name: str, description: Optional[str] = None,
                     policies: Optional[Iterable[str]] = None,
                     caller: Caller = None) -> DirectoryEntry:
        """A group; ``policies`` (system or the tenant's, by name) apply to every member."""
        return self._create_entry("group", tenant, name, description, caller, policies=policies)

    def create_organizational_unit(self, *, tenant: str, name: str,
                                   description: Optional[str] = None,
                                   caller: Caller = None) -> DirectoryEntry:
        return self._create_entry("organizational_unit", tenant, name, description, caller)

    def create_custom_field(self, *, tenant: str, name: str, type: str = "string",
                            max_length: int = 0, allowed_values: Optional[Iterable[str]] = None,
                            pattern: Optional[str] = None, description: Optional[str] = None,
                            caller: Caller = None) -> DirectoryEntry:
        """A custom-field definition: type "string", "number", "boolean" or
        "enum" (with allowed_values); an optional RE2 whole-value pattern."""
        return self._create_entry("custom_field", tenant, name, description, caller, type,
                                  max_length, allowed_values, pattern)

    # -- permission policies -------------------------------------------------------

    def create_policy(self, *, tenant: str, name: str, document: str,
                      description: Optional[str] = None, caller: Caller = None) -> DirectoryEntry:
        """A tenant's own permission policy: ``document`` is the JSON grammar the
        clouds share ({"Version", "Statement": [{"Effect", "Action", "Resource",
        "Condition"}]}); a malformed one raises InvalidParameter naming the
        field ("document.Statement[0].Effect")."""
        return self._create_entry("policy", tenant, name, description, caller, document=document)

    def _get_entry(self, kind: str, tenant: str, id_or_name: str,
                   caller: Caller) -> DirectoryEntry:
        with principal_handle(caller) as who:
            text = self._call_string(lib.iam_engine_get_entry, who, _KINDS[kind],
                                     encode(tenant, "tenant"), encode(id_or_name, "id_or_name"))
        return DirectoryEntry.from_json(_json(text))

    def get_policy(self, *, tenant: str, policy: str, caller: Caller = None) -> DirectoryEntry:
        """A system policy (type "system") or the tenant's own, by id or name."""
        return self._get_entry("policy", tenant, policy, caller)

    def list_policies(self, *, tenant: str, keyword: str = "",
                      caller: Caller = None) -> List[DirectoryEntry]:
        """The profile's system policies, then the tenant's own."""
        return self._list_entries("policy", tenant, keyword, caller)

    def _update_entry(self, kind: str, tenant: str, id_or_name: str, caller: Caller,
                      expected_version: Optional[int], description: Optional[str] = None,
                      document: Optional[str] = None,
                      policies: Optional[Iterable[str]] = None) -> DirectoryEntry:
        entry = _ffi.EntryP()
        _ffi.call(lib.iam_entry_create, _KINDS[kind], byref(entry))
        try:
            lib.iam_entry_set_tenant(entry, encode(tenant, "tenant"))
            if description is not None:
                lib.iam_entry_set_description(entry, encode(description, "description"))
            if document is not None:
                lib.iam_entry_set_document(entry, encode(document, "document"))
            if policies is not None:
                lib.iam_entry_clear_policies(entry)
                for policy in policies:
                    lib.iam_entry_add_policy(entry, encode(policy, "policies"))
            with principal_handle(caller) as who:
                text = self._call_string(
                    lib.iam_engine_update_entry, who, entry, encode(id_or_name, "id_or_name"),
                    _ffi.integer(expected_version or 0, "expected_version", 64))
        finally:
            lib.iam_entry_destroy(entry)
        return DirectoryEntry.from_json(_json(text))

    def update_policy(self, *, tenant: str, policy: str, document: Optional[str] = None,
                      description: Optional[str] = None, expected_version: Optional[int] = None,
                      caller: Caller = None) -> DirectoryEntry:
        """A new document and/or description; the version goes up by one and
        every later decision uses the new document. A stale expected_version
        raises Conflict (policy.version_conflict)."""
        return self._update_entry("policy", tenant, policy, caller, expected_version,
                                  description, document)

    def set_group_policies(self, *, tenant: str, group: str, policies: Iterable[str],
                           expected_version: Optional[int] = None,
                           caller: Caller = None) -> DirectoryEntry:
        """The whole list of policies attached to a group ([] detaches all)."""
        return self._update_entry("group", tenant, group, caller, expected_version,
                                  policies=list(policies))

    def delete_policy(self, *, tenant: str, policy: str, caller: Caller = None) -> None:
        """FAILED_PRECONDITION (policy.in_use) while a user or a group has it."""
        self._delete_entry("policy", tenant, policy, caller)

    def _list_entries(self, kind: str, tenant: str, keyword: str,
                      caller: Caller) -> List[DirectoryEntry]:
        with principal_handle(caller) as who:
            text = self._call_string(lib.iam_engine_list_entries, who, _KINDS[kind],
                                     encode(tenant, "tenant"), encode(keyword, "keyword"))
        return [DirectoryEntry.from_json(e) for e in _json(text)]

    def list_groups(self, *, tenant: str, keyword: str = "",
                    caller: Caller = None) -> List[DirectoryEntry]:
        return self._list_entries("group", tenant, keyword, caller)

    def list_organizational_units(self, *, tenant: str, keyword: str = "",
                                  caller: Caller = None) -> List[DirectoryEntry]:
        return self._list_entries("organizational_unit", tenant, keyword, caller)

    def list_custom_fields(self, *, tenant: str, keyword: str = "",
                           caller: Caller = None) -> List[DirectoryEntry]:
        return self._list_entries("custom_field", tenant, keyword, caller)

    def _delete_entry(self, kind: str, tenant: str, id_or_name: str, caller: Caller) -> None:
        with principal_handle(caller) as who:
            self._call(lib.iam_engine_delete_entry, who, _KINDS[kind], encode(tenant, "tenant"),
                       encode(id_or_name, "id_or_name"))

    def delete_group(self, *, tenant: str, group: str, caller: Caller = None) -> None:
        """By id or name; FAILED_PRECONDITION (group.in_use) while it has members."""
        self._delete_entry("group", tenant, group, caller)

    def delete_organizational_unit(self, *, tenant: str, ou: str, caller: Caller = None) -> None:
        self._delete_entry("organizational_unit", tenant, ou, caller)

    def delete_custom_field(self, *, tenant: str, name: str, caller: Caller = None) -> None:
        self._delete_entry("custom_field", tenant, name, caller)

    # -- notifications ------------------------------------------------------------

    def dispatch_outbox(self) -> int:
        """Sends the due outbox messages; returns how many were delivered."""
        delivered = c_int()
        self._call(lib.iam_engine_dispatch_outbox, byref(delivered))
        return delivered.value

    def audit_events(self, tenant: str, *, target: Optional[str] = None,
                     action: Optional[str] = None, since: Optional[str] = None,
                     until: Optional[str] = None, page_size: int = 100,
                     page_token: Optional[str] = None,
                     caller: Optional[Principal] = None) -> Tuple[List[Dict[str, Any]], str]:
        """The audit log, newest first: (events, next_page_token); times RFC 3339."""
        query = {"tenant": tenant, "page_size": page_size}
        for key, value in (("target", target), ("action", action), ("since", since),
                           ("until", until), ("page_token", page_token)):
            if value is not None:
                query[key] = value
        with principal_handle(caller) as who:
            text = self._call_string(lib.iam_engine_list_audit_events, who,
                                     encode(json.dumps(query), "query"))
        j = _json(text)
        return j["events"], j.get("next_page_token") or ""

    def prune_audit_events(self, retention: Duration) -> int:
        """Deletes the events older than `retention`; returns how many."""
        pruned = c_int64()
        self._call(lib.iam_engine_prune_audit_events, seconds(retention), byref(pruned))
        return pruned.value

    def dead_letters(self, limit: int = 100) -> List[Dict[str, Any]]:
        """The notifications given up on, oldest first, with their last error."""
        return _json(self._call_string(lib.iam_engine_dead_letters, int(limit)))["dead_letters"]

    def redrive(self, dead_letter_id: int) -> None:
        """Makes a dead letter due again and dispatches it."""
        self._call(lib.iam_engine_redrive, int(dead_letter_id))

