# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""The writer of the failover test (test_failover.py): one engine on a libpq
multi-host URL creating users without end, each under its own client token,
printing "ACK name id" once a create returned. A create that fails (the
primary is gone, the standby not yet promoted) is asked again with the same
client token until it succeeds, so a retry can never make a second user.

    failover_writer.py URL
"""
import sys
import time

import iam


def main() -> None:
    url = sys.argv[1]
    with iam.Engine(store=url, authorizer="allow_all", argon2="tests",
                    host_key=b"f" * 32) as engine:
        print("READY", flush=True)
        i = 0
        while True:
            name = "failover.%d" % i
            deadline = time.monotonic() + 60
            while True:
                try:
                    user = engine.create_user(tenant="failover", username=name, client_token=name)
                    break
                except iam.Unavailable as e:
                    print("RETRY %s %s" % (name, e.reason), flush=True)
                    if time.monotonic() > deadline:
                        raise
            print("ACK %s %s" % (name, user.user.id), flush=True)
            i += 1


if __name__ == "__main__":
    main()
