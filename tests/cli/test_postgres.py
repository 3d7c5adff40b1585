# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iamctl --db with a PostgreSQL connection string (the server: $IAM_TEST_PG_URL,
started by scripts/test.sh): the host key every replica shares comes from
IAM_HOST_KEY_FILE, and two iamctl processes see one set of users."""

import os
import uuid


def _pg_url():
    url = os.environ.get("IAM_TEST_PG_URL", "")
    assert url, "IAM_TEST_PG_URL is not set: scripts/test.sh starts the PostgreSQL server"
    return url


def test_iamctl_on_postgres(cli, tmp_path):
    cli.db = _pg_url()
    # No host key: refused before anything is written, with the variables named.
    code, out, p = cli.run("create-user", "--tenant", "pg", "--username", "nobody.here")
    assert code == 1 and out["error"]["reason"] == "host_key.missing", p.stdout
    assert "IAM_HOST_KEY_FILE" in out["error"]["message"]

    cli.env["IAM_HOST_KEY_FILE"] = str(tmp_path / "shared.key")
    name = "cli.pg." + uuid.uuid4().hex[:10]
    user = cli.ok("create-user", "--tenant", "pg", "--username", name,
                  "--generate-password", "--client-token", name)["user"]
    assert os.stat(tmp_path / "shared.key").st_mode & 0o777 == 0o600
    again = cli.ok("create-user", "--tenant", "pg", "--username", name,
                   "--generate-password", "--client-token", name)
    assert again["user"]["id"] == user["id"] and "generated_password" not in again
    got = cli.ok("get-user", "--tenant", "pg", "--username", name.upper())["user"]
    assert got["id"] == user["id"]
