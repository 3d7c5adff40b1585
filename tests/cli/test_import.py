# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""iamctl import: the report, the secrets file, foreign hashes and resuming
after the process is killed mid-way."""
import csv
import json
import os
import signal
import sqlite3
import stat
import subprocess
import time

# passlib 1.7.4 (builtin bcrypt) and hashlib made these of "Tr0ub4dor&3".
BCRYPT = "$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS"
DJANGO = "pbkdf2_sha256$1000$jahbHLsxN9ym$6pyioVXdth5EmUCU0LlAhEqs3ZfSoPxAFu5ZVsNdYlA="


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def user_count(db):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    finally:
        con.close()


def test_report_secrets_and_foreign_hashes(cli, tmp_path):
    users = write(tmp_path / "users.csv",
                  "\ufeffusername,email,password_mode,password_hash,access_key,groups\r\n"
                  "ann.lee,ann@example.com,generated,,,\r\n"
                  "ben.ng,,,%s,,\r\n"
                  "cat.wu,,,%s,true,\r\n"
                  "1bad.user,,generated,,,\r\n"
                  "dan.ho,not-an-email,generated,,,\r\n"
                  "eve.li,,none,,,nosuchgroup\r\n"
                  "\"fay, po\",,generated,,,\r\n" % (BCRYPT, DJANGO))
    report, secrets = tmp_path / "report.csv", tmp_path / "secrets.csv"
    code, out, p = cli.run("import", str(users), "--tenant", "t", "--report", str(report),
                           "--secrets", str(secrets), "--jobs", "2")
    assert code == 1, p.stderr  # some rows failed
    assert out == {**out, "rows": 7, "created": 3, "already_present": 0, "failed": 4}
    with open(report, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["row"], r["field"], r["reason"]) for r in rows] == [
        ("4", "username", "username.leading_digit"),
        ("5", "email", "email.invalid_format"),
        ("6", "groups[0]", "group.not_found"),
        ("7", "username", "username.invalid_character"),
    ]
    assert rows[3]["username"] == "fay, po"
    # The secrets file: mode 0600, one generated password and one key pair.
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    with open(secrets, newline="") as f:
        got = {r["username"]: r for r in csv.DictReader(f)}
    assert set(got) == {"ann.lee", "cat.wu"}
    assert got["ann.lee"]["password"] and not got["ann.lee"]["access_key_id"]
    assert got["cat.wu"]["access_key_id"] and got["cat.wu"]["access_key_secret"]
    for secret in (got["ann.lee"]["password"], got["cat.wu"]["access_key_secret"]):
        assert secret not in p.stdout and secret not in p.stderr
    # A generated password opens the account, which asks for a new one first.
    code, out, _ = cli.run("login", "--tenant", "t", "--identifier", "ann.lee", "--password", "-",
                           stdin=got["ann.lee"]["password"] + "\n")
    assert out["outcome"] == "reset_required", out
    # Foreign hashes log in with the old password, once rehashed to Argon2id.
    for name in ("ben.ng", "cat.wu"):
        assert cli.ok("login", "--tenant", "t", "--identifier", name, "--password", "-",
                      stdin="Tr0ub4dor&3\n")["outcome"] == "success"
    con = sqlite3.connect(cli.db)
    hashes = [h for (h,) in con.execute("SELECT password_hash FROM users")]
    con.close()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes if h)

    # The same file again without a secrets file: the rows an earlier run
    # created are already present; nothing is created or lost.
    code, out, _ = cli.run("import", str(users), "--tenant", "t", "--quiet")
    assert code == 1 and (out["created"], out["already_present"], out["failed"]) == (0, 3, 4)

    # Without a secrets file, a row asking for a secret is refused, not lost.
    code, out, _ = cli.run("import", str(write(tmp_path / "more.jsonl",
                                               '{"username": "gus.ma", "access_key": true}\n')),
                           "--tenant", "t", "--quiet")
    assert code == 1 and out["failed"] == 1 and out["created"] == 0


def test_resume_after_sigkill_creates_nothing_twice_and_leaves_no_gap(cli, tmp_path):
    rows = 20000
    users = tmp_path / "users.jsonl"
    with open(users, "w") as f:
        for i in range(rows):
            f.write(json.dumps({"username": "user.%d" % i, "email": "user%d@example.com" % i})
                    + "\n")
    argv = [cli.path, "--db", cli.db, "import", str(users), "--tenant", "t", "--batch-size", "50"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env,
                            cwd=cli.workdir)
    try:
        deadline = time.monotonic() + 60
        killed_at = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                killed_at = user_count(cli.db)
            except sqlite3.OperationalError:
                killed_at = 0  # the schema is not there yet
            if killed_at >= 1000:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    before = user_count(cli.db)
    assert 1000 <= before < rows
    code, out, p = cli.run("import", str(users), "--tenant", "t", "--batch-size", "50")
    assert code == 0, p.stderr
    print("killed after %d of %d users; the rerun found %d and created %d"
          % (before, rows, out["already_present"], out["created"]))
    assert out["rows"] == rows and out["failed"] == 0
    assert out["already_present"] == before
    assert out["created"] == rows - before
    assert user_count(cli.db) == rows
    # Progress went to standard error as plain lines (not a terminal).
    assert "import: %d/%d rows" % (rows, rows) in p.stderr
