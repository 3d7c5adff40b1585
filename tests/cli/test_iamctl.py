# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iamctl's relied-on interface: commands, JSON shapes and exit codes."""
import glob
import json
import os
import re
import subprocess

import pytest


def test_check_username_valid_and_invalid(cli):
    code, out, _ = cli.run("check-username", "alice.wong")
    assert code == 0 and out == {"valid": True, "violations": []}
    code, out, _ = cli.run("check-username", "1al")
    assert code == 1 and out["valid"] is False
    reasons = [v["reason"] for v in out["violations"]]
    assert reasons == ["username.too_short", "username.leading_digit"]
    assert all(v["field"] == "username" and v["message"] for v in out["violations"])
    code, out, _ = cli.run("check-username", "user@example.com", profile="alibaba")
    assert code == 0


def test_check_password_lists_every_violation_and_reads_stdin(cli):
    code, out, _ = cli.run("check-password", "--username", "A12345", "54321a")
    assert code == 1
    assert [v["reason"] for v in out["violations"]] == ["password.reversed_username"]
    code, out, _ = cli.run("check-password", "--email", "a@b.cd", "--phone", "13800000000",
                           "-", stdin="x13800000000a@b.cd\n")
    assert code == 1
    assert [v["reason"] for v in out["violations"]] == ["password.contains_email",
                                                        "password.contains_phone"]
    code, out, _ = cli.run("check-password", "-", stdin="Summer-Breeze7\n")
    assert code == 0 and out["valid"] is True


def test_generate_password_respects_profile_and_length(cli):
    code, _, p = cli.run("generate-password")
    assert code == 0 and len(p.stdout.strip()) == 10
    code, _, p = cli.run("generate-password", "--length", "20", profile="tencent")
    pw = p.stdout.strip()
    assert code == 0 and len(pw) == 20
    assert re.search("[A-Z]", pw) and re.search("[a-z]", pw) and re.search("[0-9]", pw)
    code, out, _ = cli.run("generate-password", "--length", "5")
    assert code == 1 and out["error"]["field"] == "length"


def test_policies_end_to_end(cli, tmp_path):
    document = ('{"Version":"1","Statement":[{"Effect":"Allow","Action":["iam:GetUser"],'
                '"Resource":"*"}]}')
    created = cli.ok("create-policy", "--tenant", "acme", "--name", "UserReaders",
                     "--document", document)["policy"]
    assert (created["type"], created["version"], created["document"]) == ("custom", 1, document)
    names = [p["name"] for p in cli.ok("list-policies", "--tenant", "acme")["policies"]]
    assert names == ["AdministratorAccess", "Security Administrator", "IAM ReadOnlyAccess",
                     "UserReaders"]
    code, out, _ = cli.run("create-policy", "--tenant", "acme", "--name", "Broken", "--document",
                           '{"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}')
    assert code == 1 and out["error"]["field"] == "document.Statement[0].Action"
    path = tmp_path / "deny.json"
    path.write_text('{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')
    edited = cli.ok("update-policy", "--tenant", "acme", "--name", "userreaders",
                    "--document", "@" + str(path), "--expected-version", "1")["policy"]
    assert edited["version"] == 2 and '"Deny"' in edited["document"]
    code, out, _ = cli.run("update-policy", "--tenant", "acme", "--name", "UserReaders",
                           "--description", "late", "--expected-version", "1")
    assert code == 1 and out["error"]["reason"] == "policy.version_conflict"
    group = cli.ok("create-group", "--tenant", "acme", "--name", "Readers",
                   "--policy", "UserReaders")["group"]
    assert group["policies"] == ["UserReaders"]
    code, out, _ = cli.run("delete-policy", "--tenant", "acme", "--name", "UserReaders")
    assert code == 1 and out["error"]["reason"] == "policy.in_use"
    assert cli.ok("update-group", "--tenant", "acme", "--name", "readers",
                  "--clear-policies")["group"]["policies"] == []
    assert cli.ok("delete-policy", "--tenant", "acme", "--name", "UserReaders") == {
        "deleted": "UserReaders"}
    code, out, _ = cli.run("get-policy", "--tenant", "acme", "--name", "UserReaders")
    assert code == 1 and out["error"]["reason"] == "policy.not_found"
    assert cli.ok("get-policy", "--tenant", "acme", "--name", "AdministratorAccess")["policy"][
        "type"] == "system"
    code, out, _ = cli.run("delete-policy", "--tenant", "acme", "--name", "AdministratorAccess")
    assert code == 1 and out["error"]["reason"] == "policy.read_only"


def test_usage_errors_exit_2(cli):
    assert cli.run("check-username")[0] == 2
    assert cli.run("no-such-command")[0] == 2
    assert cli.run("check-username", "--bogus", "x")[0] == 2
    assert cli.run("check-username", "x", profile="nope")[0] == 2
    assert cli.run("create-user", "--tenant", "t")[0] == 2


def test_create_user_end_to_end(cli):
    assert cli.ok("create-group", "--tenant", "acme", "--name", "Developers")["group"]["name"] == \
        "Developers"
    ou = cli.ok("create-ou", "--tenant", "acme", "--name", "Engineering")["ou"]
    out = cli.ok("create-user", "--tenant", "acme", "--username", "alice.wong",
                 "--email", "alice@example.com", "--generate-password", "--access-key",
                 "--group", "developers", "--primary-ou", ou["id"], "--client-token", "k1")
    user = out["user"]
    assert re.fullmatch("[0-9a-f]{32}", user["id"])
    assert user["name"] == "alice.wong" and user["password_reset_required"] is True
    assert user["password_expires_at"] is None
    assert user["links"]["self"].endswith("/v3/users/" + user["id"])
    assert len(out["generated_password"]) == 10
    assert re.fullmatch("[A-Z0-9]{20}", out["access_key"]["id"])
    assert len(out["access_key"]["secret"]) == 40
    got = cli.ok("get-user", "--tenant", "acme", "--username", "ALICE.WONG")["user"]
    assert got["id"] == user["id"] and "generated_password" not in got
    # Same client token, same request: the first user, without secrets.
    again = cli.ok("create-user", "--tenant", "acme", "--username", "alice.wong",
                   "--email", "alice@example.com", "--generate-password", "--access-key",
                   "--group", "developers", "--primary-ou", ou["id"], "--client-token", "k1")
    assert again["replayed"] is True and again["user"]["id"] == user["id"]
    assert "generated_password" not in again and "secret" not in again["access_key"]
    code, err, _ = cli.run("create-user", "--tenant", "acme", "--username", "Alice.Wong",
                           "--generate-password")
    assert code == 1
    assert err["error"]["reason"] == "username.duplicate"
    assert err["error"]["http_status"] == 409 and err["error"]["field"] == "username"
    assert set(err["error"]) == {"code", "reason", "field", "http_status", "provider_code",
                                 "message"}


def test_alibaba_duplicate_is_403_resource_duplicated(cli):
    cli.ok("create-ou", "--tenant", "idaas1", "--name", "root", profile="alibaba")
    args = ["create-user", "--tenant", "idaas1", "--username", "user_001", "--primary-ou",
            "root", "--generate-password"]
    cli.ok(*args, profile="alibaba")
    code, err, _ = cli.run(*args, profile="alibaba")
    assert code == 1
    assert err["error"]["http_status"] == 403
    assert err["error"]["provider_code"] == "ResourceDuplicated.Username"


def test_batch_is_atomic(cli, tmp_path):
    good = tmp_path / "good.json"
    good.write_text('[{"username": "u.one", "password_mode": "generated"},'
                    ' {"username": "u.two", "password_mode": "generated"}]')
    out = cli.ok("batch-create-users", "--tenant", "t", "--file", str(good))
    assert out["committed"] is True and len(out["items"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('[{"username": "u.three", "password_mode": "generated"},'
                   ' {"username": "U.ONE", "password_mode": "generated"}]')
    code, out, _ = cli.run("batch-create-users", "--tenant", "t", "--file", str(bad))
    assert code == 1 and out["committed"] is False
    assert out["items"][1]["error"]["reason"] == "username.duplicate"
    assert cli.run("get-user", "--tenant", "t", "--username", "u.three")[0] == 1


def test_lifecycle_commands(cli):
    cli.ok("create-user", "--tenant", "t", "--username", "alice.wong", "--email",
           "alice@example.com", "--phone-region", "86", "--phone", "13800000000",
           "--password", "-", "--no-reset", stdin="Summer-Breeze7\n")
    assert cli.ok("login", "--tenant", "t", "--identifier", "alice@example.com",
                  "--password", "-", stdin="Summer-Breeze7\n")["outcome"] == "success"
    code, out, _ = cli.run("login", "--tenant", "t", "--identifier", "+86 13800000000",
                           "--password", "-", stdin="wrong-Pass1\n")
    assert code == 1 and out == {"outcome": "bad_credentials", "user_id": None,
                                 "locked_until": None}
    user = cli.ok("get-user", "--tenant", "t", "--username", "alice.wong")["user"]
    updated = cli.ok("update-user", "--tenant", "t", "--id", user["id"], "--version",
                     str(user["version"]), "--display-name", "Alice",
                     "--sms-login-verification", "on")["user"]
    assert updated["display_name"] == "Alice" and updated["version"] == user["version"] + 1
    code, out, _ = cli.run("update-user", "--tenant", "t", "--id", user["id"], "--version",
                           str(user["version"]), "--description", "stale")
    assert code == 1 and out["error"]["reason"] == "user.version_conflict"
    listed = cli.ok("list-users", "--tenant", "t", "--prefix", "ali")
    assert [u["name"] for u in listed["users"]] == ["alice.wong"]
    assert listed["next_page_token"] is None
    cli.ok("change-password", "--tenant", "t", "--username", "alice.wong", "--old", "-",
           "--new", "-", stdin="Summer-Breeze7\nAutumn-Leaves8\n")
    key = cli.ok("create-access-key", "--tenant", "t", "--username", "alice.wong")["access_key"]
    assert cli.ok("verify-access-key", "--id", key["id"], "--secret", "-",
                  stdin=key["secret"] + "\n")["valid"] is True
    code, out, _ = cli.run("verify-access-key", "--id", key["id"], "--secret", "-",
                           stdin="x" * 40 + "\n")
    assert code == 1 and out["valid"] is False
    keys = cli.ok("list-access-keys", "--tenant", "t", "--username", "alice.wong")
    assert [k["id"] for k in keys["access_keys"]] == [key["id"]]
    assert "secret" not in keys["access_keys"][0]
    cli.ok("update-access-key", "--tenant", "t", "--id", key["id"], "--disable")
    assert cli.run("verify-access-key", "--id", key["id"], "--secret", "-",
                   stdin=key["secret"] + "\n")[0] == 1
    cli.ok("delete-access-key", "--tenant", "t", "--id", key["id"])
    # Reset by SMS: the token arrives through the notifier, then completes the reset.
    assert "reset" in cli.ok("reset-password", "--tenant", "t", "--identifier",
                             "nobody@example.com")
    cli.ok("reset-password", "--tenant", "t", "--identifier", "alice.wong", "--channel", "sms")
    sent = [n for n in cli.notifications() if n["kind"] == "password_reset"]
    assert sent and sent[-1]["channel"] == "sms"
    token = re.search("token=([A-Za-z0-9_-]+)", sent[-1]["body"]).group(1)
    cli.ok("reset-password", "--token", "-", "--password", "-",
           stdin=token + "\nWinter-Snow99\n")
    assert cli.ok("login", "--tenant", "t", "--identifier", "alice.wong", "--password", "-",
                  stdin="Winter-Snow99\n")["outcome"] == "success"
    deleted = cli.ok("delete-user", "--tenant", "t", "--username", "alice.wong")
    assert deleted["deleted"]["id"] == user["id"]
    cli.ok("create-user", "--tenant", "t", "--username", "alice.wong", "--generate-password")


def test_login_link_flow(cli):
    cli.ok("create-user", "--tenant", "t", "--username", "bob.smith", "--email",
           "bob@example.com", "--login-link")
    link = [n for n in cli.notifications() if n["kind"] == "login_link"][-1]
    assert link["recipient"] == "bob@example.com"
    token = re.search("token=([A-Za-z0-9_-]+)", link["body"]).group(1)
    cli.ok("redeem-link", "--token", token, "--password", "-", stdin="Spring-Rain42\n")
    assert cli.ok("login", "--tenant", "t", "--identifier", "bob.smith", "--password", "-",
                  stdin="Spring-Rain42\n")["outcome"] == "success"
    code, out, _ = cli.run("redeem-link", "--token", token, "--password", "-",
                           stdin="Spring-Rain43\n")
    assert code == 1 and out["error"]["reason"] == "token.invalid"


def test_sqlite_file_holds_no_plaintext_secret(cli):
    """Every secret iamcore made or was given, searched for in the database files."""
    secrets = ["Summer-Breeze7"]
    cli.ok("create-user", "--tenant", "t", "--username", "manual.user", "--password", "-",
           stdin="Summer-Breeze7\n")
    out = cli.ok("create-user", "--tenant", "t", "--username", "gen.user", "--email",
                 "gen@example.com", "--generate-password", "--access-key", "--notify", "email")
    secrets += [out["generated_password"], out["access_key"]["secret"]]
    cli.ok("create-user", "--tenant", "t", "--username", "link.user", "--email",
           "link@example.com", "--login-link")
    cli.ok("reset-password", "--tenant", "t", "--identifier", "manual.user")  # no email: nothing
    cli.ok("reset-password", "--tenant", "t", "--identifier", "gen@example.com")
    for n in cli.notifications():
        m = re.search("token=([A-Za-z0-9_-]+)", n["body"])
        if m:
            secrets.append(m.group(1))
    assert len(secrets) == 5, secrets  # password, generated, key secret, link, reset token
    files = glob.glob(cli.db + "*")
    assert cli.db in files
    blob = b"".join(open(f, "rb").read() for f in files if not f.endswith(".key"))
    assert b"manual.user" in blob  # the search does see the data
    for s in secrets:
        assert s.encode() not in blob, "plaintext secret found in the database"


# Every command with options its --help must mention (positionals by name).
COMMAND_OPTIONS = {
    "check-username": ["NAME"],
    "check-password": ["--username", "--email", "--phone", "--blocklist", "PASSWORD"],
    "generate-password": ["--length", "--blocklist"],
    "create-user": ["--tenant", "--username", "--generate-password", "--password", "--login-link",
                    "--email", "--email-verified", "--group", "--custom-field", "--notify",
                    "--quick", "--client-token", "--no-reset"],
    "batch-create-users": ["--tenant", "--file"],
    "get-user": ["--tenant", "--username", "--id"],
    "create-group": ["--tenant", "--name", "--description", "--policy"],
    "get-group": ["--tenant", "--name"],
    "list-groups": ["--tenant", "--keyword"],
    "update-group": ["--tenant", "--name", "--description", "--policy", "--clear-policies",
                     "--expected-version"],
    "delete-group": ["--tenant", "--name"],
    "create-ou": ["--tenant", "--name", "--description"],
    "get-ou": ["--tenant", "--name"],
    "list-ous": ["--tenant", "--keyword"],
    "delete-ou": ["--tenant", "--name"],
    "create-custom-field": ["--tenant", "--name", "--type", "--max-length", "--allowed-value",
                            "--pattern"],
    "get-custom-field": ["--tenant", "--name"],
    "list-custom-fields": ["--tenant", "--keyword"],
    "delete-custom-field": ["--tenant", "--name"],
    "create-policy": ["--tenant", "--name", "--description", "--document"],
    "get-policy": ["--tenant", "--name"],
    "list-policies": ["--tenant", "--keyword"],
    "update-policy": ["--tenant", "--name", "--description", "--document", "--expected-version"],
    "delete-policy": ["--tenant", "--name"],
    "dispatch-outbox": [],
    "events": ["--tenant", "--user-id", "--action", "--since", "--until", "--limit",
               "--page-token"],
    "prune-events": ["--keep-days"],
    "dead-letters": ["--limit"],
    "redrive": ["--id"],
    "list-users": ["--tenant", "--prefix", "--group", "--ou", "--enabled", "--page-size",
                   "--page-token"],
    "update-user": ["--tenant", "--username", "--id", "--version", "--enable", "--disable",
                    "--display-name", "--email", "--group", "--clear-groups", "--custom-field",
                    "--clear-custom-fields", "--sms-login-verification", "--require-reset"],
    "delete-user": ["--tenant", "--username", "--id", "--version"],
    "login": ["--tenant", "--identifier", "--password"],
    "redeem-link": ["--token", "--password"],
    "reset-password": ["--tenant", "--identifier", "--channel", "--token", "--password"],
    "change-password": ["--tenant", "--username", "--id", "--old", "--new"],
    "create-access-key": ["--tenant", "--username", "--id"],
    "list-access-keys": ["--tenant", "--username", "--id"],
    "update-access-key": ["--tenant", "--id", "--enable", "--disable"],
    "delete-access-key": ["--tenant", "--id"],
    "verify-access-key": ["--id", "--secret"],
    "password-policy": ["--tenant", "--set"],
    "import": ["FILE", "--tenant", "--format", "--jobs", "--batch-size", "--report", "--secrets",
               "--quiet"],
    "serve": ["--listen", "--public-url", "--access-log", "--max-body", "--timeout",
              "--session-ttl", "--audit-retention-days", "--signature-skew", "--threads"],
    "bootstrap": ["--tenant", "--admin"],
    "scim-token": ["ACTION", "--tenant", "--user", "--policy", "--ttl-days"],
    "help": ["COMMAND"],
}


def mentions(text, word):
    """`word` as a whole option name: --id is not found in --identifier."""
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


def listed_commands(help_text):
    """The command names of the list that `iamctl --help` prints under "Commands:"."""
    lines = help_text.splitlines()
    start = lines.index("Commands:") + 1
    names = []
    for line in lines[start:]:
        m = re.match(r"\s+([a-z][a-z-]*)(\s|$)", line)
        if not m:
            break
        names.append(m.group(1))
    return names


def test_help_lists_every_command(cli):
    code, _, p = cli.run("--help")
    assert code == 0 and p.stderr == ""
    assert listed_commands(p.stdout) == list(COMMAND_OPTIONS)
    code, _, q = cli.run("help")
    assert code == 0 and q.stdout == p.stdout


@pytest.mark.parametrize("command", list(COMMAND_OPTIONS))
def test_command_help_exits_0_with_its_options(cli, command):
    code, _, p = cli.run(command, "--help")
    assert code == 0, p.stderr
    assert p.stderr == ""
    assert mentions(p.stdout, command)
    for option in COMMAND_OPTIONS[command]:
        assert mentions(p.stdout, option), (command, option, p.stdout)
    assert cli.run("help", command)[2].stdout == p.stdout


def assert_usage_error(p, code, *named):
    """Exit 2, nothing on stdout; stderr is one reason line naming `named`, then one usage line."""
    assert code == 2, (p.stdout, p.stderr)
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 2, p.stderr
    reason, usage = lines
    assert reason.startswith("iamctl"), reason  # a reason, not just the usage line
    for word in named:
        assert mentions(reason, word), (word, reason)
    assert usage.startswith("usage: iamctl"), usage
    return reason, usage


USAGE_ERRORS = [
    (["delete-access-key", "--tenant", "t1"], ["--id"]),
    (["list-users", "--tenant", "t", "--page-size", "abc"], ["--page-size"]),
    (["list-users", "--tenant", "t", "--page-size", "0"], ["--page-size"]),
    (["list-users", "--tenant", "t", "--page-size", "1001"], ["--page-size"]),
    (["get-user", "--tenant", "t"], ["--username", "--id"]),
    (["get-user", "--tenant", "t", "--username", "a", "--id", "b"], ["--username", "--id"]),
    (["update-user", "--tenant", "t", "--username", "alice", "--version", "-5"], ["--version"]),
    (["update-user", "--tenant", "t", "--username", "alice", "--version", "abc"], ["--version"]),
    (["delete-user", "--tenant", "t", "--username", "alice", "--version", "0"], ["--version"]),
    (["create-user", "--tenant", "a", "--tenant", "b", "--username", "alice.wong",
      "--generate-password"], ["--tenant"]),
    (["create-user", "--tenant", "t", "--username", "alice.wong", "--password", "-",
      "--generate-password"], ["--password", "--generate-password"]),
    (["update-access-key", "--tenant", "t", "--id", "AK"], ["--enable", "--disable"]),
    (["--bogus", "check-username", "alice.wong"], ["--bogus"]),
    (["check-username", "alice.wong", "extra"], ["extra"]),
    (["no-such-command"], ["no-such-command"]),
]


@pytest.mark.parametrize("args,named", USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_errors_name_the_problem(cli, args, named):
    code, _, p = cli.run(*args)
    _, usage = assert_usage_error(p, code, *named)
    command = next(a for a in args if not a.startswith("-"))
    if command in COMMAND_OPTIONS:
        assert usage.startswith("usage: iamctl " + command + " ")


def test_unknown_option_and_profile_are_named(cli):
    code, _, p = cli.run("create-user", "--tenant", "t", "--username", "alice.wong",
                         "--generate-password", "--bogus")
    assert_usage_error(p, code, "--bogus")
    code, _, p = cli.run("check-username", "alice.wong", profile="nosuch")
    assert_usage_error(p, code, "--profile", "nosuch")
    code, _, p = cli.run()
    reason, _ = assert_usage_error(p, code)
    assert "no command" in reason


def test_command_option_before_the_command_is_not_taken_for_a_value(cli):
    code, out, p = cli.run("--quick", "create-user", "--tenant", "t", "--username", "alice.wong",
                           "--generate-password")
    assert "no command given" not in p.stderr
    if code == 0:
        assert "AdministratorAccess" in out["user"]["policies"]
    else:
        assert_usage_error(p, code, "--quick")


def test_global_options_after_the_command(cli):
    def run(*args):
        return subprocess.run([cli.path] + list(args), capture_output=True, text=True,
                              env=cli.env, cwd=cli.workdir, timeout=60)

    p = run("create-ou", "--tenant", "idaas1", "--name", "root", "--db", cli.db,
            "--profile", "alibaba")
    assert p.returncode == 0, p.stderr
    p = run("create-user", "--tenant", "idaas1", "--username", "user_001", "--primary-ou", "root",
            "--generate-password", "--db", cli.db, "--profile", "alibaba")
    assert p.returncode == 0, p.stderr
    user = json.loads(p.stdout)["user"]
    assert re.fullmatch("user_[a-z2-7]{26}", user["id"]), user["id"]  # alibaba's id format
    got = cli.ok("get-user", "--tenant", "idaas1", "--username", "user_001", profile="alibaba")
    assert got["user"]["id"] == user["id"]  # and it went to --db
    # Before and after the command it is one option: given twice, refused.
    p = run("--db", cli.db, "get-user", "--tenant", "idaas1", "--username", "user_001",
            "--db", cli.db + ".other")
    assert_usage_error(p, p.returncode, "--db")


BATCH_ERRORS = [
    ({"username": "u.one", "pasword": "Summer-Breeze7", "password_mode": "manual"},
     "batch.unknown_field", "users[0].pasword"),
    ({"username": "u.one", "email": "u@example.com", "email_verified": "yes"},
     "batch.invalid_type", "users[0].email_verified"),
    ({"username": "u.one", "groups": ["developers", 7]}, "batch.invalid_type",
     "users[0].groups[1]"),
    ({"username": ["u.one"]}, "batch.invalid_type", "users[0].username"),
]


@pytest.mark.parametrize("user,reason,field", BATCH_ERRORS, ids=[f for _, _, f in BATCH_ERRORS])
def test_batch_file_refuses_unknown_keys_and_wrong_types(cli, tmp_path, user, reason, field):
    path = tmp_path / "users.json"
    path.write_text(json.dumps([user]))
    code, out, p = cli.run("batch-create-users", "--tenant", "t", "--file", str(path))
    assert code == 1, p.stdout
    error = out["error"]
    assert set(error) == {"code", "reason", "field", "http_status", "provider_code", "message"}
    assert error["reason"] == reason and error["field"] == field
    assert field in error["message"]
    assert cli.ok("list-users", "--tenant", "t")["users"] == []


def test_host_key_file_open_to_others_is_refused(cli):
    """A <db>.key others can read opens every sealed secret (it used to be used silently)."""
    cli.ok("create-group", "--tenant", "t1", "--name", "Developers")
    key = cli.db + ".key"
    assert os.stat(key).st_mode & 0o777 == 0o600
    os.chmod(key, 0o644)
    code, out, p = cli.run("list-groups", "--tenant", "t1")
    assert code == 1
    assert out["error"]["reason"] == "host_key.file_exposed"
    assert out["error"]["field"] == "host_key" and "0644" in out["error"]["message"]
    os.chmod(key, 0o600)
    assert cli.ok("list-groups", "--tenant", "t1")["groups"][0]["name"] == "Developers"


def test_password_policy_is_kept_in_the_store_and_applies_to_the_next_process(cli):
    shown = cli.ok("password-policy", "--tenant", "t1")["password_policy"]
    assert shown["minimum_password_length"] == 6 and shown["password_not_username_or_invert"]
    changed = cli.ok("password-policy", "--tenant", "t1", "--set", "minimum_password_length=12",
                     "--set", "password_validity_period=90")["password_policy"]
    assert changed["minimum_password_length"] == 12 and changed["password_validity_period"] == 90
    # Another process (another engine) reads it from the database.
    assert cli.ok("password-policy", "--tenant", "t1")["password_policy"] == changed
    code, out, _ = cli.run("create-user", "--tenant", "t1", "--username", "shorty01",
                           "--password", "-", stdin="Short-Pw7!\n")
    assert code == 1 and out["error"]["reason"] == "password.too_short", out
    # Another tenant keeps the profile's policy.
    other = cli.ok("password-policy", "--tenant", "t2")["password_policy"]
    assert other["minimum_password_length"] == 6
    # Bad settings are refused by name, and nothing changes.
    for setting, field in (("password_validity_period=181", "password_policy.password_validity_period"),
                           ("blocklist=false", "password_policy.blocklist"),
                           ("minimum_password_length=twelve", "--set")):
        code, out, _ = cli.run("password-policy", "--tenant", "t1", "--set", setting)
        assert code == 1 and out["error"]["field"] == field, (setting, out)
    assert cli.ok("password-policy", "--tenant", "t1")["password_policy"] == changed
