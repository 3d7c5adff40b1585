#!/usr/bin/env python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Creates per second with 1, 2 and 4 client processes, each with its own
engine, on one database: SQLite (one file), PostgreSQL (a primary) and
PostgreSQL with a synchronous standby, all in the same run on the same machine
(servers from scripts/pg_cluster.sh, on loopback). Two workloads: users
without a password (the store dominates) and with an OWASP Argon2id password
(the hash dominates). PostgreSQL's pgbench on the same primary is the peer:
the server's own transaction rate here.

    /usr/bin/python3 bench/store_bench.py --build build-bench [--seconds 5]
        [--procs 1,2,4] [--out docs/bench/store.json]
"""
import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = str(ROOT / "scripts" / "pg_cluster.sh")


def client(location, worker, seconds, hashed, start_at, results):
    import iam  # after fork: the library loads in the child
    with iam.Engine(store=location, authorizer="allow_all", host_key=b"b" * 32,
                    argon2="owasp" if hashed else "tests") as engine:
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        n = 0
        tag = "%d.%d.%d" % (os.getpid(), worker, int(start_at * 1000) % 1000000)
        while time.time() < end:
            kw = dict(tenant="bench", username="u%s.%d" % (tag, n))
            if hashed:
                kw.update(password="Bench-Pass-%d-Summer7" % n, require_password_reset=False)
            engine.create_user(**kw)
            n += 1
        results.put(n)


def measure(location, procs, seconds, hashed):
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + 1.0  # every client open and migrated first
    ps = [ctx.Process(target=client, args=(location, i, seconds, hashed, start_at, results))
          for i in range(procs)]
    for p in ps:
        p.start()
    total = sum(results.get(timeout=seconds + 120) for _ in ps)
    for p in ps:
        p.join(timeout=60)
        if p.exitcode != 0:
            sys.exit("a client failed (exit %s)" % p.exitcode)
    return total / seconds


def pgbench_tps(pg_dir, procs, seconds):
    """PostgreSQL's own pgbench (TPC-B-like: 5 statements and a commit) on the
    same server, the same number of clients: the server's transaction ceiling
    here, the peer of a create (about 10 statements and a commit)."""
    env = cluster_env(pg_dir)
    binary = os.path.join(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                         text=True).stdout.strip() or "/usr/lib/postgresql/15/bin",
                          "pgbench")
    if not os.path.exists(binary):
        binary = "/usr/lib/postgresql/15/bin/pgbench"
    conn = ["-h", "127.0.0.1", "-p", env["PG_PRIMARY_PORT"], "-U", "postgres", "iam"]
    subprocess.run([binary, "-i", "-q", *conn], check=True, capture_output=True)
    out = subprocess.run([binary, "-c", str(procs), "-j", str(procs), "-T",
                          str(max(1, int(seconds))), *conn], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise SystemExit("pgbench printed no tps:\n" + out)


def cluster(*args):
    p = subprocess.run(["bash", CLUSTER, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("pg_cluster.sh %s failed:\n%s" % (" ".join(args), p.stderr))
    return p.stdout.strip()


def cluster_env(pg_dir):
    """The cluster's PG_URL, PG_PRIMARY_PORT, ... (pg_cluster.sh env)."""
    return json.loads(cluster("env", pg_dir))


def pg_url(pg_dir):
    return cluster_env(pg_dir)["PG_URL"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--procs", default="1,2,4")
    ap.add_argument("--out")
    args = ap.parse_args()
    lib = os.path.abspath(os.path.join(args.build, "libiam.so"))
    if not os.path.exists(lib):
        sys.exit("no %s: build first (cmake --build %s)" % (lib, args.build))
    os.environ["IAM_LIBRARY"] = lib
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    procs = [int(p) for p in args.procs.split(",")]

    rows = []
    pg_dirs = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pg_dirs.append(cluster("start"))
            pg_dirs.append(cluster("start", "--standby", "sync"))
            stores = [("sqlite", None), ("postgresql", pg_url(pg_dirs[0])),
                      ("postgresql+sync standby", pg_url(pg_dirs[1]))]
            for hashed in (False, True):
                for name, url in stores:
                    for n in procs:
                        location = url or os.path.join(tmp, "bench-%d-%d.db" % (n, hashed))
                        rate = measure(location, n, args.seconds, hashed)
                        rows.append({"store": name, "processes": n,
                                     "password": "argon2id" if hashed else "none",
                                     "creates_per_second": round(rate, 1)})
                        print("%-24s %-8s %d process%s  %8.1f creates/s"
                              % (name, rows[-1]["password"], n, "" if n == 1 else "es", rate),
                              flush=True)
            for n in procs:
                rate = pgbench_tps(pg_dirs[0], n, args.seconds)
                rows.append({"store": "pgbench TPC-B (peer)", "processes": n, "password": "none",
                             "creates_per_second": round(rate, 1)})
                print("%-24s %-8s %d process%s  %8.1f transactions/s"
                      % ("pgbench TPC-B (peer)", "none", n, "" if n == 1 else "es", rate),
                      flush=True)
    finally:
        for d in pg_dirs:
            subprocess.run(["bash", CLUSTER, "stop", d])
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"seconds": args.seconds, "cores": os.cpu_count(), "results": rows}, f,
                      indent=1)


if __name__ == "__main__":
    main()
