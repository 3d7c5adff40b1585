# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The writer of the crash loop (test_crash_loop.py): creates users in batches
of three and singly, each with an access key, a group and a first-login link
by email, and prints "ACK name ..." once a call has returned. It is killed with
SIGKILL at a random moment; each start first delivers what the outbox holds
(what a killed writer had leased waits for its lease to end).

    crash_writer.py STORE NOTIFY_FILE ROUND [--dispatch-only]

STORE is a SQLite path or a PostgreSQL connection string.
"""
import sys
import time

import iam

HOST_KEY = b"k" * 32


def main() -> None:
    db, notify, round_no = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # A writer killed while sending holds its outbox lease (2 minutes) until it
    # ends; the last start runs its clock past every lease, as a dispatcher
    # started that much later would.
    clock = None
    if "--dispatch-only" in sys.argv:
        clock = iam.FakeClock(time.time() + 300)
    with iam.Engine(store=db, notifier=iam.JsonLinesNotifier(notify),
                    authorizer="allow_all", argon2="tests", host_key=HOST_KEY,
                    clock=clock) as engine:
        engine.dispatch_outbox()
        if "--dispatch-only" in sys.argv:
            return
        try:
            engine.create_group(tenant="t", name="crashers")
        except iam.AlreadyExists:
            pass
        print("READY", flush=True)

        def user(name):
            return dict(tenant="t", username=name, email=name + "@example.com",
                        first_login_link=True, access_key=True, groups=["crashers"])

        i = 0
        while True:
            if i % 2 == 0:
                names = ["r%d.b%d.u%d" % (round_no, i, k) for k in range(3)]
                result = engine.batch_create_users([user(n) for n in names])
                assert result.committed
            else:
                names = ["r%d.s%d" % (round_no, i)]
                engine.create_user(**user(names[0]))
            print("ACK " + " ".join(names), flush=True)
            i += 1


if __name__ == "__main__":
    main()
