# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Shared fixtures. The package is imported from bindings/python; the library
from IAM_LIBRARY (scripts/test.sh points it at the build's libiam.so)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import iam  # noqa: E402

TENANT = "d78cbac186b744899480f25bd02"
REPO = Path(__file__).resolve().parents[3]


class Outbox:
    """A Python notifier that keeps what it is sent (thread-safe)."""

    def __init__(self) -> None:
        self.sent: List[iam.Notification] = []
        self.fail = 0
        self._lock = threading.Lock()

    def send(self, notification: iam.Notification) -> None:
        with self._lock:
            if self.fail:
                self.fail -= 1
                raise RuntimeError("mail server down")
            self.sent.append(notification)

    def last(self, kind: str) -> iam.Notification:
        return [n for n in self.sent if n.kind == kind][-1]


def token_of(notification: iam.Notification) -> str:
    return notification.body.split("token=", 1)[1].strip()


@pytest.fixture
def tenant() -> str:
    return TENANT


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def engine(outbox: Outbox):
    with iam.Engine(authorizer="allow_all", profile="huawei", notifier=outbox, argon2="tests") as e:
        yield e
