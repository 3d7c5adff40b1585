# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Crash loop (issue 16): a writer process (crash_writer.py) creating users in
batches and singly, each with an access key, a group and a notification, is
killed with SIGKILL at random moments, round after round, on one SQLite file.
Then: the file's integrity; every acknowledged user present with all its parts;
no part without its user; every committed notification delivered at least once
after the restarts, and exactly once to a receiver that de-duplicates by id.

Short mode: 12 rounds. Long mode: IAM_CRASH_ROUNDS=500 (docs/SECURITY.md)."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WRITER = str(Path(__file__).with_name("crash_writer.py"))
PACKAGE = str(Path(__file__).resolve().parents[2] / "bindings" / "python")


def run_writer(db, notify, round_no, *extra):
    env = dict(os.environ, PYTHONPATH=PACKAGE)
    return subprocess.Popen([sys.executable, WRITER, db, notify, str(round_no), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def integrity_problems(con):
    """PRAGMA integrity_check's findings, less SQLite 3.40's false "NULL value in
    T.C" on WITHOUT ROWID tables whose primary key is not in column order
    (memberships): such a finding counts only when the column really holds a
    NULL."""
    problems = []
    for (line,) in con.execute("PRAGMA integrity_check"):
        if line == "ok":
            continue
        if line.startswith("NULL value in "):
            table, column = line[len("NULL value in "):].split(".", 1)
            nulls = con.execute('SELECT COUNT(*) FROM "%s" WHERE "%s" IS NULL'
                                % (table, column)).fetchone()[0]
            if nulls == 0:
                continue
        problems.append(line)
    return problems


def test_sigkill_rounds_lose_nothing_acknowledged(tmp_path):
    if not os.environ.get("IAM_LIBRARY"):
        raise AssertionError("set IAM_LIBRARY to the built libiam.so (scripts/test.sh does)")
    rounds = int(os.environ.get("IAM_CRASH_ROUNDS", "12"))
    rng = random.Random(int(os.environ.get("IAM_CRASH_SEED", "20261203")))
    db, notify = str(tmp_path / "crash.db"), str(tmp_path / "notify.jsonl")
    acked = set()
    for round_no in range(rounds):
        writer = run_writer(db, notify, round_no)
        try:
            assert writer.stdout.readline().strip() == "READY", writer.stderr.read()
            time.sleep(rng.uniform(0.0, 0.25))
            writer.send_signal(signal.SIGKILL)
        finally:
            out, err = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL, err
        for line in out.splitlines():
            if line.startswith("ACK "):  # a line cut by the kill has no newline: not counted
                acked.update(line.split()[1:])
    # A last start delivers what the outbox still holds.
    finisher = run_writer(db, notify, rounds, "--dispatch-only")
    _, err = finisher.communicate(timeout=60)
    assert finisher.returncode == 0, err

    con = sqlite3.connect(db)
    try:
        assert integrity_problems(con) == []
        users = dict(con.execute("SELECT username, id FROM users WHERE tenant = 't'"))
        ids = set(users.values())
        # Every acknowledged user is there, with every part.
        missing = acked - set(users)
        assert not missing, sorted(missing)[:5]
        keys = {}
        for (user_id,) in con.execute("SELECT user_id FROM access_keys"):
            keys[user_id] = keys.get(user_id, 0) + 1
        members = {u for (u,) in con.execute("SELECT user_id FROM memberships")}
        for name, user_id in users.items():
            assert keys.get(user_id) == 1, name
            assert user_id in members, name
        # No part without its user.
        for table in ("access_keys", "memberships", "tokens", "user_keys"):
            orphans = [u for (u,) in con.execute("SELECT user_id FROM %s" % table)
                       if u not in ids]
            assert not orphans, (table, orphans[:3])
        pending = con.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    finally:
        con.close()
    # Every committed user's link arrived at least once; de-duplicated by the
    # message id, exactly once.
    deliveries = {}
    with open(notify) as f:
        for line in f:
            try:
                n = json.loads(line)
            except ValueError:
                continue  # a line cut by SIGKILL: that delivery did not complete
            deliveries.setdefault(n["user_id"], set()).add(n["id"])
    raw = sum(1 for _ in open(notify))
    for name, user_id in users.items():
        assert len(deliveries.get(user_id, ())) == 1, name
    assert pending == 0
    print("crash loop: %d rounds, %d users acknowledged, %d committed, %d notification lines "
          "for %d distinct messages" % (rounds, len(acked), len(users), raw,
                                        sum(len(v) for v in deliveries.values())))
    assert len(acked) > 0
