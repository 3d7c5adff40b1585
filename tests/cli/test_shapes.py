# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""One shape per object on every surface: what iamctl prints and what the C ABI
returns (read here through the Python package) come from one renderer. A group
from iamctl used to lack kind, tenant and created_at; batch errors differed in
code, field and index."""
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings" / "python"))


@pytest.fixture
def c_engine():
    if not os.environ.get("IAM_LIBRARY"):
        pytest.fail("set IAM_LIBRARY to the built libiam.so (scripts/test.sh does)")
    import iam  # noqa: E402 - needs IAM_LIBRARY

    engine = iam.Engine(authorizer="allow_all", profile="huawei")
    raw = []
    call = engine._call_string

    def spy(fn, *args):  # keeps every JSON text the C ABI returned
        text = call(fn, *args)
        raw.append(text)
        return text

    engine._call_string = spy
    yield engine, raw
    engine.close()


def shape(value):
    """The keys of every object, recursively, without the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value[:1]]
    return type(value).__name__ if value is not None else "null"


def test_a_group_has_one_shape(cli, c_engine):
    engine, raw = c_engine
    from_cli = cli.ok("create-group", "--tenant", "t1", "--name", "Developers")["group"]
    engine.create_group(tenant="t1", name="Developers")
    from_c = json.loads(raw[-1])
    assert set(from_cli) == set(from_c) >= {"kind", "tenant", "id", "name", "created_at"}
    assert shape(from_cli) == shape(from_c)


def test_a_batch_error_has_one_shape(cli, c_engine, tmp_path):
    engine, raw = c_engine
    users = [{"username": "alice.wong", "password_mode": "generated"},
             {"username": "ALICE.WONG", "password_mode": "generated"}]
    batch = tmp_path / "users.json"
    batch.write_text(json.dumps(users))
    code, from_cli, _ = cli.run("batch-create-users", "--tenant", "t1", "--file", str(batch))
    assert code == 1 and from_cli["committed"] is False
    engine.batch_create_users([dict(tenant="t1", **u) for u in users])
    from_c = json.loads(raw[-1])
    assert from_c["committed"] is False
    for a, b in zip(from_cli["items"], from_c["items"]):
        assert shape(a) == shape(b)
        assert a["error"]["reason"] == b["error"]["reason"]
        assert a["index"] == b["index"]
    assert from_cli["items"][1]["error"]["reason"] == "username.duplicate"
    assert set(from_cli["items"][1]["error"]) == {"code", "reason", "field", "http_status",
                                                 "provider_code", "message"}
