# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The ctypes layer over libiam's C ABI (include/iam/iam.h).

Everything that touches ctypes lives here: finding and loading the shared
library, the one table that declares ``argtypes``, ``restype`` and ``errcheck``
for every C function, a distinct pointer type per opaque handle (so passing a
store where an engine is expected fails in Python, not in C), owned strings
(returned as ``c_void_p``, copied, then released with ``iam_free``), and the
callback tables a host store, notifier or authorizer fills.

The library is found, in order, through the ``IAM_LIBRARY`` environment
variable (a path), next to this package (``libiam.so*``), then
``ctypes.util.find_library("iam")``; its ABI version is checked at import.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    byref,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_size_t,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from ._errors import make_error

#: The C ABI version this package speaks (IAM_ABI_VERSION in iam.h).
ABI_VERSION = 1


# ---------------------------------------------------------------------------
# Opaque handles: a distinct pointer type each.


def _handle(name: str) -> Any:
    opaque = type(name, (Structure,), {})
    return POINTER(opaque)


ErrorP = _handle("iam_error")
BufferP = _handle("iam_buffer")
StoreP = _handle("iam_store")
NotifierP = _handle("iam_notifier")
AuthorizerP = _handle("iam_authorizer")
ClockP = _handle("iam_clock")
PrincipalP = _handle("iam_principal")
NotificationP = _handle("iam_notification")
PolicyP = _handle("iam_policy")
OptionsP = _handle("iam_options")
RequestP = _handle("iam_request")
ListRequestP = _handle("iam_list_request")
EntryP = _handle("iam_entry")
EngineP = _handle("iam_engine")
WireP = _handle("iam_wire")


# ---------------------------------------------------------------------------
# Callback tables (iam_store_methods, iam_notifier_methods,
# iam_authorizer_methods): the first field is the version; fields are only
# ever appended.

DESTROY = CFUNCTYPE(None, c_void_p)
STORE_COMMIT = CFUNCTYPE(c_int, c_void_p, c_char_p, ErrorP)
STORE_FIND_USER = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, BufferP, ErrorP)
STORE_LIST_USERS = CFUNCTYPE(c_int, c_void_p, c_char_p, BufferP, ErrorP)
STORE_FIND_IDEMPOTENCY = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, BufferP, ErrorP)
STORE_CREATE_ENTRY = CFUNCTYPE(c_int, c_void_p, c_char_p, ErrorP)
STORE_FIND_ENTRY = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, BufferP, ErrorP)
STORE_LIST_ENTRIES = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, BufferP, ErrorP)
STORE_DELETE_ENTRY = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, ErrorP)
STORE_FIND_ACCESS_KEY = CFUNCTYPE(c_int, c_void_p, c_char_p, BufferP, ErrorP)
STORE_LIST_ACCESS_KEYS = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, BufferP, ErrorP)
STORE_FIND_TOKEN = CFUNCTYPE(c_int, c_void_p, c_char_p, BufferP, ErrorP)
STORE_REGISTER_TENANT = CFUNCTYPE(c_int, c_void_p, c_char_p, ErrorP)
STORE_TENANT_EXISTS = CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(c_int), ErrorP)
STORE_DUE_OUTBOX = CFUNCTYPE(c_int, c_void_p, c_int64, c_int, BufferP, ErrorP)
STORE_COMPLETE_OUTBOX = CFUNCTYPE(c_int, c_void_p, c_int64, ErrorP)
STORE_RESCHEDULE_OUTBOX = CFUNCTYPE(c_int, c_void_p, c_int64, c_int, c_int64, c_char_p, ErrorP)
STORE_PENDING_OUTBOX = CFUNCTYPE(c_int, c_void_p, POINTER(c_int64), ErrorP)
STORE_UPDATE_ENTRY = CFUNCTYPE(c_int, c_void_p, c_char_p, c_int64, ErrorP)
NOTIFIER_SEND = CFUNCTYPE(c_int, c_void_p, NotificationP, ErrorP)
AUTHORIZER_AUTHORIZE = CFUNCTYPE(c_int, c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, ErrorP)


class StoreMethods(Structure):
    _fields_ = [
        ("version", c_int),
        ("destroy", DESTROY),
        ("commit", STORE_COMMIT),
        ("find_user", STORE_FIND_USER),
        ("list_users", STORE_LIST_USERS),
        ("find_idempotency", STORE_FIND_IDEMPOTENCY),
        ("create_entry", STORE_CREATE_ENTRY),
        ("find_entry", STORE_FIND_ENTRY),
        ("list_entries", STORE_LIST_ENTRIES),
        ("delete_entry", STORE_DELETE_ENTRY),
        ("find_access_key", STORE_FIND_ACCESS_KEY),
        ("list_access_keys", STORE_LIST_ACCESS_KEYS),
        ("find_token", STORE_FIND_TOKEN),
        ("register_tenant", STORE_REGISTER_TENANT),
        ("tenant_exists", STORE_TENANT_EXISTS),
        ("due_outbox", STORE_DUE_OUTBOX),
        ("complete_outbox", STORE_COMPLETE_OUTBOX),
        ("reschedule_outbox", STORE_RESCHEDULE_OUTBOX),
        ("pending_outbox", STORE_PENDING_OUTBOX),
        ("update_entry", STORE_UPDATE_ENTRY),
    ]


class ImportProgressC(Structure):
    _fields_ = [("rows_done", c_int64), ("rows_total", c_int64), ("created", c_int64),
                ("already_present", c_int64), ("failed", c_int64), ("elapsed_seconds", c_double)]


IMPORT_PROGRESS = CFUNCTYPE(None, c_void_p, POINTER(ImportProgressC))


class NotifierMethods(Structure):
    _fields_ = [("version", c_int), ("destroy", DESTROY), ("send", NOTIFIER_SEND)]


class AuthorizerMethods(Structure):
    _fields_ = [("version", c_int), ("destroy", DESTROY), ("authorize", AUTHORIZER_AUTHORIZE)]


# ---------------------------------------------------------------------------
# Status checking (errcheck).

#: Codes of iam_status (the same numbers as absl::StatusCode).
OK = 0
CALLBACK_FAILED = 100


def _text(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def _check_err(result: int, func: Any, args: tuple) -> int:
    """For calls whose last argument is an iam_error*: raise with its details."""
    if result != OK:
        err = args[-1]
        if err:
            raise make_error(lib.iam_error_code(err), _text(lib.iam_error_field(err)),
                             _text(lib.iam_error_reason(err)), _text(lib.iam_error_message(err)),
                             lib.iam_error_http_status(err),
                             _text(lib.iam_error_provider_code(err)))
        raise make_error(result, "", "", "%s failed" % func.__name__)
    return result


def _check_code(result: int, func: Any, args: tuple) -> int:
    """For setters, which take no error object."""
    if result != OK:
        name = _text(lib.iam_status_name(result))
        # The setter names its field: iam_request_set_generated_password_length.
        field = re.sub(r"^iam_[a-z]+_(set|add)_", "", func.__name__)
        raise make_error(result, field, "api." + name.lower(),
                         "%s: refused by %s (%s)" % (field, func.__name__, name))
    return result


# ---------------------------------------------------------------------------
# The one table: every function of iam.h with its restype, argtypes, errcheck.

_FUNCTIONS = [
    ("iam_error_create", c_int, [POINTER(ErrorP)], _check_code),
    ("iam_error_destroy", None, [ErrorP], None),
    ("iam_error_clear", None, [ErrorP], None),
    ("iam_error_code", c_int, [ErrorP], None),
    ("iam_error_field", c_char_p, [ErrorP], None),
    ("iam_error_reason", c_char_p, [ErrorP], None),
    ("iam_error_message", c_char_p, [ErrorP], None),
    ("iam_error_http_status", c_int, [ErrorP], None),
    ("iam_error_provider_code", c_char_p, [ErrorP], None),
    ("iam_error_set", c_int, [ErrorP, c_int, c_char_p, c_char_p, c_char_p], None),
    ("iam_status_name", c_char_p, [c_int], None),
    ("iam_map_error", c_int, [c_char_p, c_int, c_char_p, POINTER(c_int), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_free", None, [c_void_p], None),
    ("iam_version", c_char_p, [], None),
    ("iam_abi_version", c_int, [], None),
    ("iam_token_bytes", c_size_t, [], None),
    ("iam_token_chars", c_size_t, [], None),
    ("iam_host_key_bytes", c_size_t, [], None),
    ("iam_client_token_max", c_size_t, [], None),
    ("iam_page_size_max", c_int, [], None),
    ("iam_batch_max_default", c_int, [], None),
    ("iam_store_methods_version", c_int, [], None),
    ("iam_notifier_methods_version", c_int, [], None),
    ("iam_authorizer_methods_version", c_int, [], None),
    ("iam_profile_names", c_int, [POINTER(c_void_p), ErrorP], _check_err),
    ("iam_profile_json", c_int, [c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_policy_create", c_int, [c_char_p, POINTER(PolicyP), ErrorP], _check_err),
    ("iam_policy_clone", c_int, [PolicyP, POINTER(PolicyP), ErrorP], _check_err),
    ("iam_policy_destroy", None, [PolicyP], None),
    ("iam_policy_set_min_length", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_max_length", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_mfa_min_length", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_second_factor", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_min_classes", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_required_classes", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_special_chars", c_int, [PolicyP, c_char_p], _check_code),
    ("iam_policy_set_allow_unicode", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_normalization", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_forbid_username", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_forbid_contact", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_max_repeat", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_blocklist_file", c_int, [PolicyP, c_char_p, ErrorP], _check_err),
    ("iam_policy_set_blocklist_entries", c_int, [PolicyP, POINTER(c_char_p), c_size_t], _check_code),
    ("iam_policy_set_custom_pattern", c_int, [PolicyP, c_char_p, c_char_p], _check_code),
    ("iam_policy_set_history_count", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_set_min_age_seconds", c_int, [PolicyP, c_int64], _check_code),
    ("iam_policy_set_validity_days", c_int, [PolicyP, c_int], _check_code),
    ("iam_policy_validate", c_int, [PolicyP, ErrorP], _check_err),
    ("iam_policy_json", c_int, [PolicyP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_validate_username", c_int, [c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_check_username", c_int, [c_char_p, c_char_p, POINTER(c_size_t), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_canonical_username", c_int, [c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_validate_field", c_int, [c_char_p, c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_canonical_email", c_int, [c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_validate_password", c_int, [c_char_p, PolicyP, c_char_p, c_char_p, c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_check_password", c_int, [c_char_p, PolicyP, c_char_p, c_char_p, c_char_p, c_char_p, POINTER(c_size_t), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_generate_password", c_int, [c_char_p, PolicyP, c_int, c_char_p, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_store_open_memory", c_int, [POINTER(StoreP), ErrorP], _check_err),
    ("iam_store_open_sqlite", c_int, [c_char_p, c_int, c_int, POINTER(StoreP), ErrorP], _check_err),
    ("iam_store_open_postgres", c_int, [c_char_p, c_int, POINTER(StoreP), ErrorP], _check_err),
    ("iam_store_open", c_int, [c_char_p, POINTER(StoreP), ErrorP], _check_err),
    ("iam_store_destroy", None, [StoreP], None),
    ("iam_store_pending_outbox", c_int, [StoreP, POINTER(c_int64), ErrorP], _check_err),
    ("iam_buffer_set", c_int, [BufferP, c_char_p, c_size_t], _check_code),
    ("iam_store_open_host", c_int, [POINTER(StoreMethods), c_void_p, POINTER(StoreP), ErrorP], _check_err),
    ("iam_notification_id", c_int64, [NotificationP], None),
    ("iam_notification_tenant", c_char_p, [NotificationP], None),
    ("iam_notification_user_id", c_char_p, [NotificationP], None),
    ("iam_notification_channel", c_char_p, [NotificationP], None),
    ("iam_notification_recipient", c_char_p, [NotificationP], None),
    ("iam_notification_kind", c_char_p, [NotificationP], None),
    ("iam_notification_body", c_char_p, [NotificationP], None),
    ("iam_notification_json", c_int, [NotificationP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_notifier_create_host", c_int, [POINTER(NotifierMethods), c_void_p, POINTER(NotifierP), ErrorP], _check_err),
    ("iam_notifier_create_json_lines", c_int, [c_char_p, POINTER(NotifierP), ErrorP], _check_err),
    ("iam_notifier_open", c_int, [c_char_p, POINTER(NotifierP), ErrorP], _check_err),
    ("iam_notifier_destroy", None, [NotifierP], None),
    ("iam_principal_create", c_int, [c_char_p, c_char_p, POINTER(PrincipalP), ErrorP], _check_err),
    ("iam_principal_destroy", None, [PrincipalP], None),
    ("iam_authorizer_create_host", c_int, [POINTER(AuthorizerMethods), c_void_p, POINTER(AuthorizerP), ErrorP], _check_err),
    ("iam_authorizer_destroy", None, [AuthorizerP], None),
    ("iam_clock_create_fake", c_int, [c_int64, POINTER(ClockP), ErrorP], _check_err),
    ("iam_clock_advance", c_int, [ClockP, c_int64], _check_code),
    ("iam_clock_destroy", None, [ClockP], None),
    ("iam_options_create", c_int, [POINTER(OptionsP), ErrorP], _check_err),
    ("iam_options_destroy", None, [OptionsP], None),
    ("iam_options_set_profile", c_int, [OptionsP, c_char_p, ErrorP], _check_err),
    ("iam_options_set_argon2_preset", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_argon2", c_int, [OptionsP, c_uint64, c_size_t], _check_code),
    ("iam_options_set_host_key", c_int, [OptionsP, c_char_p, c_size_t, c_char_p], _check_code),
    ("iam_options_add_previous_host_key", c_int, [OptionsP, c_char_p, c_char_p, c_size_t], _check_code),
    ("iam_options_set_notifier", c_int, [OptionsP, NotifierP], _check_code),
    ("iam_options_set_authorizer", c_int, [OptionsP, AuthorizerP], _check_code),
    ("iam_options_set_allow_all", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_clock", c_int, [OptionsP, ClockP], _check_code),
    ("iam_options_set_idempotency_window_seconds", c_int, [OptionsP, c_int64], _check_code),
    ("iam_options_set_login_link_ttl_seconds", c_int, [OptionsP, c_int64], _check_code),
    ("iam_options_set_reset_token_ttl_seconds", c_int, [OptionsP, c_int64], _check_code),
    ("iam_options_set_max_batch", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_require_registered_tenant", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_admin_policy", c_int, [OptionsP, c_char_p], _check_code),
    ("iam_options_set_base_url", c_int, [OptionsP, c_char_p], _check_code),
    ("iam_options_set_max_access_keys_per_user", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_max_failed_logins", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_lockout_seconds", c_int, [OptionsP, c_int64], _check_code),
    ("iam_options_set_dispatch_after_commit", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_outbox_backoff_seconds", c_int, [OptionsP, c_int64, c_int64], _check_code),
    ("iam_options_set_outbox_max_attempts", c_int, [OptionsP, c_int], _check_code),
    ("iam_options_set_dispatch_interval_ms", c_int, [OptionsP, c_int64], _check_code),
    ("iam_options_set_audit", c_int, [OptionsP, c_int], _check_code),
    ("iam_request_create", c_int, [POINTER(RequestP), ErrorP], _check_err),
    ("iam_request_destroy", None, [RequestP], None),
    ("iam_request_reset", c_int, [RequestP], _check_code),
    ("iam_request_set_tenant", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_username", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_user", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_expected_version", c_int, [RequestP, c_int64], _check_code),
    ("iam_request_set_display_name", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_description", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_email", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_email_verified", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_phone_region", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_phone", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_phone_verified", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_external_id", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_enabled", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_default_project_id", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_primary_ou", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_add_ou", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_clear_ous", c_int, [RequestP], _check_code),
    ("iam_request_add_group", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_clear_groups", c_int, [RequestP], _check_code),
    ("iam_request_add_custom_field", c_int, [RequestP, c_char_p, c_char_p], _check_code),
    ("iam_request_clear_custom_fields", c_int, [RequestP], _check_code),
    ("iam_request_add_policy", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_clear_policies", c_int, [RequestP], _check_code),
    ("iam_request_set_sms_login_verification", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_require_password_reset", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_password_mode", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_password", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_password_hash", c_int, [RequestP, c_char_p], _check_code),
    ("iam_request_set_generated_password_length", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_access_key", c_int, [RequestP, c_int], _check_code),
    ("iam_request_add_notify", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_quick_create", c_int, [RequestP, c_int], _check_code),
    ("iam_request_set_client_token", c_int, [RequestP, c_char_p], _check_code),
    ("iam_list_request_create", c_int, [POINTER(ListRequestP), ErrorP], _check_err),
    ("iam_list_request_destroy", None, [ListRequestP], None),
    ("iam_list_request_set_tenant", c_int, [ListRequestP, c_char_p], _check_code),
    ("iam_list_request_set_page_size", c_int, [ListRequestP, c_int], _check_code),
    ("iam_list_request_set_page_token", c_int, [ListRequestP, c_char_p], _check_code),
    ("iam_list_request_set_name_prefix", c_int, [ListRequestP, c_char_p], _check_code),
    ("iam_list_request_set_group", c_int, [ListRequestP, c_char_p], _check_code),
    ("iam_list_request_set_ou", c_int, [ListRequestP, c_char_p], _check_code),
    ("iam_list_request_set_enabled", c_int, [ListRequestP, c_int], _check_code),
    ("iam_entry_create", c_int, [c_int, POINTER(EntryP), ErrorP], _check_err),
    ("iam_entry_destroy", None, [EntryP], None),
    ("iam_entry_set_tenant", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_name", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_description", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_field_type", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_max_length", c_int, [EntryP, c_int], _check_code),
    ("iam_entry_add_allowed_value", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_pattern", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_set_document", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_add_policy", c_int, [EntryP, c_char_p], _check_code),
    ("iam_entry_clear_policies", c_int, [EntryP], _check_code),
    ("iam_engine_create", c_int, [OptionsP, StoreP, POINTER(EngineP), ErrorP], _check_err),
    ("iam_engine_destroy", None, [EngineP], None),
    ("iam_engine_profile", c_int, [EngineP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_set_password_policy", c_int, [EngineP, c_char_p, PolicyP, ErrorP], _check_err),
    ("iam_engine_password_policy", c_int, [EngineP, c_char_p, POINTER(PolicyP), ErrorP], _check_err),
    ("iam_engine_check_password", c_int, [EngineP, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, POINTER(c_size_t), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_register_tenant", c_int, [EngineP, c_char_p, ErrorP], _check_err),
    ("iam_engine_create_user", c_int, [EngineP, PrincipalP, RequestP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_import_users", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, c_char_p, c_size_t, c_int, c_int, c_int, IMPORT_PROGRESS, c_void_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_batch_create_users", c_int, [EngineP, PrincipalP, POINTER(RequestP), c_size_t, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_get_user", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_list_users", c_int, [EngineP, PrincipalP, ListRequestP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_update_user", c_int, [EngineP, PrincipalP, RequestP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_delete_user", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, c_int64, ErrorP], _check_err),
    ("iam_engine_authenticate", c_int, [EngineP, c_char_p, c_char_p, c_char_p, POINTER(c_int), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_redeem_login_link", c_int, [EngineP, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_start_password_reset", c_int, [EngineP, c_char_p, c_char_p, c_int, ErrorP], _check_err),
    ("iam_engine_complete_reset", c_int, [EngineP, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_change_password", c_int, [EngineP, c_char_p, c_char_p, c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_engine_create_access_key", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_list_access_keys", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_set_access_key_enabled", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, c_int, ErrorP], _check_err),
    ("iam_engine_delete_access_key", c_int, [EngineP, PrincipalP, c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_engine_verify_access_key", c_int, [EngineP, c_char_p, c_char_p, POINTER(c_int), POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_access_key_secret", c_int, [EngineP, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_wire_create", c_int, [EngineP, c_char_p, c_size_t, POINTER(WireP), ErrorP], _check_err),
    ("iam_wire_destroy", None, [WireP], None),
    ("iam_wire_handle", c_int, [WireP, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                c_char_p, POINTER(c_int), POINTER(c_void_p), POINTER(c_void_p),
                                POINTER(c_size_t), ErrorP], _check_err),
    ("iam_engine_create_entry", c_int, [EngineP, PrincipalP, EntryP, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_list_entries", c_int, [EngineP, PrincipalP, c_int, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_delete_entry", c_int, [EngineP, PrincipalP, c_int, c_char_p, c_char_p, ErrorP], _check_err),
    ("iam_engine_get_entry", c_int, [EngineP, PrincipalP, c_int, c_char_p, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_update_entry", c_int, [EngineP, PrincipalP, EntryP, c_char_p, c_int64, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_dispatch_outbox", c_int, [EngineP, POINTER(c_int), ErrorP], _check_err),
    ("iam_engine_list_audit_events", c_int,
     [EngineP, PrincipalP, c_char_p, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_prune_audit_events", c_int, [EngineP, c_int64, POINTER(c_int64), ErrorP],
     _check_err),
    ("iam_engine_dead_letters", c_int, [EngineP, c_int, POINTER(c_void_p), ErrorP], _check_err),
    ("iam_engine_redrive", c_int, [EngineP, c_int64, ErrorP], _check_err),
]


# ---------------------------------------------------------------------------
# Loading.


def _candidates() -> Iterator[str]:
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("libiam.so*")):
        yield str(path)
    found = ctypes.util.find_library("iam")
    if found:
        yield found


def _load() -> ctypes.CDLL:
    explicit = os.environ.get("IAM_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit)
        except OSError as e:
            raise ImportError("iam: IAM_LIBRARY=%s cannot be loaded: %s" % (explicit, e)) from e
    errors = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate)
        except OSError as e:
            errors.append("%s: %s" % (candidate, e))
    raise ImportError("iam: libiam not found; set IAM_LIBRARY to the path of libiam.so, put it "
                      "next to the package, or install it (tried: %s)"
                      % ("; ".join(errors) or "nothing found"))


def _bind(library: ctypes.CDLL) -> ctypes.CDLL:
    probe = getattr(library, "iam_abi_version", None)
    if probe is None:
        raise ImportError("iam: %s is not libiam (no iam_abi_version)" % library._name)
    probe.restype = c_int
    probe.argtypes = []
    if probe() != ABI_VERSION:
        raise ImportError("iam: %s has C ABI %d; this package needs %d"
                          % (library._name, probe(), ABI_VERSION))
    for name, restype, argtypes, errcheck in _FUNCTIONS:
        try:
            fn = getattr(library, name)
        except AttributeError as e:
            raise ImportError("iam: %s lacks %s" % (library._name, name)) from e
        fn.restype = restype
        fn.argtypes = argtypes
        if errcheck is not None:
            fn.errcheck = errcheck
    return library


lib = _bind(_load())

#: The loaded library's path.
LIBRARY_PATH: str = lib._name


# ---------------------------------------------------------------------------
# Helpers.


def encode(value: Optional[str], name: str = "argument") -> Optional[bytes]:
    """A str argument as UTF-8 for the C ABI (None stays NULL).

    Anything but a str (or bytes) is a TypeError, and an embedded NUL, at
    which C would silently cut the string, is a ValueError: both name the
    argument, so that "alice\\x00admin" can never become "alice"."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("%s: is not valid Unicode text (a lone surrogate)" % name) from None
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError("%s: expected str, got %s" % (name, type(value).__name__))
    if b"\0" in data:
        raise ValueError("%s: must not contain a NUL character" % name)
    return data


def flag(value: Any, name: str) -> int:
    """A bool argument as 0/1; "false", 0 or None are TypeErrors, not coerced."""
    if not isinstance(value, bool):
        raise TypeError("%s: expected bool, got %s" % (name, type(value).__name__))
    return 1 if value else 0


def integer(value: Any, name: str, bits: int = 32) -> int:
    """An int argument (a bool or a str is a TypeError, not coerced) that fits
    the C parameter's `bits`: ctypes would silently wrap a larger one (2**32 + 12
    would become 12), so it is a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s: expected int, got %s" % (name, type(value).__name__))
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if not low <= value <= high:
        raise ValueError("%s: must be between %d and %d" % (name, low, high))
    return value


def take_string(ptr: c_void_p) -> Optional[str]:
    """Copies a library-owned string, then releases (and wipes) it."""
    if not ptr.value:
        return None
    try:
        return ctypes.string_at(ptr.value).decode("utf-8")
    finally:
        lib.iam_free(ptr)
        ptr.value = None


class ErrorBox:
    """A fresh iam_error for one call (one per call keeps threads apart)."""

    __slots__ = ("ptr",)

    def __init__(self) -> None:
        self.ptr = ErrorP()
        lib.iam_error_create(byref(self.ptr))

    def __enter__(self) -> Any:
        return self.ptr

    def __exit__(self, *exc: Any) -> None:
        lib.iam_error_destroy(self.ptr)
        self.ptr = None


def call(fn: Callable[..., int], *args: Any) -> int:
    """Calls a status-returning C function with a fresh error object last."""
    with ErrorBox() as err:
        return fn(*args, err)


def call_string(fn: Callable[..., int], *args: Any) -> Optional[str]:
    """Calls fn(*args, char** out, err) and returns the owned string."""
    out = c_void_p()
    with ErrorBox() as err:
        try:
            fn(*args, byref(out), err)
        finally:
            text = take_string(out)  # NULL after a failure; released either way
    return text


def string_array(values: Sequence[str]) -> Any:
    """A const char* const* array (kept alive by the caller)."""
    array = (c_char_p * len(values))()
    for i, v in enumerate(values):
        array[i] = encode(v)
    return array

