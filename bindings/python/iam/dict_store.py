# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""DictStore: the store protocol implemented in pure Python, in memory.

A reference for hosts that plug their own storage into the engine through the
C ABI (``iam.Engine(store=DictStore())``): it keeps the same contract as the
C++ MemoryStore (tests/store_contract_test.cc) — atomic commits, per-tenant
unique keys, optimistic versions, idempotency records, an outbox. Thread-safe
(one lock). Not durable: use it for tests and as a template.
"""

from __future__ import annotations

import copy
import threading
from typing import Any, Dict, List, Optional, Set, Tuple

from ._errors import AlreadyExists, Conflict, Error, NotFound, Status
from ._ports import Store

Record = Dict[str, Any]

# Entry kinds as error reasons name them (iam/store.h).
_KIND_REASON = {"group": "group", "organizational_unit": "ou", "custom_field": "custom_field",
                "policy": "policy"}


def _names(names: List[str], name: str) -> bool:
    return _fold(name) in (_fold(n) for n in names)


def _fold(name: str) -> str:
    """ASCII lower case, as the C++ FoldName."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


def _keys(record: Record) -> List[Tuple[str, str, str]]:
    tenant = record["user"]["tenant"]
    return [(tenant, k["key"], k["value"]) for k in record.get("unique_keys", [])]


def _idempotency_records(w: Record) -> List[Record]:
    """Every idempotency record of a write set (methods version 3), or the one
    a version 2 write set carries."""
    if "idempotency_records" in w:
        return list(w["idempotency_records"])
    return [w["idempotency"]] if w.get("idempotency") else []


class DictStore(Store):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.users: Dict[str, Record] = {}
        self.unique: Dict[Tuple[str, str, str], str] = {}
        self.idempotency: Dict[Tuple[str, str], Record] = {}
        self.entries: Dict[Tuple[str, str, str], Record] = {}  # (kind, tenant, id)
        self.access_keys: Dict[str, Record] = {}
        self.tokens: Dict[str, Record] = {}
        self.tenants: Set[str] = set()
        self.outbox: Dict[int, Record] = {}
        self.next_outbox_id = 1
        self.commits = 0

    # -- users --------------------------------------------------------------

    def commit(self, w: Record) -> None:
        with self._lock:
            self._check(w)
            self._apply(w)
            self.commits += 1

    def _check(self, w: Record) -> None:
        tokens: Set[Tuple[str, str]] = set()
        for idem in _idempotency_records(w):
            key = (idem["tenant"], idem["client_token"])
            live = self.idempotency.get(key)
            if key in tokens or (live is not None and live["expires_at"] > w["now"]):
                raise AlreadyExists("client_token: a request with this token is already recorded",
                                    reason="idempotency.conflict", field="client_token")
            tokens.add(key)
        freed: Set[Tuple[str, str, str]] = set()
        claimed: Set[Tuple[str, str, str]] = set()
        for uid in w.get("deleted_user_ids", []):
            rec = self.users.get(uid)
            if rec is None or rec["user"]["tenant"] != w.get("tenant"):
                raise NotFound("user: not found", reason="user.not_found", field="user")
            freed.update(_keys(rec))
        for update in w.get("updated_users", []):
            rec = self.users.get(update["record"]["user"]["id"])
            if rec is None:
                raise NotFound("user: not found", reason="user.not_found", field="user")
            if rec["user"]["version"] != update["expected_version"]:
                raise Conflict("version: the user was changed by another request",
                               reason="user.version_conflict", field="version")
            freed.update(_keys(rec))

        def claim(record: Record) -> None:
            fields = {(k["key"], k["value"]): k.get("field", k["key"])
                      for k in record.get("unique_keys", [])}
            for key in _keys(record):
                taken = key in self.unique and key not in freed
                if taken or key in claimed:
                    field = fields[(key[1], key[2])]  # a login key names its source
                    raise AlreadyExists("%s: already in use in this tenant" % field,
                                        reason="%s.duplicate" % field, field=field)
                claimed.add(key)

        for update in w.get("updated_users", []):
            claim(update["record"])
        for record in w.get("new_users", []):
            if record["user"]["id"] in self.users:
                raise AlreadyExists("id: already in use", reason="id.duplicate", field="id")
            claim(record)
        new_keys: Set[str] = set()
        for key in w.get("new_access_keys", []):
            if key["id"] in self.access_keys or key["id"] in new_keys:
                raise AlreadyExists("access_key: id already exists",
                                    reason="access_key.duplicate", field="access_key")
            new_keys.add(key["id"])
        for key in w.get("updated_access_keys", []):
            if key["id"] not in self.access_keys:
                raise NotFound("access_key: not found", reason="access_key.not_found",
                               field="access_key")

    def _index(self, record: Record) -> None:
        for key in _keys(record):
            self.unique[key] = record["user"]["id"]

    def _unindex(self, record: Record) -> None:
        for key in _keys(record):
            self.unique.pop(key, None)

    def _apply(self, w: Record) -> None:
        for idem in _idempotency_records(w):
            self.idempotency[(idem["tenant"], idem["client_token"])] = idem
        for uid in w.get("deleted_user_ids", []):
            self._unindex(self.users.pop(uid))
            self.access_keys = {k: v for k, v in self.access_keys.items() if v["user_id"] != uid}
            self.tokens = {k: v for k, v in self.tokens.items() if v["user_id"] != uid}
        for update in w.get("updated_users", []):
            record = copy.deepcopy(update["record"])
            self._unindex(self.users[record["user"]["id"]])
            if update.get("revoke_tokens"):
                uid = record["user"]["id"]
                self.tokens = {k: v for k, v in self.tokens.items() if v["user_id"] != uid}
            record["user"]["version"] = update["expected_version"] + (
                0 if update.get("keep_version") else 1)
            self.users[record["user"]["id"]] = record
        for update in w.get("updated_users", []):
            self._index(self.users[update["record"]["user"]["id"]])
        for record in w.get("new_users", []):
            self.users[record["user"]["id"]] = copy.deepcopy(record)
            self._index(record)
        for key in w.get("new_access_keys", []) + w.get("updated_access_keys", []):
            self.access_keys[key["id"]] = dict(key)
        for key_id in w.get("deleted_access_key_ids", []):
            self.access_keys.pop(key_id, None)
        for token in w.get("new_tokens", []):
            self.tokens[token["hash"]] = dict(token)
        for token_hash in w.get("deleted_token_hashes", []):
            self.tokens.pop(token_hash, None)
        for message in w.get("outbox", []):
            message = dict(message, id=self.next_outbox_id)
            self.outbox[self.next_outbox_id] = message
            self.next_outbox_id += 1

    def find_user(self, tenant: str, key: str, value: str) -> Optional[Record]:
        with self._lock:
            uid = value if key == "id" else self.unique.get((tenant, key, value))
            record = self.users.get(uid or "")
            if record is None or record["user"]["tenant"] != tenant:
                return None
            return copy.deepcopy(record)

    def list_users(self, q: Record) -> Record:
        with self._lock:
            matches = []
            for record in self.users.values():
                u = record["user"]
                name = record["canonical_username"]
                if u["tenant"] != q["tenant"] or not name.startswith(q.get("username_prefix", "")):
                    continue
                if q.get("page_token") and name <= q["page_token"]:
                    continue
                if q.get("group_id") and q["group_id"] not in u.get("groups", []):
                    continue
                if q.get("ou_id") and q["ou_id"] != u.get("primary_ou") and \
                        q["ou_id"] not in u.get("ous", []):
                    continue
                if q.get("enabled") is not None and u.get("enabled", True) != q["enabled"]:
                    continue
                matches.append(record)
            matches.sort(key=lambda r: r["canonical_username"])
            size = max(int(q.get("page_size", 100)), 1)
            page = [copy.deepcopy(r) for r in matches[:size]]
            token = page[-1]["canonical_username"] if len(matches) > size else ""
            return {"users": page, "next_page_token": token}

    def find_idempotency(self, tenant: str, client_token: str) -> Optional[Record]:
        with self._lock:
            record = self.idempotency.get((tenant, client_token))
            return dict(record) if record else None

    # -- directory entries -------------------------------------------------------

    def create_entry(self, entry: Record) -> None:
        with self._lock:
            kind, tenant = entry["kind"], entry["tenant"]
            for (k, t, _), existing in self.entries.items():
                if k == kind and t == tenant and (
                        _fold(existing["name"]) == _fold(entry["name"]) or existing["id"] == entry["id"]):
                    reason = _KIND_REASON[kind]
                    raise AlreadyExists("name: a %s with this name already exists" % reason,
                                        reason=reason + ".duplicate", field="name")
            self.entries[(kind, tenant, entry["id"])] = dict(entry)

    def find_entry(self, kind: str, tenant: str, id_or_name: str) -> Optional[Record]:
        with self._lock:
            entry = self.entries.get((kind, tenant, id_or_name))
            if entry is None:
                folded = _fold(id_or_name)
                for (k, t, _), e in self.entries.items():
                    if k == kind and t == tenant and _fold(e["name"]) == folded:
                        entry = e
                        break
            return dict(entry) if entry else None

    def list_entries(self, kind: str, tenant: str, keyword: str) -> List[Record]:
        with self._lock:
            folded = _fold(keyword)
            found = [dict(e) for (k, t, _), e in self.entries.items()
                     if k == kind and t == tenant and folded in _fold(e["name"])]
            return sorted(found, key=lambda e: _fold(e["name"]))

    def delete_entry(self, kind: str, tenant: str, id: str) -> None:
        with self._lock:
            entry = self.entries.get((kind, tenant, id))
            reason = _KIND_REASON[kind]
            if entry is None:
                raise NotFound("%s: not found" % reason, reason=reason + ".not_found", field=reason)
            for record in self.users.values():
                u = record["user"]
                if u["tenant"] != tenant:
                    continue
                used = (kind == "group" and id in u.get("groups", [])) or \
                    (kind == "organizational_unit" and (u.get("primary_ou") == id or id in u.get("ous", []))) or \
                    (kind == "custom_field" and entry["name"] in u.get("custom_fields", {})) or \
                    (kind == "policy" and _names(u.get("policies", []), entry["name"]))
                if used:
                    raise self._in_use(reason)
            if kind == "policy" and any(
                    k == "group" and t == tenant and _names(g.get("policies", []), entry["name"])
                    for (k, t, _), g in self.entries.items()):
                raise self._in_use(reason)
            del self.entries[(kind, tenant, id)]

    @staticmethod
    def _in_use(reason: str) -> Error:
        return Error("id: the %s is still in use" % reason, code=Status.FAILED_PRECONDITION,
                     reason=reason + ".in_use", field="id")

    def update_entry(self, entry: Record, expected_version: int) -> None:
        with self._lock:
            key = (entry["kind"], entry["tenant"], entry["id"])
            stored = self.entries.get(key)
            reason = _KIND_REASON[entry["kind"]]
            if stored is None:
                raise NotFound("%s: not found" % reason, reason=reason + ".not_found", field=reason)
            if stored.get("version", 1) != expected_version:
                raise Conflict("version: the %s was changed by another request" % reason,
                               reason=reason + ".version_conflict", field="version")
            for name in ("description", "document", "policies", "updated_at"):
                stored[name] = copy.deepcopy(entry.get(name))
            stored["version"] = expected_version + 1

    # -- access keys, tokens, tenants ------------------------------------------

    def find_access_key(self, access_key_id: str) -> Optional[Record]:
        with self._lock:
            key = self.access_keys.get(access_key_id)
            return dict(key) if key else None

    def list_access_keys(self, tenant: str, user_id: str) -> List[Record]:
        with self._lock:
            return [dict(k) for k in self.access_keys.values()
                    if k["tenant"] == tenant and k["user_id"] == user_id]

    def find_token(self, hash: str) -> Optional[Record]:
        with self._lock:
            token = self.tokens.get(hash)
            return dict(token) if token else None

    def register_tenant(self, tenant: str) -> None:
        with self._lock:
            self.tenants.add(tenant)

    def tenant_exists(self, tenant: str) -> bool:
        with self._lock:
            return tenant in self.tenants

    # -- the outbox ----------------------------------------------------------------

    def due_outbox(self, now: int, limit: int) -> List[Record]:
        with self._lock:
            due = [dict(m) for _, m in sorted(self.outbox.items()) if m["next_attempt_at"] <= now]
            return due[:limit]

    def complete_outbox(self, id: int) -> None:
        with self._lock:
            self.outbox.pop(id, None)

    def reschedule_outbox(self, id: int, attempts: int, next_attempt_at: int,
                          last_error: str) -> None:
        with self._lock:
            message = self.outbox.get(id)
            if message is None:
                raise NotFound("outbox: not found", reason="outbox.not_found", field="outbox")
            message.update(attempts=attempts, next_attempt_at=next_attempt_at,
                           last_error=last_error)

    def pending_outbox(self) -> int:
        with self._lock:
            return len(self.outbox)
