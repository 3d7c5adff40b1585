# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""One Engine called from many Python threads at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import iam
import pytest
from conftest import TENANT, Outbox

THREADS = 8
PER_THREAD = 12


@pytest.mark.parametrize("store_kind", ["memory", "python"])
def test_concurrent_creates_and_reads(store_kind, tmp_path):
    store = iam.DictStore() if store_kind == "python" else None
    outbox = Outbox()
    with iam.Engine(authorizer="allow_all", store=store, notifier=outbox, argon2="tests") as engine:
        def work(t: int) -> list:
            ids = []
            for i in range(PER_THREAD):
                name = "user.%02d.%02d" % (t, i)
                r = engine.create_user(tenant=TENANT, username=name, email=name + "@example.com",
                                       generate_password=True, notify="email")
                assert engine.get_user(tenant=TENANT, id=r.user.id).username == name
                assert engine.authenticate(tenant=TENANT, identifier=name,
                                           password=r.generated_password).user_id == r.user.id
                ids.append(r.user.id)
            return ids

        with ThreadPoolExecutor(THREADS) as pool:
            ids = [i for chunk in pool.map(work, range(THREADS)) for i in chunk]
        assert len(set(ids)) == THREADS * PER_THREAD
        users = list(engine.iter_users(tenant=TENANT, page_size=50))
        assert len(users) == THREADS * PER_THREAD
        # Delivery is at least once: concurrent dispatches may repeat a message,
        # always under the same id.
        assert len({n.id for n in outbox.sent}) == THREADS * PER_THREAD


@pytest.mark.parametrize("store_kind", ["memory", "python"])
def test_concurrent_duplicates_one_winner(store_kind):
    store = iam.DictStore() if store_kind == "python" else None
    with iam.Engine(authorizer="allow_all", store=store, argon2="tests") as engine:
        barrier = threading.Barrier(THREADS)
        outcomes = []
        lock = threading.Lock()

        def race(_: int) -> None:
            barrier.wait()
            try:
                engine.create_user(tenant=TENANT, username="the.one", generate_password=True)
                result = "created"
            except iam.AlreadyExists as e:
                result = e.reason
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=race, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes.count("created") == 1
        assert set(outcomes) == {"created", "username.duplicate"}


def test_close_waits_for_calls_in_flight():
    engine = iam.Engine(authorizer="allow_all", argon2="tests")
    started = threading.Event()

    def hammer() -> int:
        started.set()
        n = 0
        try:
            while True:
                engine.password_violations(TENANT, "Summer-Breeze7")
                n += 1
        except ValueError:  # closed
            return n

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(hammer) for _ in range(4)]
        started.wait()
        engine.close()
        assert all(f.result() >= 0 for f in futures)
