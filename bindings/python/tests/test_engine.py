# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The engine through the C ABI: create (single, batch, idempotent), read,
list, update, delete, authentication, links, resets, access keys, directory
entries, stores and options."""

from __future__ import annotations

import json
import re

import iam
import pytest
from conftest import TENANT, Outbox, token_of


def test_create_with_generated_password_and_access_key(engine, outbox):
    result = engine.create_user(tenant=TENANT, username="alice.wong", email="alice@example.com",
                                generate_password=True, access_key=True, notify=["email"])
    assert re.fullmatch(r"[0-9a-f]{32}", result.user.id)
    assert result.user.username == "alice.wong" and result.user.tenant == TENANT
    assert result.user.password_reset_required and result.user.console_access
    assert len(result.generated_password) == 10
    iam.check_password(result.generated_password, username="alice.wong")
    assert re.fullmatch(r"[A-Z0-9]{20}", result.access_key.id)
    assert len(result.access_key.secret) == 40
    assert result.user.self_link.endswith("/v3/users/" + result.user.id)
    assert re.fullmatch(r"[0-9A-F-]{36}", result.request_id)
    # The password went out by email, once; repr never shows secrets.
    sent = outbox.last("generated_password")
    assert sent.recipient == "alice@example.com" and result.generated_password in sent.body
    assert result.generated_password not in repr(result) and sent.body not in repr(sent)


def test_duplicate_username_error(engine):
    engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7")
    with pytest.raises(iam.AlreadyExists) as e:
        engine.create_user(tenant=TENANT, username="ALICE.WONG", password="Summer-Breeze7")
    err = e.value
    assert (err.code, err.reason, err.field) == (iam.Status.ALREADY_EXISTS, "username.duplicate",
                                                  "username")
    assert (err.http_status, err.provider_code) == (409, "1109")
    # Another tenant is another namespace.
    engine.create_user(tenant="other-tenant", username="alice.wong", password="Summer-Breeze7")


def test_alibaba_dialect_errors():
    with iam.Engine(authorizer="allow_all", profile="alibaba", argon2="tests") as engine:
        with pytest.raises(iam.InvalidParameter) as e:
            engine.create_user(tenant=TENANT, username="alice", password="Summer-Breeze7")
        assert e.value.reason == "ou.primary_required"
        ou = engine.create_organizational_unit(tenant=TENANT, name="Engineering")
        engine.create_user(tenant=TENANT, username="alice", password="Summer-Breeze7",
                           primary_ou="engineering")
        with pytest.raises(iam.AlreadyExists) as e:
            engine.create_user(tenant=TENANT, username="ALICE", password="Summer-Breeze7",
                               primary_ou=ou.id)
        assert (e.value.http_status, e.value.provider_code) == (403,
                                                                 "ResourceDuplicated.Username")


def test_invalid_fields_name_themselves(engine):
    cases = [
        (dict(username="1alice", password="Summer-Breeze7"), "username", "username.leading_digit"),
        (dict(username="alice.wong", password="abcdef"), "password", "password.too_few_classes"),
        (dict(username="alice.wong", email="not-an-email", generate_password=True), "email", None),
        (dict(username="alice.wong", groups=["nosuch"], generate_password=True), "groups[0]",
         "group.not_found"),
    ]
    for fields, field, reason in cases:
        with pytest.raises(iam.Error) as e:
            engine.create_user(tenant=TENANT, **fields)
        assert e.value.field == field, fields
        if reason:
            assert e.value.reason == reason
    with pytest.raises(TypeError):
        engine.create_user(tenant=TENANT, username="alice.wong", colour="blue")
    with pytest.raises(TypeError):
        engine.create_user(tenant=TENANT, username="alice.wong", password="x",
                           generate_password=True)


def test_every_create_field(engine):
    group = engine.create_group(tenant=TENANT, name="admins", description="Administrators")
    ou = engine.create_organizational_unit(tenant=TENANT, name="Engineering")
    ou2 = engine.create_organizational_unit(tenant=TENANT, name="Research")
    engine.create_custom_field(tenant=TENANT, name="level", type="enum",
                               allowed_values=["junior", "senior"])
    result = engine.create_user(
        tenant=TENANT, username="bob.smith", password="Correct-Horse1", display_name="Bob Smith",
        description="builds things", email="bob@example.com", email_verified=True,
        phone_region="86", phone="13800001111", phone_verified=True, external_id="ext-42",
        enabled=True, default_project_id="proj1", primary_ou="Engineering", ous=["research"],
        groups=["ADMINS"], custom_fields={"level": "senior"}, policies=["IAM ReadOnlyAccess"],
        require_password_reset=False, sms_login_verification=True, quick_create=True)
    u = result.user
    assert (u.display_name, u.description, u.email, u.phone_region, u.phone) == (
        "Bob Smith", "builds things", "bob@example.com", "86", "13800001111")
    assert u.email_verified and u.phone_verified and u.sms_login_verification
    assert u.external_id == "ext-42" and u.default_project_id == "proj1"
    assert u.primary_ou == ou.id and u.ous == [ou2.id] and u.groups == [group.id]
    assert u.custom_fields == {"level": "senior"}
    assert u.policies == ["IAM ReadOnlyAccess", "AdministratorAccess"]  # quick create adds admin
    assert not u.password_reset_required and result.generated_password is None
    with pytest.raises(iam.InvalidParameter) as e:
        engine.create_user(tenant=TENANT, username="carol.jones", password="Correct-Horse1",
                           custom_fields={"level": "principal"})
    assert e.value.reason == "custom_field.not_allowed"
    # Login by username, email and phone.
    for who in ("bob.smith", "BOB@example.com", "+86 13800001111"):
        assert engine.authenticate(tenant=TENANT, identifier=who, password="Correct-Horse1").ok


def test_get_list_update_delete(engine):
    ids = {}
    for name in ["carol.jones", "alice.wong", "bob.smith", "dave.brown"]:
        ids[name] = engine.create_user(tenant=TENANT, username=name,
                                       email=name + "@example.com").user.id
    assert engine.get_user(tenant=TENANT, username="Alice.Wong").id == ids["alice.wong"]
    assert engine.get_user(tenant=TENANT, id=ids["bob.smith"]).username == "bob.smith"
    with pytest.raises(iam.NotFound) as e:
        engine.get_user(tenant=TENANT, username="nobody")
    assert (e.value.reason, e.value.http_status) == ("user.not_found", 404)

    page = engine.list_users(tenant=TENANT, page_size=3)
    assert [u.username for u in page.users] == ["alice.wong", "bob.smith", "carol.jones"]
    assert page.next_page_token
    rest = engine.list_users(tenant=TENANT, page_size=3, page_token=page.next_page_token)
    assert [u.username for u in rest.users] == ["dave.brown"] and rest.next_page_token == ""
    assert len(list(engine.iter_users(tenant=TENANT, page_size=1))) == 4
    assert [u.username for u in engine.list_users(tenant=TENANT, name_prefix="CA").users] == [
        "carol.jones"]
    with pytest.raises(iam.InvalidParameter):
        engine.list_users(tenant=TENANT, page_size=0)

    user = engine.update_user(tenant=TENANT, username="alice.wong", display_name="Alice Wong",
                              enabled=False, expected_version=1)
    assert user.display_name == "Alice Wong" and not user.enabled and user.version == 2
    with pytest.raises(iam.Conflict) as e:
        engine.update_user(tenant=TENANT, username="alice.wong", description="x",
                           expected_version=1)
    assert e.value.reason == "user.version_conflict"
    assert [u.username for u in engine.list_users(tenant=TENANT, enabled=False).users] == [
        "alice.wong"]
    with pytest.raises(TypeError):
        engine.update_user(tenant=TENANT, username="alice.wong", password="nope")

    engine.delete_user(tenant=TENANT, username="alice.wong")
    with pytest.raises(iam.NotFound):
        engine.get_user(tenant=TENANT, username="alice.wong")
    # The name can be used again.
    engine.create_user(tenant=TENANT, username="alice.wong", email="alice.wong@example.com")


def test_authenticate_change_password_and_lockout(outbox):
    clock = iam.FakeClock(1_700_000_000)
    with iam.Engine(authorizer="allow_all", argon2="tests", clock=clock, max_failed_logins=3,
                    lockout_duration=600) as engine:
        created = engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
        password = created.generated_password
        assert engine.authenticate(tenant=TENANT, username="alice.wong",
                                   password=password).outcome == "reset_required"
        engine.change_password(tenant=TENANT, username="alice.wong", old_password=password,
                               new_password="Summer-Breeze7")
        result = engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                     password="Summer-Breeze7")
        assert result.ok and result.user_id == created.user.id
        bad = engine.authenticate(tenant=TENANT, identifier="alice.wong", password="wrong")
        assert bad.outcome == "bad_credentials" and bad.user_id == ""
        assert engine.authenticate(tenant=TENANT, identifier="nobody",
                                   password="wrong").outcome == "bad_credentials"
        for _ in range(2):
            engine.authenticate(tenant=TENANT, identifier="alice.wong", password="wrong")
        # Locked: the right password fails as a wrong one, no id, no time.
        locked = engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                     password="Summer-Breeze7")
        assert locked.outcome == "bad_credentials" and locked.user_id == ""
        assert locked.locked_until is None
        clock.advance(601)
        assert engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                   password="Summer-Breeze7").ok
        with pytest.raises(iam.InvalidParameter) as e:
            engine.change_password(tenant=TENANT, username="alice.wong",
                                   old_password="Summer-Breeze7", new_password="short")
        assert e.value.field == "new_password"
        engine.update_user(tenant=TENANT, username="alice.wong", enabled=False)
        assert engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                   password="Summer-Breeze7").outcome == "disabled"


def test_first_login_link_and_reset(engine, outbox):
    created = engine.create_user(tenant=TENANT, username="erin.white", email="erin@example.com",
                                 first_login_link=True)
    assert created.login_link_sent and created.generated_password is None
    link = outbox.last("login_link")
    assert link.recipient == "erin@example.com" and "token=" in link.body
    user = engine.redeem_login_link(token=token_of(link), new_password="Autumn-Leaves8")
    assert user.id == created.user.id
    with pytest.raises(iam.InvalidParameter) as e:
        engine.redeem_login_link(token=token_of(link), new_password="Autumn-Leaves9")
    assert e.value.reason == "token.invalid"
    assert engine.authenticate(tenant=TENANT, identifier="erin.white",
                               password="Autumn-Leaves8").ok

    engine.start_password_reset(tenant=TENANT, identifier="erin@example.com")
    engine.start_password_reset(tenant=TENANT, identifier="nobody@example.com")  # no tell
    reset = outbox.last("password_reset")
    engine.complete_password_reset(token=token_of(reset), new_password="Winter-Frost9")
    assert engine.authenticate(tenant=TENANT, identifier="erin.white",
                               password="Winter-Frost9").ok
    with pytest.raises(ValueError):
        engine.start_password_reset(tenant=TENANT, identifier="erin.white", channel="pigeon")


def test_access_keys(engine):
    created = engine.create_user(tenant=TENANT, username="svc.deploy", access_key=True)
    first = created.access_key
    second = engine.create_access_key(tenant=TENANT, username="svc.deploy")
    assert second.secret and second.id != first.id
    keys = engine.list_access_keys(tenant=TENANT, username="svc.deploy")
    assert sorted(k.id for k in keys) == sorted([first.id, second.id])
    assert all(k.enabled and k.user_id == created.user.id for k in keys)
    with pytest.raises(iam.Error):  # at most two per user
        engine.create_access_key(tenant=TENANT, username="svc.deploy")
    ok = engine.verify_access_key(first.id, first.secret)
    assert ok.valid and ok.user_id == created.user.id and ok.tenant == TENANT
    assert not engine.verify_access_key(first.id, second.secret).valid
    assert engine.access_key_secret(first.id) == first.secret
    engine.set_access_key_enabled(tenant=TENANT, access_key_id=first.id, enabled=False)
    assert not engine.verify_access_key(first.id, first.secret).valid
    engine.delete_access_key(tenant=TENANT, access_key_id=first.id)
    assert [k.id for k in engine.list_access_keys(tenant=TENANT, id=created.user.id)] == [second.id]
    assert second.secret not in repr(second)


def test_directory_entries(engine):
    group = engine.create_group(tenant=TENANT, name="admins")
    assert group.kind == "group" and group.id.startswith("grp_") and group.tenant == TENANT
    with pytest.raises(iam.AlreadyExists) as e:
        engine.create_group(tenant=TENANT, name="ADMINS")
    assert e.value.reason == "group.duplicate"
    engine.create_group(tenant=TENANT, name="auditors")
    assert [g.name for g in engine.list_groups(tenant=TENANT)] == ["admins", "auditors"]
    assert [g.name for g in engine.list_groups(tenant=TENANT, keyword="AUD")] == ["auditors"]
    ou = engine.create_organizational_unit(tenant=TENANT, name="Engineering")
    assert ou.id.startswith("ou_")
    field = engine.create_custom_field(tenant=TENANT, name="badge", type="number", max_length=6)
    assert (field.type, field.max_length) == ("number", 6)
    assert [f.name for f in engine.list_custom_fields(tenant=TENANT)] == ["badge"]
    engine.create_user(tenant=TENANT, username="alice.wong", email="a@example.com",
                       groups=["admins"], primary_ou="Engineering", custom_fields={"badge": "42"})
    assert [u.username for u in engine.list_users(tenant=TENANT, group="admins").users] == [
        "alice.wong"]
    assert len(engine.list_users(tenant=TENANT, ou=ou.id).users) == 1
    with pytest.raises(iam.Error) as e:
        engine.delete_group(tenant=TENANT, group="admins")
    assert e.value.code == iam.Status.FAILED_PRECONDITION and e.value.reason == "group.in_use"
    engine.update_user(tenant=TENANT, username="alice.wong", groups=[], custom_fields={})
    engine.delete_group(tenant=TENANT, group="admins")
    engine.delete_custom_field(tenant=TENANT, name="badge")
    assert [g.name for g in engine.list_groups(tenant=TENANT)] == ["auditors"]
    with pytest.raises(iam.NotFound):
        engine.delete_organizational_unit(tenant=TENANT, ou="nosuch")


def test_idempotent_create(engine):
    first = engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True,
                               client_token="req-0001")
    again = engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True,
                               client_token="req-0001")
    assert again.replayed and again.user.id == first.user.id
    assert again.generated_password is None  # a secret is never shown twice
    with pytest.raises(iam.IdempotencyMismatch) as e:
        engine.create_user(tenant=TENANT, username="bob.smith", generate_password=True,
                           client_token="req-0001")
    assert e.value.field == "client_token" and e.value.reason == "idempotency.mismatch"


def test_batch_create(engine):
    result = engine.batch_create_users([
        dict(tenant=TENANT, username="user.one", generate_password=True),
        dict(tenant=TENANT, username="user.two", password="Summer-Breeze7"),
    ])
    assert result.committed and not result.errors
    assert [r.user.username for r in result.items] == ["user.one", "user.two"]
    failed = engine.batch_create_users([
        dict(tenant=TENANT, username="user.three", generate_password=True),
        dict(tenant=TENANT, username="USER.ONE", generate_password=True),
    ])
    assert not failed.committed
    assert [e.reason for e in failed.items] == ["batch.aborted", "username.duplicate"]
    assert isinstance(failed.items[1], iam.AlreadyExists)
    with pytest.raises(iam.NotFound):
        engine.get_user(tenant=TENANT, username="user.three")
    with pytest.raises(iam.PayloadTooLarge) as e:
        engine.batch_create_users([dict(tenant=TENANT, username="u.%02d" % i,
                                        generate_password=True) for i in range(11)])
    assert e.value.reason == "batch.too_large"


def test_tenant_password_policy(engine):
    engine.set_password_policy(TENANT, iam.PasswordPolicy(min_length=12, history_count=2))
    assert engine.password_policy(TENANT)["min_length"] == 12
    assert engine.password_policy("another")["min_length"] == 6
    assert engine.password_violations(TENANT, "Short-Pass1") == ["password.too_short"]
    with pytest.raises(iam.InvalidParameter) as e:
        engine.create_user(tenant=TENANT, username="alice.wong", password="Short-Pass1")
    assert e.value.reason == "password.too_short"
    created = engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
    assert len(created.generated_password) >= 12


def test_registered_tenants_and_authorizer():
    decisions = []

    def authorize(caller, action, tenant):
        decisions.append((caller.id, action, tenant))
        return caller.id == "admin"

    with iam.Engine(argon2="tests", require_registered_tenant=True,
                    authorizer=authorize) as engine:
        with pytest.raises(iam.NotFound) as e:
            engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True,
                               caller="admin")
        assert e.value.reason == "tenant.not_found"
        engine.register_tenant(TENANT)
        engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True,
                           caller=iam.Principal("admin", TENANT))
        with pytest.raises(iam.PermissionDenied) as e:
            engine.get_user(tenant=TENANT, username="alice.wong", caller=("mallory", TENANT))
        assert e.value.http_status == 403
        assert ("mallory", "iam:GetUser", TENANT) in decisions


def test_sqlite_store_persists(tmp_path):
    key = bytes(range(32))
    path = tmp_path / "iam.db"
    with iam.Engine(authorizer="allow_all", store="sqlite:///" + str(path), argon2="tests", host_key=key) as engine:
        created = engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7",
                                     require_password_reset=False, access_key=True)
    with iam.Engine(authorizer="allow_all", store=str(path), argon2="tests", host_key=key) as engine:
        assert engine.get_user(tenant=TENANT, username="alice.wong").id == created.user.id
        assert engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                   password="Summer-Breeze7").ok
        assert engine.verify_access_key(created.access_key.id, created.access_key.secret).valid
    # One store handle shared by two engines.
    with iam.SqliteStore(path) as store:
        with iam.Engine(authorizer="allow_all", store=store, argon2="tests", host_key=key) as a, \
                iam.Engine(authorizer="allow_all", store=store, argon2="tests", host_key=key) as b:
            a.create_user(tenant=TENANT, username="bob.smith", generate_password=True)
            assert b.get_user(tenant=TENANT, username="bob.smith").username == "bob.smith"
    with pytest.raises(ValueError):
        iam.Engine(authorizer="allow_all", store="mysql://localhost/iam")  # postgresql:// is a store
    with pytest.raises(iam.InvalidParameter) as e:
        iam.Engine(authorizer="allow_all", host_key=b"short")
    assert e.value.reason == "host_key.invalid"


def test_outbox_retries_and_json_lines(tmp_path):
    outbox = Outbox()
    outbox.fail = 1
    clock = iam.FakeClock(1_700_000_000)
    with iam.MemoryStore() as store, iam.Engine(authorizer="allow_all", store=store, notifier=outbox, clock=clock,
                                                argon2="tests", outbox_backoff=(10, 60)) as engine:
        engine.create_user(tenant=TENANT, username="alice.wong", email="a@example.com",
                           generate_password=True, notify="email")
        assert outbox.sent == [] and store.pending_outbox() == 1  # failed, rescheduled
        assert engine.dispatch_outbox() == 0  # not due yet
        clock.advance(11)
        assert engine.dispatch_outbox() == 1 and store.pending_outbox() == 0
        assert outbox.sent[0].kind == "generated_password"
    path = tmp_path / "mail.jsonl"
    with iam.JsonLinesNotifier(str(path)) as notifier:
        with iam.Engine(authorizer="allow_all", notifier=notifier, argon2="tests") as engine:
            engine.create_user(tenant=TENANT, username="bob.smith", email="b@example.com",
                               first_login_link=True)
    line = json.loads(path.read_text().splitlines()[0])
    assert line["kind"] == "login_link" and line["recipient"] == "b@example.com"


def test_engine_lifetime():
    engine = iam.Engine(authorizer="allow_all", argon2="tests")
    with engine:
        engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
    with pytest.raises(ValueError):
        engine.get_user(tenant=TENANT, username="alice.wong")
    engine.close()  # idempotent
    with pytest.raises(iam.InvalidParameter):
        iam.Engine(authorizer="allow_all", profile="klingon")


def test_embedded_nul_is_refused_never_cut(engine):
    """C would stop at the NUL: "alice\x00admin" must not create "alice"."""
    with pytest.raises(ValueError, match="username"):
        engine.create_user(tenant=TENANT, username="alice\x00admin", password="Summer-Breeze7")
    with pytest.raises(ValueError, match="tenant"):
        engine.create_user(tenant="T1\x00TB", username="alice.wong", password="Summer-Breeze7")
    assert engine.list_users(tenant=TENANT).users == []
    engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7",
                       require_password_reset=False)
    with pytest.raises(ValueError, match="password"):
        engine.authenticate(tenant=TENANT, identifier="alice.wong",
                            password="Summer-Breeze7\x00junk")
    key = engine.create_access_key(tenant=TENANT, username="alice.wong")
    with pytest.raises(ValueError, match="secret"):
        engine.verify_access_key(key.id, key.secret + "\x00junk")
    assert engine.verify_access_key(key.id, key.secret).valid


def test_wrong_types_are_refused_not_coerced(engine):
    """enabled="false" used to create an enabled user; a list password its text."""
    with pytest.raises(TypeError, match="enabled"):
        engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7",
                           enabled="false")
    with pytest.raises(TypeError, match="password"):
        engine.create_user(tenant=TENANT, username="alice.wong", password=["Summer-Breeze7"])
    with pytest.raises(TypeError, match="page_size"):
        engine.list_users(tenant=TENANT, page_size="10")
    with pytest.raises(TypeError, match=r"groups\[0\]"):
        engine.create_user(tenant=TENANT, username="alice.wong", password="Summer-Breeze7",
                           groups=[42])
    assert engine.list_users(tenant=TENANT).users == []


ALLOW_GET_USER = json.dumps({"Version": "1", "Statement": [
    {"Effect": "Allow", "Action": ["iam:GetUser"], "Resource": "*"}]})


def test_tenant_policies(engine):
    system = engine.list_policies(tenant=TENANT)
    assert [p.name for p in system] == ["AdministratorAccess", "Security Administrator",
                                        "IAM ReadOnlyAccess"]
    assert {p.type for p in system} == {"system"}
    created = engine.create_policy(tenant=TENANT, name="UserReaders", document=ALLOW_GET_USER,
                                   description="read users")
    assert (created.type, created.version, created.document) == ("custom", 1, ALLOW_GET_USER)
    assert engine.get_policy(tenant=TENANT, policy="userreaders").id == created.id
    assert [p.name for p in engine.list_policies(tenant=TENANT, keyword="READ")] == [
        "IAM ReadOnlyAccess", "UserReaders"]
    with pytest.raises(iam.InvalidParameter) as e:
        engine.create_policy(tenant=TENANT, name="Broken", document=json.dumps(
            {"Version": "1", "Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]}))
    assert e.value.field == "document.Statement[0].Action"
    with pytest.raises(iam.AlreadyExists):
        engine.create_policy(tenant=TENANT, name="AdministratorAccess", document=ALLOW_GET_USER)
    edited = engine.update_policy(tenant=TENANT, policy="UserReaders", description="v2",
                                  expected_version=1)
    assert (edited.version, edited.description, edited.document) == (2, "v2", ALLOW_GET_USER)
    with pytest.raises(iam.Conflict) as e:
        engine.update_policy(tenant=TENANT, policy="UserReaders", description="v3",
                             expected_version=1)
    assert e.value.reason == "policy.version_conflict"
    # Attached to a group, in use; detached, deleted.
    group = engine.create_group(tenant=TENANT, name="readers", policies=["userreaders"])
    assert group.policies == ["UserReaders"]
    with pytest.raises(iam.Error) as e:
        engine.delete_policy(tenant=TENANT, policy="UserReaders")
    assert e.value.reason == "policy.in_use"
    assert engine.set_group_policies(tenant=TENANT, group="readers", policies=[]).version == 2
    engine.delete_policy(tenant=TENANT, policy="UserReaders")
    with pytest.raises(iam.NotFound) as e:
        engine.create_user(tenant=TENANT, username="carol.jones", policies=["UserReaders"])
    assert (e.value.reason, e.value.field) == ("policy.not_found", "policies[0]")


BCRYPT = "$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS"  # "Tr0ub4dor&3"


def test_import_users_from_dicts_and_files(engine, tmp_path):
    rows = [
        {"username": "ann.lee", "email": "ann@example.com", "password_mode": "generated"},
        {"username": "ben.ng", "password_hash": BCRYPT},
        {"username": "cat.wu", "access_key": True},
        {"username": "1bad.user"},
    ]
    seen = []
    result = engine.import_users(rows, tenant=TENANT, jobs=2, batch_size=2, progress=seen.append)
    assert (result.rows, result.created, result.already_present, result.failed) == (4, 3, 0, 1)
    assert [(e.row, e.field, e.reason) for e in result.errors] == [
        (4, "username", "username.leading_digit")]
    by_name = {s.username: s for s in result.secrets}
    assert set(by_name) == {"ann.lee", "cat.wu"}
    assert "***" in repr(by_name["ann.lee"]) and by_name["ann.lee"].password not in repr(result)
    assert engine.authenticate(tenant=TENANT, username="ann.lee",
                               password=by_name["ann.lee"].password).outcome == "reset_required"
    assert engine.authenticate(tenant=TENANT, username="ben.ng",
                               password="Tr0ub4dor&3").outcome == "success"
    assert seen and seen[-1].rows_done == 4 and seen[-1].rows_total == 4
    # The same rows again resume: nothing new, no secret.
    again = engine.import_users(rows, tenant=TENANT)
    assert (again.created, again.already_present, again.failed) == (0, 3, 1)
    assert again.secrets == [] and again.source_id == result.source_id

    # A CSV file by path, and an unknown column refused as a whole.
    path = tmp_path / "users.csv"
    path.write_text("username,groups\ndan.ho,\n", encoding="utf-8")
    assert engine.import_users(path, tenant=TENANT).created == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("username,emial\neve.li,eve@example.com\n", encoding="utf-8")
    with pytest.raises(iam.InvalidParameter) as e:
        engine.import_users(str(bad), tenant=TENANT)
    assert e.value.reason == "import.unknown_column"
    with pytest.raises(iam.NotFound):
        engine.import_users(str(tmp_path / "missing.csv"), tenant=TENANT)

    # An exception in the progress callback is raised once the call returns.
    def boom(_p):
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError):
        engine.import_users([{"username": "fay.po"}], tenant=TENANT, progress=boom)
