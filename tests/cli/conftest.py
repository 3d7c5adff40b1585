# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Fixtures for driving the iamctl binary (path from $IAMCTL)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# tests/raw_http.py, shared by the server suites.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def iamctl_path():
    path = os.environ.get("IAMCTL")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("set IAMCTL to the built iamctl binary (scripts/test.sh does)")
    return path


class Cli:
    def __init__(self, path, workdir):
        self.path = path
        self.workdir = workdir
        self.db = os.path.join(workdir, "iam.db")
        self.env = dict(os.environ, IAM_NOTIFY_FILE=os.path.join(workdir, "notify.jsonl"))

    def run(self, *args, stdin=None, profile=None):
        argv = [self.path, "--db", self.db]
        if profile:
            argv += ["--profile", profile]
        argv += list(args)
        p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=self.env,
                           cwd=self.workdir, timeout=60)
        out = json.loads(p.stdout) if p.stdout.strip().startswith("{") else None
        return p.returncode, out, p

    def ok(self, *args, **kw):
        code, out, p = self.run(*args, **kw)
        assert code == 0, (args, p.stdout, p.stderr)
        return out

    def notifications(self):
        path = self.env["IAM_NOTIFY_FILE"]
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]


@pytest.fixture
def cli(iamctl_path, tmp_path):
    return Cli(iamctl_path, str(tmp_path))
