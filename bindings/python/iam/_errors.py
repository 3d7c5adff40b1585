# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Exceptions: every failed call raises an :class:`Error` subclass chosen by
its status code and reason."""

from __future__ import annotations

import enum
from typing import Dict, List, Optional, Type


class Status(enum.IntEnum):
    """The C ABI's status codes (the numbers of absl::StatusCode), plus one for
    a failed host callback."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16
    CALLBACK_FAILED = 100

    @classmethod
    def of(cls, code: int) -> "Status":
        try:
            return cls(code)
        except ValueError:
            return cls.UNKNOWN


class Error(Exception):
    """An iamcore error.

    Attributes:
        code: the :class:`Status` (an int enum: ``err.code == Status.NOT_FOUND``).
        reason: a stable machine string, e.g. ``"username.duplicate"``.
        field: the request field at fault, or ``""``.
        message: a human sentence (never a secret).
        http_status: what the engine profile's API answers (e.g. 409), or 0.
        provider_code: the profile's error code (e.g. ``"1109"``), or ``""``.
        violations: for password and username checks, every unmet rule.

    Raise one (or a subclass) from a Python store, notifier or authorizer to
    report that answer to the engine; any other exception there becomes
    ``Status.CALLBACK_FAILED``.
    """

    #: The code a subclass stands for when none is given.
    default_code: Status = Status.UNKNOWN

    def __init__(self, message: str = "", *, code: Optional[int] = None, reason: str = "",
                 field: str = "", http_status: int = 0, provider_code: str = "",
                 violations: Optional[List["object"]] = None) -> None:
        super().__init__(message or reason or type(self).__name__)
        self.code: Status = Status.of(code) if code is not None else self.default_code
        self.reason = reason
        self.field = field
        self.message = message
        self.http_status = http_status
        self.provider_code = provider_code
        self.violations: List[object] = list(violations or [])

    def __repr__(self) -> str:
        return "%s(code=%s, reason=%r, field=%r, message=%r)" % (
            type(self).__name__, self.code.name, self.reason, self.field, self.message)


class InvalidParameter(Error):
    """Bad input (INVALID_ARGUMENT, OUT_OF_RANGE); ``field`` names it."""

    default_code = Status.INVALID_ARGUMENT


class AlreadyExists(Error):
    """A duplicate username, email, phone, external id, or entry name."""

    default_code = Status.ALREADY_EXISTS


class NotFound(Error):
    """A missing user, group, organizational unit, access key, or tenant."""

    default_code = Status.NOT_FOUND


class PermissionDenied(Error):
    """The authorizer refused the call (PERMISSION_DENIED, UNAUTHENTICATED)."""

    default_code = Status.PERMISSION_DENIED


class IdempotencyMismatch(Error):
    """A client token reused with a different request."""

    default_code = Status.FAILED_PRECONDITION


class PayloadTooLarge(Error):
    """Too much at once: a batch above the limit, or RESOURCE_EXHAUSTED."""

    default_code = Status.RESOURCE_EXHAUSTED


class Unavailable(Error):
    """The store is down or busy; the call may be retried."""

    default_code = Status.UNAVAILABLE


class Conflict(Error):
    """A stale expected version (ABORTED, reason user.version_conflict)."""

    default_code = Status.ABORTED


class CallbackFailed(Error):
    """A host callback (a Python store, notifier or authorizer) failed."""

    default_code = Status.CALLBACK_FAILED


_BY_CODE: Dict[Status, Type[Error]] = {
    Status.INVALID_ARGUMENT: InvalidParameter,
    Status.OUT_OF_RANGE: InvalidParameter,
    Status.ALREADY_EXISTS: AlreadyExists,
    Status.NOT_FOUND: NotFound,
    Status.PERMISSION_DENIED: PermissionDenied,
    Status.UNAUTHENTICATED: PermissionDenied,
    Status.RESOURCE_EXHAUSTED: PayloadTooLarge,
    Status.UNAVAILABLE: Unavailable,
    Status.ABORTED: Conflict,
    Status.CALLBACK_FAILED: CallbackFailed,
}

_BY_REASON: Dict[str, Type[Error]] = {
    "idempotency.mismatch": IdempotencyMismatch,
    "batch.too_large": PayloadTooLarge,
}


def error_class(code: int, reason: str) -> Type[Error]:
    """The exception class for a code and reason (reasons win)."""
    return _BY_REASON.get(reason) or _BY_CODE.get(Status.of(code), Error)


def make_error(code: int, field: str, reason: str, message: str, http_status: int = 0,
               provider_code: str = "") -> Error:
    cls = error_class(code, reason)
    return cls(message, code=code, reason=reason, field=field, http_status=http_status,
               provider_code=provider_code)
