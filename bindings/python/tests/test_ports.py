# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Python ports plugged in through the C ABI's callback tables: a store, a
notifier, an authorizer; failures inside callbacks; the destroy rule."""

from __future__ import annotations

import gc

import iam
import pytest
from conftest import TENANT, Outbox, token_of
from iam import _ports


def test_python_store_end_to_end(outbox):
    store = iam.DictStore()
    with iam.Engine(authorizer="allow_all", store=store, notifier=outbox, argon2="tests") as engine:
        created = engine.create_user(tenant=TENANT, username="alice.wong",
                                     email="alice@example.com", generate_password=True,
                                     access_key=True, notify=["email"], client_token="t-1")
        assert store.commits == 1 and len(store.users) == 1
        record = store.users[created.user.id]
        assert record["canonical_username"] == "alice.wong"
        assert record["password_hash"].startswith("$argon2id$")
        assert {"key": "email", "value": "alice@example.com", "field": "email"} \
            in record["unique_keys"]
        assert {"key": "login", "value": "alice@example.com", "field": "email"} \
            in record["unique_keys"]
        assert created.generated_password not in repr(store.__dict__)  # only a hash is stored
        assert outbox.last("generated_password").recipient == "alice@example.com"
        assert store.pending_outbox() == 0  # delivered and completed

        # Uniqueness through find_user and commit; idempotency through the store.
        with pytest.raises(iam.AlreadyExists) as e:
            engine.create_user(tenant=TENANT, username="Alice.Wong", generate_password=True)
        assert e.value.reason == "username.duplicate" and e.value.http_status == 409
        with pytest.raises(iam.AlreadyExists) as e:
            engine.create_user(tenant=TENANT, username="alice.other", email="ALICE@example.com",
                               generate_password=True)
        assert e.value.reason == "email.duplicate"
        replay = engine.create_user(tenant=TENANT, username="alice.wong", email="alice@example.com",
                                    generate_password=True, access_key=True, notify=["email"],
                                    client_token="t-1")
        assert replay.replayed and replay.user.id == created.user.id

        # Reads, lists, updates, deletes.
        assert engine.get_user(tenant=TENANT, username="ALICE.WONG").id == created.user.id
        group = engine.create_group(tenant=TENANT, name="admins")
        assert store.find_entry("group", TENANT, "ADMINS")["id"] == group.id
        user = engine.update_user(tenant=TENANT, username="alice.wong", groups=["admins"],
                                  display_name="Alice", expected_version=1)
        assert user.version == 2 and store.users[user.id]["user"]["version"] == 2
        assert [u.username for u in engine.list_users(tenant=TENANT, group="admins").users] == [
            "alice.wong"]
        with pytest.raises(iam.Error) as e:
            engine.delete_group(tenant=TENANT, group="admins")
        assert e.value.reason == "group.in_use"

        # Credentials: authenticate (bookkeeping keeps the version), keys, reset tokens.
        assert engine.authenticate(tenant=TENANT, identifier="alice@example.com",
                                   password=created.generated_password).outcome == "reset_required"
        assert engine.get_user(tenant=TENANT, username="alice.wong").version == 2
        assert engine.verify_access_key(created.access_key.id, created.access_key.secret).valid
        engine.start_password_reset(tenant=TENANT, identifier="alice.wong")
        engine.complete_password_reset(token=token_of(outbox.last("password_reset")),
                                       new_password="Winter-Frost9")
        assert engine.authenticate(tenant=TENANT, identifier="alice.wong",
                                   password="Winter-Frost9").ok

        engine.delete_user(tenant=TENANT, username="alice.wong")
        assert store.users == {} and store.access_keys == {}
        engine.delete_group(tenant=TENANT, group="admins")


def test_python_store_holds_policies_and_group_attachments():
    store = iam.DictStore()
    document = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}'
    with iam.Engine(authorizer="allow_all", store=store, argon2="tests") as engine:
        policy = engine.create_policy(tenant=TENANT, name="Getters", document=document)
        assert store.find_entry("policy", TENANT, "GETTERS")["document"] == document
        engine.create_group(tenant=TENANT, name="ops")
        group = engine.set_group_policies(tenant=TENANT, group="ops", policies=["getters"])
        assert group.version == 2 and store.find_entry("group", TENANT, "ops")["policies"] == [
            "Getters"]
        with pytest.raises(iam.Conflict) as e:
            engine.set_group_policies(tenant=TENANT, group="ops", policies=[], expected_version=1)
        assert e.value.reason == "group.version_conflict"
        with pytest.raises(iam.Error) as e:
            engine.delete_policy(tenant=TENANT, policy=policy.id)
        assert e.value.reason == "policy.in_use"
        engine.create_user(tenant=TENANT, username="alice.wong", policies=["Getters"])
        engine.set_group_policies(tenant=TENANT, group="ops", policies=[])
        with pytest.raises(iam.Error) as e:  # still the user's
            engine.delete_policy(tenant=TENANT, policy="getters")
        assert e.value.reason == "policy.in_use"
        engine.update_user(tenant=TENANT, username="alice.wong", policies=[])
        engine.delete_policy(tenant=TENANT, policy="getters")
        assert store.find_entry("policy", TENANT, "Getters") is None


def test_python_store_with_registered_tenants():
    store = iam.DictStore()
    with iam.Engine(authorizer="allow_all", store=store, argon2="tests", require_registered_tenant=True) as engine:
        with pytest.raises(iam.NotFound):
            engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
        engine.register_tenant(TENANT)
        assert store.tenant_exists(TENANT)
        engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)


class FailingStore(iam.DictStore):
    """Raises what it is told to, from find_user."""

    def __init__(self) -> None:
        super().__init__()
        self.raise_next = None

    def find_user(self, tenant, key, value):
        if self.raise_next is not None:
            exc, self.raise_next = self.raise_next, None
            raise exc
        return super().find_user(tenant, key, value)


def test_exceptions_inside_store_callbacks():
    store = FailingStore()
    with iam.Engine(authorizer="allow_all", store=store, argon2="tests") as engine:
        store.raise_next = RuntimeError("disk on fire")
        with pytest.raises(iam.CallbackFailed) as e:
            engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
        assert e.value.code == iam.Status.CALLBACK_FAILED
        assert "RuntimeError: disk on fire" in e.value.message
        assert e.value.http_status == 500
        store.raise_next = iam.Unavailable("try later", reason="store.busy")
        with pytest.raises(iam.Unavailable) as e:
            engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
        assert e.value.reason == "store.busy"
        store.raise_next = KeyboardInterrupt()
        with pytest.raises(iam.CallbackFailed):
            engine.get_user(tenant=TENANT, username="alice.wong")
        # The engine is fine afterwards.
        engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)


class BadRecords(iam.DictStore):
    def find_entry(self, kind, tenant, id_or_name):
        return {"not": "an entry"}


def test_malformed_records_from_a_store():
    with iam.Engine(authorizer="allow_all", store=BadRecords(), argon2="tests") as engine:
        with pytest.raises(iam.CallbackFailed) as e:
            engine.create_user(tenant=TENANT, username="alice.wong", groups=["admins"],
                               generate_password=True)
        assert "find_entry" in e.value.message


def test_notifier_callable_and_failures():
    received = []
    with iam.Engine(authorizer="allow_all", notifier=received.append, argon2="tests") as engine:
        engine.create_user(tenant=TENANT, username="alice.wong", email="a@example.com",
                           first_login_link=True)
    assert [n.kind for n in received] == ["login_link"]
    assert isinstance(received[0], iam.Notification) and received[0].id > 0

    class Refusing:
        def __init__(self):
            self.calls = 0

        def send(self, notification):
            self.calls += 1
            return False  # not delivered: rescheduled

    refusing = Refusing()
    with iam.MemoryStore() as store, iam.Engine(authorizer="allow_all", store=store, notifier=refusing,
                                                argon2="tests") as engine:
        engine.create_user(tenant=TENANT, username="bob.smith", email="b@example.com",
                           first_login_link=True)
        assert refusing.calls == 1 and store.pending_outbox() == 1


def test_authorizer_object_and_errors():
    class Policy:
        def authorize(self, caller, action, tenant):
            if action == "iam:DeleteUser":
                raise iam.PermissionDenied("deletes need approval", reason="approval.required")
            if caller.id == "crash":
                raise ZeroDivisionError("oops")
            return True

    with iam.Engine(authorizer=Policy(), argon2="tests") as engine:
        engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
        with pytest.raises(iam.PermissionDenied) as e:
            engine.delete_user(tenant=TENANT, username="alice.wong")
        assert e.value.reason == "approval.required"
        with pytest.raises(iam.CallbackFailed):
            engine.get_user(tenant=TENANT, username="alice.wong", caller="crash")


def test_destroy_runs_once_per_port():
    gc.collect()
    before = len(_ports._registry)
    store = iam.DictStore()
    engine = iam.Engine(store=store, notifier=Outbox(), authorizer=lambda *a: True,
                        argon2="tests")
    assert len(_ports._registry) == before + 3
    engine.create_user(tenant=TENANT, username="alice.wong", generate_password=True)
    engine.close()
    assert len(_ports._registry) == before
    # A store shared by two engines lives until the last one closes.
    handle = _ports.HostStore(store)
    a = iam.Engine(authorizer="allow_all", store=handle, argon2="tests")
    b = iam.Engine(authorizer="allow_all", store=handle, argon2="tests")
    handle.close()
    a.close()
    assert len(_ports._registry) == before + 1
    assert b.get_user(tenant=TENANT, username="alice.wong").username == "alice.wong"
    b.close()
    assert len(_ports._registry) == before


def test_the_default_authorizer_is_the_policy_evaluator():
    store = iam.MemoryStore()
    with iam.Engine(store=store, authorizer="allow_all", argon2="tests") as setup:
        admin = setup.create_user(tenant=TENANT, username="admin01",
                                  policies=["AdministratorAccess"], generate_password=True).user
        reader = setup.create_user(tenant=TENANT, username="reader01",
                                   policies=["IAM ReadOnlyAccess"], generate_password=True).user
    with iam.Engine(store=store, argon2="tests") as engine:  # no authorizer named
        with pytest.raises(iam.Error) as e:
            engine.create_user(tenant=TENANT, username="anon01", generate_password=True)
        assert (e.value.code, e.value.reason) == (iam.Status.PERMISSION_DENIED,
                                                  "authorization.denied")
        made = engine.create_user(tenant=TENANT, username="bob01", generate_password=True,
                                  caller=iam.Principal(admin.id, TENANT))
        assert made.user.username == "bob01"
        assert engine.get_user(tenant=TENANT, username="bob01",
                               caller=(reader.id, TENANT)).id == made.user.id
        with pytest.raises(iam.Error) as e:
            engine.delete_user(tenant=TENANT, username="bob01", caller=(reader.id, TENANT))
        assert "iam:DeleteUser" in e.value.message
    with pytest.raises(ValueError):
        iam.Engine(authorizer="allow_everything")


def _pg_url() -> str:
    import os
    url = os.environ.get("IAM_TEST_PG_URL", "")
    assert url, "IAM_TEST_PG_URL is not set: scripts/test.sh starts the PostgreSQL server"
    return url


def test_postgres_store_by_url_and_by_class():
    import uuid
    url = _pg_url()
    name = "py.pg." + uuid.uuid4().hex[:12]
    with iam.Engine(authorizer="allow_all", store=url) as engine:
        created = engine.create_user(tenant=TENANT, username=name, email=name + "@example.com")
    store = iam.PostgresStore(url, pool_size=2)
    assert "postgres" not in repr(store).split("PostgresStore")[1]  # no conninfo (passwords)
    with iam.Engine(authorizer="allow_all", store=store) as engine:
        assert engine.get_user(tenant=TENANT, user=name).id == created.user.id
        with pytest.raises(iam.AlreadyExists) as e:
            engine.create_user(tenant=TENANT, username="x" + name, email=name + "@EXAMPLE.com")
        assert e.value.reason == "email.duplicate"


def test_store_locations_that_are_refused():
    with pytest.raises(ValueError, match="mysql"):
        iam.Engine(authorizer="allow_all", store="mysql://db/iam")
    with pytest.raises(iam.InvalidParameter) as e:
        iam.PostgresStore("postgresql://[::1/x")
    assert e.value.field == "store"
