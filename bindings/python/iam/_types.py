# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Plain dataclasses for what the engine returns, built from the C ABI's JSON."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional, Sequence, Union

_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: Optional[str]) -> Optional[_dt.datetime]:
    """An RFC 3339 UTC time from the library (nanoseconds cut to microseconds),
    or None for "never"."""
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    return _dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the host's authenticated principal (for the authorizer)."""

    id: str
    tenant: str = ""


@dataclass(frozen=True)
class Violation:
    """One unmet rule: the field at fault, a stable reason, a sentence."""

    field: str
    reason: str
    message: str


@dataclass(frozen=True)
class User:
    """A user as the API shows it: never a hash or a secret."""

    id: str
    tenant: str
    username: str
    display_name: str = ""
    description: str = ""
    email: str = ""
    email_verified: bool = False
    phone_region: str = ""
    phone: str = ""
    phone_verified: bool = False
    external_id: str = ""
    enabled: bool = True
    default_project_id: str = ""
    primary_ou: str = ""
    ous: List[str] = field(default_factory=list)
    groups: List[str] = field(default_factory=list)
    custom_fields: Dict[str, str] = field(default_factory=dict)
    policies: List[str] = field(default_factory=list)
    console_access: bool = False
    password_reset_required: bool = False
    sms_login_verification: bool = False
    created_at: Optional[_dt.datetime] = None
    password_expires_at: Optional[_dt.datetime] = None
    version: int = 1
    self_link: str = ""

    @classmethod
    def from_json(cls, j: Dict[str, Any]) -> "User":
        return cls(
            id=j["id"], tenant=j.get("domain_id", ""), username=j.get("name", ""),
            display_name=j.get("display_name", ""), description=j.get("description", ""),
            email=j.get("email", ""), email_verified=bool(j.get("email_verified", False)),
            phone_region=j.get("phone_region", ""), phone=j.get("phone", ""),
            phone_verified=bool(j.get("phone_verified", False)),
            external_id=j.get("external_id", ""), enabled=bool(j.get("enabled", True)),
            default_project_id=j.get("default_project_id", ""),
            primary_ou=j.get("primary_ou", ""), ous=list(j.get("ous", [])),
            groups=list(j.get("groups", [])), custom_fields=dict(j.get("custom_fields", {})),
            policies=list(j.get("policies", [])),
            console_access=bool(j.get("console_access", False)),
            password_reset_required=bool(j.get("password_reset_required", False)),
            sms_login_verification=bool(j.get("sms_login_verification", False)),
            created_at=parse_time(j.get("created_at")),
            password_expires_at=parse_time(j.get("password_expires_at")),
            version=int(j.get("version", 1)),
            self_link=(j.get("links") or {}).get("self", ""))


@dataclass(frozen=True)
class AccessKey:
    """An issued access key pair. WARNING: ``secret`` is shown once (None on an
    idempotent replay); store it only where the host keeps secrets."""

    id: str
    secret: Optional[str]
    created_at: Optional[_dt.datetime] = None

    def __repr__(self) -> str:  # never print the secret
        return "AccessKey(id=%r, secret=%s, created_at=%r)" % (
            self.id, "'***'" if self.secret else None, self.created_at)


@dataclass(frozen=True)
class CreateUserResult:
    """What a create returns. WARNING: ``generated_password`` and
    ``access_key.secret`` are returned once."""

    user: User
    request_id: str
    generated_password: Optional[str] = None
    access_key: Optional[AccessKey] = None
    login_link_sent: bool = False
    replayed: bool = False

    @classmethod
    def from_json(cls, j: Dict[str, Any]) -> "CreateUserResult":
        key = j.get("access_key")
        return cls(
            user=User.from_json(j["user"]), request_id=j.get("request_id", ""),
            generated_password=j.get("generated_password"),
            access_key=AccessKey(key["id"], key.get("secret"), parse_time(key.get("created_at")))
            if key else None,
            login_link_sent=bool(j.get("login_link_sent", False)),
            replayed=bool(j.get("replayed", False)))

    def __repr__(self) -> str:
        return "CreateUserResult(user=%r, request_id=%r, generated_password=%s, access_key=%r, " \
               "login_link_sent=%r, replayed=%r)" % (
                   self.user, self.request_id, "'***'" if self.generated_password else None,
                   self.access_key, self.login_link_sent, self.replayed)


@dataclass(frozen=True)
class BatchResult:
    """A batch: all created (``committed``) or none. Each item is a
    :class:`CreateUserResult` or the :class:`iam.Error` of that user (reason
    ``batch.aborted`` for the users that were fine but not created)."""

    committed: bool
    items: List[Any]

    @property
    def errors(self) -> List[Any]:
        return [item for item in self.items if isinstance(item, Exception)]


@dataclass(frozen=True)
class UserPage:
    """One page of users; ``next_page_token`` is "" on the last page."""

    users: List[User]
    next_page_token: str = ""


@dataclass(frozen=True)
class AuthResult:
    """``outcome`` is one of success, bad_credentials, locked, disabled,
    reset_required, expired. ``user_id`` is empty for bad_credentials."""

    outcome: str
    user_id: str = ""
    locked_until: Optional[_dt.datetime] = None

    @property
    def ok(self) -> bool:
        return self.outcome == "success"


@dataclass(frozen=True)
class AccessKeyInfo:
    id: str
    user_id: str
    enabled: bool
    created_at: Optional[_dt.datetime] = None
    description: str = ""
    last_used_at: Optional[_dt.datetime] = None  # None: never used
    last_used_from: Optional[str] = None


@dataclass(frozen=True)
class AccessKeyVerification:
    """``valid``: the id is known and enabled, the secret matches, the user is enabled."""

    valid: bool
    tenant: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class DirectoryEntry:
    """A group, an organizational unit, a custom-field definition or a
    permission policy. ``type`` is a custom field's value type, or a policy's
    "system" | "custom"; ``document`` a policy's JSON; ``policies`` the
    policies attached to a group; ``version`` goes up by one on each update."""

    kind: str
    tenant: str
    id: str
    name: str
    description: str = ""
    created_at: Optional[_dt.datetime] = None
    type: Optional[str] = None
    max_length: int = 0
    allowed_values: List[str] = field(default_factory=list)
    pattern: str = ""
    document: str = ""
    policies: List[str] = field(default_factory=list)
    version: int = 1
    updated_at: Optional[_dt.datetime] = None

    @classmethod
    def from_json(cls, j: Dict[str, Any]) -> "DirectoryEntry":
        return cls(kind=j["kind"], tenant=j.get("tenant", ""), id=j["id"], name=j["name"],
                   description=j.get("description", ""), created_at=parse_time(j.get("created_at")),
                   type=j.get("type"), max_length=int(j.get("max_length", 0)),
                   allowed_values=list(j.get("allowed_values", [])), pattern=j.get("pattern", ""),
                   document=j.get("document", ""), policies=list(j.get("policies", [])),
                   version=int(j.get("version", 1)), updated_at=parse_time(j.get("updated_at")))


@dataclass(frozen=True)
class Notification:
    """What a notifier delivers. ``id`` is stable across retries (delivery is at
    least once). WARNING: ``body`` may hold a generated password or a one-time
    token: deliver it, never log it."""

    id: int
    tenant: str
    user_id: str
    channel: str
    recipient: str
    kind: str
    body: str

    def __repr__(self) -> str:
        return "Notification(id=%r, tenant=%r, user_id=%r, channel=%r, recipient=%r, kind=%r)" % (
            self.id, self.tenant, self.user_id, self.channel, self.recipient, self.kind)


@dataclass(frozen=True)
class PasswordPolicy:
    """A tenant's password policy. Every field left None keeps the profile's
    default; ``min_age`` is in seconds (or a timedelta)."""

    min_length: Optional[int] = None
    max_length: Optional[int] = None
    mfa_min_length: Optional[int] = None
    second_factor: Optional[bool] = None
    min_classes: Optional[int] = None
    #: Classes that must each appear: any of "upper", "lower", "digit", "special".
    required_classes: Optional[Sequence[str]] = None
    special_chars: Optional[str] = None
    allow_unicode: Optional[bool] = None
    #: "none" or "nfkc".
    normalization: Optional[str] = None
    forbid_username: Optional[bool] = None
    forbid_contact: Optional[bool] = None
    max_repeat: Optional[int] = None
    blocklist: Optional[Sequence[str]] = None
    blocklist_file: Optional[str] = None
    custom_pattern: Optional[str] = None
    custom_pattern_description: Optional[str] = None
    history_count: Optional[int] = None
    min_age: Optional[Union[int, float, _dt.timedelta]] = None
    validity_days: Optional[int] = None

    @classmethod
    def coerce(cls, value: Union["PasswordPolicy", Dict[str, Any], None]) -> Optional["PasswordPolicy"]:
        if value is None or isinstance(value, cls):
            return value
        if isinstance(value, dict):
            known = {f.name for f in fields(cls)}
            unknown = set(value) - known
            if unknown:
                raise TypeError("unknown password policy field(s): %s" % ", ".join(sorted(unknown)))
            return cls(**value)
        raise TypeError("policy must be a PasswordPolicy, a dict or None")


def seconds(value: Union[int, float, _dt.timedelta]) -> int:
    if isinstance(value, _dt.timedelta):
        return int(value.total_seconds())
    return int(value)


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is, after each committed batch."""

    rows_done: int
    rows_total: int
    created: int
    already_present: int
    failed: int
    elapsed_seconds: float


@dataclass(frozen=True)
class ImportRowError:
    """A row that was not created; ``field`` names the column or key."""

    row: int
    username: str
    field: Optional[str]
    reason: str
    message: str


@dataclass(frozen=True)
class ImportedSecret:
    """A created row's one-time secret: a generated password, an access key."""

    row: int
    username: str
    user_id: str
    password: Optional[str]
    access_key_id: Optional[str]
    access_key_secret: Optional[str]

    def __repr__(self) -> str:
        return "ImportedSecret(row=%r, username=%r, user_id=%r, password=%s, access_key_id=%r, " \
               "access_key_secret=%s)" % (
                   self.row, self.username, self.user_id, "'***'" if self.password else None,
                   self.access_key_id, "'***'" if self.access_key_secret else None)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: every row is created, already present (an earlier
    run of the same content made it) or failed (see ``errors``)."""

    rows: int
    created: int
    already_present: int
    failed: int
    elapsed_seconds: float
    source_id: str
    errors: List[ImportRowError]
    secrets: List[ImportedSecret]

    @classmethod
    def from_json(cls, j: Dict[str, Any]) -> "ImportResult":
        return cls(rows=j["rows"], created=j["created"], already_present=j["already_present"],
                   failed=j["failed"], elapsed_seconds=j["elapsed_seconds"],
                   source_id=j["source_id"],
                   errors=[ImportRowError(e["row"], e["username"], e["field"], e["reason"],
                                          e["message"]) for e in j["errors"]],
                   secrets=[ImportedSecret(s["row"], s["username"], s["user_id"], s["password"],
                                           s["access_key_id"], s["access_key_secret"])
                            for s in j["secrets"]])
