# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iamctl's relied-on interface: commands, JSON shapes and exit codes."""
import glob
import re


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
