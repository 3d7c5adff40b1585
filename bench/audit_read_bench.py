#!/usr/bin/env python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Reading the audit log from SQLite: a user's log (its events among many
others') in pages, and the tenant's first page, through the Python binding.
Medians of --reps calls, in microseconds. To compare two builds (two schema
versions), run it once with each library:

    IAM_LIBRARY=build-bench/libiam.so /usr/bin/python3 bench/audit_read_bench.py \
        [--user-events 200] [--others-per-event 100] [--reps 200] [--label NAME]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings",
                                "python"))
import iam  # noqa: E402

PASSWORD = "Summer-Breeze7"


def median_us(call, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user-events", type=int, default=200)
    parser.add_argument("--others-per-event", type=int, default=100)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--label", default=os.environ.get("IAM_LIBRARY", "libiam"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iam_audit_read_") as folder:
        engine = iam.Engine(store=os.path.join(folder, "iam.db"), authorizer="allow_all",
                            argon2="tests", host_key=b"k" * 32)
        user = engine.create_user(tenant="bench", username="target.user", password=PASSWORD,
                                  require_password_reset=False).user.id
        # The user's events (logins) each between --others-per-event other
        # users' creates: every one of them on a page of its own.
        others = 0
        for _ in range(args.user_events):
            for _ in range(args.others_per_event):
                engine.create_user(tenant="bench", username="other.%07d" % others)
                others += 1
            engine.authenticate(tenant="bench", identifier="target.user", password=PASSWORD)

        def users_log(page_size):
            token, count = None, 0
            while True:
                events, token = engine.audit_events("bench", target=user, page_size=page_size,
                                                    page_token=token)
                count += len(events)
                if not token:
                    return count

        expected = args.user_events + 1
        if users_log(100) != expected:
            sys.exit("the user's log does not hold its %d events" % expected)
        figures = {
            "user, first page of 10": lambda: engine.audit_events("bench", target=user,
                                                                  page_size=10),
            "user, first page of 100": lambda: engine.audit_events("bench", target=user,
                                                                   page_size=100),
            "user, all %d in pages of 100" % expected: lambda: users_log(100),
            "tenant, first page of 100": lambda: engine.audit_events("bench", page_size=100),
        }
        print("%s: %d events of the user among %d in all" %
              (args.label, expected, expected + others))
        for name, call in figures.items():
            print("  %-28s %9.0f us" % (name, median_us(call, args.reps)))
        engine.close()


if __name__ == "__main__":
    main()
