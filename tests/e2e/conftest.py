"""Shared fixtures for the pytest end-to-end suites against `iamctl serve`.

tests/e2e/run.sh starts the server and exports IAM_URL, IAM_TENANT, IAM_ADMIN,
IAM_ADMIN_ID, IAM_PASSWORD, IAM_AK, IAM_SK, IAMCTL and HOME. A missing
variable fails every test that needs it (never a skip).
"""

import os
import sys
from pathlib import Path
import uuid

import pytest

# tests/raw_http.py, shared by the server suites.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REQUIRED = ("IAM_URL", "IAM_TENANT", "IAM_ADMIN", "IAM_ADMIN_ID", "IAM_PASSWORD")


@pytest.fixture(scope="session")
def iam_env():
    missing = [k for k in REQUIRED if not os.environ.get(k)]
    if missing:
        pytest.fail("missing environment variables (set by tests/e2e/run.sh): " + ", ".join(missing),
                    pytrace=False)
    env = {k: os.environ[k] for k in REQUIRED}
    env["IAM_URL"] = env["IAM_URL"].rstrip("/")
    return env


@pytest.fixture(scope="session")
def run_suffix():
    """Lower-case letters and digits, unique to this run, for user and group names."""
    return uuid.uuid4().hex[:10]
