# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iamcore for Python: the identity core of cloud IAM user creation, over the
stable C ABI of libiam (include/iam/iam.h) with ctypes — no compiler needed.

    import iam

    iam.validate_username("alice.wong")                       # raises on a violation
    iam.password_violations("54321a", username="A12345")      # ['password.reversed_username']
    with iam.Engine(profile="huawei") as engine:
        result = engine.create_user(tenant="d78cbac186b744899480f25bd02",
                                    username="alice.wong", generate_password=True)
        result.user.id, result.generated_password             # the password is shown once

Profiles: "huawei" (default), "alibaba", "tencent", "nist". Errors are
:class:`Error` subclasses carrying ``code``, ``reason``, ``field``,
``http_status``, ``provider_code`` and ``message``.

The shared library is found through ``IAM_LIBRARY`` (a path), next to this
package, or on the system library path; its ABI version is checked at import.
"""

from __future__ import annotations

import json
from ctypes import byref, c_int, c_void_p
from typing import Any, Dict, List, Optional, Union

from . import _ffi
from ._engine import Engine
from ._errors import (
    AlreadyExists,
    CallbackFailed,
    Conflict,
    Error,
    IdempotencyMismatch,
    InvalidParameter,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    Status,
    Unavailable,
)
from ._ffi import encode, lib
from ._ports import (
    DeliveryNotifier,
    FakeClock,
    JsonLinesNotifier,
    MemoryStore,
    PostgresStore,
    SqliteStore,
    Store,
    StoreHandle,
    policy_handle,
)
from ._types import (
    AccessKey,
    AccessKeyInfo,
    AccessKeyVerification,
    AuthResult,
    BatchResult,
    CreateUserResult,
    DirectoryEntry,
    ImportedSecret,
    ImportProgress,
    ImportResult,
    ImportRowError,
    Notification,
    PasswordPolicy,
    Principal,
    User,
    UserPage,
    Violation,
)
from ._wire import Wire, WireResponse
from .dict_store import DictStore

#: The version of the loaded library ("MAJOR.MINOR.PATCH").
__version__: str = lib.iam_version().decode()
#: The C ABI version of the loaded library.
ABI_VERSION: int = lib.iam_abi_version()
#: The path of the loaded library.
LIBRARY_PATH: str = _ffi.LIBRARY_PATH

PolicyLike = Union[PasswordPolicy, Dict[str, Any], None]


def _violations(text: Optional[str]) -> List[Violation]:
    return [Violation(v["field"], v["reason"], v["message"]) for v in json.loads(text or "[]")]


def version() -> str:
    """The library's version."""
    return __version__


def profiles() -> List[str]:
    """The profile names: huawei, alibaba, tencent, nist."""
    return json.loads(_ffi.call_string(lib.iam_profile_names) or "[]")


def profile_info(profile: str = "huawei") -> Dict[str, Any]:
    """Every limit of a profile (username and contact rules, id formats, the
    default password policy, the error table), as a dict."""
    return json.loads(_ffi.call_string(lib.iam_profile_json, encode(profile, "profile")) or "{}")


def validate_username(name: str, profile: str = "huawei") -> None:
    """Raises :class:`InvalidParameter` (with every violation in
    ``.violations``) when `name` breaks a username rule of the profile."""
    try:
        # The common case, a valid name: one C call, no error object.
        lib.iam_validate_username(encode(profile, "profile"), encode(name, "name"), None)
        return
    except Error:
        pass
    found = username_violations(name, profile=profile)
    if found:
        try:
            _ffi.call(lib.iam_validate_username, encode(profile, "profile"), encode(name, "name"))
        except Error as e:
            e.violations = found
            raise


def username_violations(name: str, profile: str = "huawei") -> List[Violation]:
    """Every username rule `name` breaks (an empty list when valid)."""
    return _violations(_ffi.call_string(lib.iam_check_username, encode(profile, "profile"),
                                        encode(name, "name"), None))


def canonical_username(name: str, profile: str = "huawei") -> str:
    """The form two usernames share when they name the same user."""
    return _ffi.call_string(lib.iam_canonical_username, encode(profile, "profile"),
                            encode(name, "name")) or ""


def validate_field(field: str, value: str, profile: str = "huawei") -> None:
    """Checks one field: "username", "email", "phone_region", "phone",
    "display_name", "description", "external_id", "tenant", "policy",
    "client_token" or "default_project_id"."""
    _ffi.call(lib.iam_validate_field, encode(profile, "profile"), encode(field, "field"),
              encode(value, "value"))


def _check(password: str, username: Optional[str], email: Optional[str], phone: Optional[str],
           profile: str, policy: PolicyLike) -> List[Violation]:
    with policy_handle(profile, PasswordPolicy.coerce(policy)) as p:
        return _violations(_ffi.call_string(
            lib.iam_check_password, encode(profile, "profile"), p, encode(password, "password"),
            encode(username, "username"), encode(email, "email"), encode(phone, "phone"), None))


def check_password(password: str, *, username: Optional[str] = None, email: Optional[str] = None,
                   phone: Optional[str] = None, profile: str = "huawei",
                   policy: PolicyLike = None) -> None:
    """Raises :class:`InvalidParameter` for the first unmet rule of the
    profile's policy (or `policy`), with every violation in ``.violations``.
    `phone` is the national number."""
    if policy is None:
        try:
            # The common case, a valid password under the profile's policy:
            # one C call, no error object, no policy handle.
            lib.iam_validate_password(encode(profile, "profile"), None,
                                      encode(password, "password"), encode(username, "username"),
                                      encode(email, "email"), encode(phone, "phone"), None)
            return
        except Error:
            pass
    found = _check(password, username, email, phone, profile, policy)
    if found:
        with policy_handle(profile, PasswordPolicy.coerce(policy)) as p:
            try:
                _ffi.call(lib.iam_validate_password, encode(profile, "profile"), p,
                          encode(password, "password"), encode(username, "username"),
                          encode(email, "email"), encode(phone, "phone"))
            except Error as e:
                e.violations = found
                raise


def password_violations(password: str, *, username: Optional[str] = None,
                        email: Optional[str] = None, phone: Optional[str] = None,
                        profile: str = "huawei", policy: PolicyLike = None) -> List[str]:
    """The reasons `password` fails (e.g. ``["password.too_short"]``), in a
    stable order; an empty list when it is valid. Never raises for a weak
    password."""
    return [v.reason for v in _check(password, username, email, phone, profile, policy)]


def password_report(password: str, *, username: Optional[str] = None,
                    email: Optional[str] = None, phone: Optional[str] = None,
                    profile: str = "huawei", policy: PolicyLike = None) -> List[Violation]:
    """Like :func:`password_violations`, with each violation's field and message."""
    return _check(password, username, email, phone, profile, policy)


def generate_password(profile: str = "huawei", policy: PolicyLike = None,
                      length: Optional[int] = None, *, username: Optional[str] = None,
                      email: Optional[str] = None, phone: Optional[str] = None) -> str:
    """A random password the policy accepts (uniform over such passwords of
    `length`, default the profile's). WARNING: a secret."""
    with policy_handle(profile, PasswordPolicy.coerce(policy)) as p:
        return _ffi.call_string(lib.iam_generate_password, encode(profile, "profile"), p,
                                _ffi.integer(length or 0, "length"), encode(username, "username"),
                                encode(email, "email"), encode(phone, "phone")) or ""


def map_error(code: Union[int, Status], reason: str = "", profile: str = "huawei") -> Dict[str, Any]:
    """What a profile's API answers for an error: {"http_status", "provider_code"}."""
    http = c_int()
    out = c_void_p()
    _ffi.call(lib.iam_map_error, encode(profile, "profile"), int(code), encode(reason, "reason"),
              byref(http), byref(out))
    return {"http_status": http.value, "provider_code": _ffi.take_string(out) or ""}


def limits() -> Dict[str, int]:
    """The limits a binding needs, from the library."""
    return {"token_bytes": lib.iam_token_bytes(), "token_chars": lib.iam_token_chars(),
            "host_key_bytes": lib.iam_host_key_bytes(),
            "client_token_max": lib.iam_client_token_max(),
            "page_size_max": lib.iam_page_size_max(),
            "batch_max_default": lib.iam_batch_max_default()}


__all__ = [
    "ABI_VERSION", "AccessKey", "AccessKeyInfo", "AccessKeyVerification", "AlreadyExists",
    "AuthResult", "BatchResult", "CallbackFailed", "Conflict", "CreateUserResult", "DictStore",
    "DeliveryNotifier", "DirectoryEntry", "Engine", "Error", "FakeClock", "IdempotencyMismatch", "ImportProgress",
    "ImportResult", "ImportRowError", "ImportedSecret", "InvalidParameter",
    "JsonLinesNotifier", "LIBRARY_PATH", "MemoryStore", "NotFound", "Notification",
    "PasswordPolicy", "PayloadTooLarge", "PermissionDenied", "PostgresStore", "Principal", "SqliteStore",
    "Status", "Store", "StoreHandle", "Unavailable", "User", "UserPage", "Violation",
    "canonical_username", "check_password", "generate_password", "limits", "map_error",
    "password_report", "password_violations", "profile_info", "profiles", "username_violations",
    "validate_field", "validate_username", "version", "Wire", "WireResponse",
]
