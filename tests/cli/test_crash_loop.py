# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Crash loop (issue 16): a writer process (crash_writer.py) creating users in
batches and singly, each with an access key, a group and a notification, is
killed with SIGKILL at random moments, round after round, on one SQLite file
or one PostgreSQL database (the server: $IAM_TEST_PG_URL, from scripts/test.sh).
Then: the SQLite file's integrity; every acknowledged user present with all its parts;
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

import pytest

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


class SqliteDb:
    def __init__(self, tmp_path):
        self.location = str(tmp_path / "crash.db")

    def rows(self, sql):
        con = sqlite3.connect(self.location)
        try:
            return [tuple(r) for r in con.execute(sql)]
        finally:
            con.close()

    def integrity(self):
        con = sqlite3.connect(self.location)
        try:
            return integrity_problems(con)
        finally:
            con.close()

    def close(self):
        pass


class PostgresDb:
    """A database of its own on the test server, dropped afterwards."""

    def __init__(self, tmp_path):
        self.server = os.environ.get("IAM_TEST_PG_URL", "")
        assert self.server, "IAM_TEST_PG_URL is not set: scripts/test.sh starts PostgreSQL"
        self.name = "iam_crash_%d" % os.getpid()
        self._psql(self.server, "DROP DATABASE IF EXISTS %s" % self.name)
        self._psql(self.server, "CREATE DATABASE %s" % self.name)
        self.location = self._with_database(self.server, self.name)

    @staticmethod
    def _with_database(url, name):
        head, sep, query = url.partition("?")
        scheme, _, rest = head.partition("://")
        host = rest.split("/", 1)[0]
        return "%s://%s/%s%s%s" % (scheme, host, name, sep, query)

    @staticmethod
    def _psql(url, sql):
        out = subprocess.run(["psql", "-X", "-Atq", "-F", "\t", url, "-c", sql], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def rows(self, sql):
        return self._psql(self.location, sql)

    def integrity(self):
        return []  # the server's own WAL replay; nothing to check from outside

    def close(self):
        self._psql(self.server, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)


@pytest.mark.parametrize("store", [SqliteDb, PostgresDb], ids=["sqlite", "postgresql"])
def test_sigkill_rounds_lose_nothing_acknowledged(tmp_path, store):
    if not os.environ.get("IAM_LIBRARY"):
        raise AssertionError("set IAM_LIBRARY to the built libiam.so (scripts/test.sh does)")
    rounds = int(os.environ.get("IAM_CRASH_ROUNDS", "12"))
    rng = random.Random(int(os.environ.get("IAM_CRASH_SEED", "20261203")))
    database = store(tmp_path)
    try:
        crash_rounds(database, str(tmp_path / "notify.jsonl"), rounds, rng)
    finally:
        database.close()


def crash_rounds(database, notify, rounds, rng):
    db = database.location
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

    assert database.integrity() == []
    users = dict(database.rows("SELECT username, id FROM users WHERE tenant = 't'"))
    ids = set(users.values())
    # Every acknowledged user is there, with every part.
    missing = acked - set(users)
    assert not missing, sorted(missing)[:5]
    keys = {}
    for (user_id,) in database.rows("SELECT user_id FROM access_keys"):
        keys[user_id] = keys.get(user_id, 0) + 1
    members = {u for (u,) in database.rows("SELECT user_id FROM memberships")}
    for name, user_id in users.items():
        assert keys.get(user_id) == 1, name
        assert user_id in members, name
    # No part without its user.
    for table in ("access_keys", "memberships", "tokens", "user_keys"):
        orphans = [u for (u,) in database.rows("SELECT user_id FROM %s" % table)
                   if u not in ids]
        assert not orphans, (table, orphans[:3])
    pending = int(database.rows("SELECT COUNT(*) FROM outbox")[0][0])
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
    print("crash loop (%s): %d rounds, %d users acknowledged, %d committed, %d notification lines "
          "for %d distinct messages" % (type(database).__name__, rounds, len(acked), len(users), raw,
                                        sum(len(v) for v in deliveries.values())))
    assert len(acked) > 0
