"""End-to-end test of `iamctl serve` driven by the real `openstack` CLI.

The client is Debian's python3-openstackclient 6.0.0 (keystoneauth1 5.0.0,
python-keystoneclient 5.0.1), run as a subprocess exactly as a person would,
domain-scoped to IAM_TENANT with the admin's password. Run with
`/usr/bin/python3 -m pytest tests/e2e/test_openstack_client.py` under the
environment of tests/e2e/run.sh.

The user tests run in file order and share one user per run (create, show,
list, disable, duplicate, delete).
"""

import datetime
import json
import os
import shutil
import subprocess

import pytest

PASSWORD = "Summer-Breeze7"
OPENSTACK = shutil.which("openstack") or "/usr/bin/openstack"


def osc_env(iam_env, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(
        OS_AUTH_URL=iam_env["IAM_URL"] + "/v3",
        OS_IDENTITY_API_VERSION="3",
        OS_USERNAME=iam_env["IAM_ADMIN"],
        OS_PASSWORD=iam_env["IAM_PASSWORD"],
        OS_USER_DOMAIN_ID=iam_env["IAM_TENANT"],
        OS_DOMAIN_ID=iam_env["IAM_TENANT"],
        OS_INTERFACE="public",
    )
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def osc(iam_env, *args, env_overrides=None):
    """Runs `openstack ARGS`; returns the CompletedProcess."""
    cmd = [OPENSTACK, *args]
    proc = subprocess.run(cmd, env=osc_env(iam_env, **(env_overrides or {})), capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)
    proc.cmdline = " ".join(cmd)
    return proc


def osc_ok(iam_env, *args, env_overrides=None):
    proc = osc(iam_env, *args, env_overrides=env_overrides)
    assert proc.returncode == 0, (
        f"`{proc.cmdline}` exited {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def osc_json(iam_env, *args, env_overrides=None):
    proc = osc_ok(iam_env, *args, "-f", "json", env_overrides=env_overrides)
    try:
        return json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"`{proc.cmdline}` printed no JSON:\n{proc.stdout}\nstderr: {proc.stderr}")


def osc_fails(iam_env, *args, expect, env_overrides=None):
    proc = osc(iam_env, *args, env_overrides=env_overrides)
    assert proc.returncode != 0, (
        f"`{proc.cmdline}` succeeded but should have failed\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    assert expect in proc.stderr, (
        f"`{proc.cmdline}`: expected {expect!r} in stderr\nstderr: {proc.stderr}\nstdout: {proc.stdout}")
    assert "Traceback" not in proc.stderr, f"`{proc.cmdline}` crashed:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def user_name(run_suffix):
    return f"oscuser{run_suffix}"


@pytest.fixture(scope="module")
def state():
    return {}


# --- tokens -----------------------------------------------------------------


def test_token_issue(iam_env):
    tok = osc_json(iam_env, "token", "issue")
    assert tok.get("id"), tok
    assert tok.get("user_id") == iam_env["IAM_ADMIN_ID"], tok
    assert tok.get("domain_id") == iam_env["IAM_TENANT"], tok
    assert "project_id" not in tok, tok
    expires = datetime.datetime.strptime(tok["expires"], "%Y-%m-%dT%H:%M:%S%z")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert now < expires < now + datetime.timedelta(days=2), tok


def test_token_issue_domain_scope_by_name(iam_env):
    tok = osc_json(iam_env, "token", "issue", env_overrides={
        "OS_USER_DOMAIN_ID": None, "OS_DOMAIN_ID": None,
        "OS_USER_DOMAIN_NAME": iam_env["IAM_TENANT"], "OS_DOMAIN_NAME": iam_env["IAM_TENANT"]})
    assert tok.get("user_id") == iam_env["IAM_ADMIN_ID"], tok
    assert tok.get("domain_id") == iam_env["IAM_TENANT"], tok


def test_token_issue_wrong_password(iam_env):
    osc_fails(iam_env, "token", "issue", expect="(HTTP 401)",
              env_overrides={"OS_PASSWORD": iam_env["IAM_PASSWORD"] + "x"})


def test_token_issue_unknown_user(iam_env, run_suffix):
    osc_fails(iam_env, "token", "issue", expect="(HTTP 401)",
              env_overrides={"OS_USERNAME": f"nosuch{run_suffix}"})


def test_token_revoke(iam_env):
    tok = osc_json(iam_env, "token", "issue")
    osc_ok(iam_env, "token", "revoke", tok["id"])
    osc_fails(iam_env, "token", "revoke", tok["id"], expect="(HTTP 404)")


# --- users ------------------------------------------------------------------


def test_user_create(iam_env, user_name, state):
    user = osc_json(iam_env, "user", "create", user_name, "--password", PASSWORD)
    assert user.get("name") == user_name, user
    assert user.get("id"), user
    assert user.get("domain_id") == iam_env["IAM_TENANT"], user
    assert user.get("enabled") is True, user
    assert "password" not in user, user
    state["id"] = user["id"]


def test_user_show(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    user = osc_json(iam_env, "user", "show", user_name)
    assert user.get("id") == state["id"], user
    assert user.get("name") == user_name, user
    assert user.get("domain_id") == iam_env["IAM_TENANT"], user
    assert user.get("enabled") is True, user
    by_id = osc_json(iam_env, "user", "show", state["id"])
    assert by_id.get("name") == user_name, by_id


def test_user_list(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    users = osc_json(iam_env, "user", "list")
    assert isinstance(users, list), users
    assert {"ID": state["id"], "Name": user_name} in users, users
    assert sum(1 for u in users if u.get("Name") == user_name) == 1, users
    assert any(u.get("ID") == iam_env["IAM_ADMIN_ID"] for u in users), users
    in_domain = osc_json(iam_env, "user", "list", "--domain", iam_env["IAM_TENANT"])
    assert {"ID": state["id"], "Name": user_name} in in_domain, in_domain


def test_user_create_duplicate(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    osc_fails(iam_env, "user", "create", user_name, "--password", PASSWORD, expect="(HTTP 409)")
    users = osc_json(iam_env, "user", "list")
    assert sum(1 for u in users if u.get("Name") == user_name) == 1, users


def test_user_set_disable(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    osc_ok(iam_env, "user", "set", "--disable", user_name)
    user = osc_json(iam_env, "user", "show", user_name)
    assert user.get("enabled") is False, user
    assert user.get("id") == state["id"], user


def test_disabled_user_cannot_get_token(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    osc_fails(iam_env, "token", "issue", expect="(HTTP 401)",
              env_overrides={"OS_USERNAME": user_name, "OS_PASSWORD": PASSWORD})


def test_user_delete(iam_env, user_name, state):
    assert state.get("id"), "needs test_user_create"
    osc_ok(iam_env, "user", "delete", user_name)
    osc_fails(iam_env, "user", "show", user_name,
              expect=f"No user with a name or ID of '{user_name}' exists.")
    users = osc_json(iam_env, "user", "list")
    assert all(u.get("Name") != user_name for u in users), users


def test_user_create_in_domain_and_login(iam_env, run_suffix):
    """`--domain` makes the client resolve the domain (GET /v3/domains/{id});
    the new user then logs in with its own password."""
    name = f"oscdom{run_suffix}"
    user = osc_json(iam_env, "user", "create", name, "--password", PASSWORD,
                    "--domain", iam_env["IAM_TENANT"], "--description", "osc e2e")
    try:
        assert user.get("name") == name, user
        assert user.get("domain_id") == iam_env["IAM_TENANT"], user
        assert user.get("description") == "osc e2e", user
        tok = osc_json(iam_env, "token", "issue",
                       env_overrides={"OS_USERNAME": name, "OS_PASSWORD": PASSWORD, "OS_DOMAIN_ID": None})
        # With no scope requested, keystoneauth asks for an unscoped token.
        assert tok.get("user_id") == user["id"], tok
    finally:
        osc(iam_env, "user", "delete", user["id"])
    osc_fails(iam_env, "user", "show", user["id"], expect="No user with a name or ID of")
