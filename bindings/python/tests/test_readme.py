# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The README's Python and C examples (between <!-- bindings:begin --> and
<!-- bindings:end -->) really run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import iam
from conftest import REPO

BEGIN, END = "<!-- bindings:begin -->", "<!-- bindings:end -->"


def snippet(language: str) -> str:
    text = (REPO / "README.md").read_text()
    assert BEGIN in text and END in text, "README.md lacks the bindings markers"
    section = text.split(BEGIN, 1)[1].split(END, 1)[0]
    blocks = re.findall(r"```%s\n(.*?)```" % language, section, re.S)
    assert len(blocks) == 1, "expected one ```%s block between the markers" % language
    return blocks[0]


def test_python_example_runs(tmp_path):
    code = snippet("python")
    assert len(code.strip().splitlines()) <= 12
    env = dict(os.environ, PYTHONPATH=str(REPO / "bindings" / "python"),
               IAM_LIBRARY=iam.LIBRARY_PATH)
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.search(r"\b[0-9a-f]{32}\b", run.stdout), run.stdout


def test_c_example_runs(tmp_path):
    code = snippet("c")
    assert len(code.strip().splitlines()) <= 17  # short: one line more for allow-all by name
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc is not None, "a C compiler is needed (scripts/deps.sh installs g++ and gcc)"
    source = tmp_path / "example.c"
    source.write_text(code)
    library = Path(iam.LIBRARY_PATH).resolve()
    binary = tmp_path / "example"
    build = subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
                            "-I", str(REPO / "include"), str(source), str(library),
                            "-o", str(binary)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    env = dict(os.environ, LD_LIBRARY_PATH=str(library.parent))
    run = subprocess.run([str(binary)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.search(r'"id":"[0-9a-f]{32}"', run.stdout), run.stdout
