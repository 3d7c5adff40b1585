#!/usr/bin/env python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Bulk import into SQLite through `iamctl import`: rows/s and peak RSS for
files without passwords (10,000 and 100,000 rows by default: memory must not
grow with the file), and 1,000 rows with manual passwords (OWASP Argon2id on
--jobs threads) beside the machine's Argon2id ceiling measured in the same run
(engine_bench's BM_Argon2id_Owasp on as many threads).

    /usr/bin/python3 bench/import_bench.py --build build-bench [--rows 10000,100000]
        [--hashed 1000] [--jobs 2] [--min-time 2] [--out docs/bench/import.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def write_rows(path, count, passwords):
    with open(path, "w", encoding="utf-8", newline="") as f:
        if passwords:
            f.write("username,email,password_mode,password,require_password_reset\r\n")
            for i in range(count):
                f.write("user.%d,user%d@example.com,manual,Pw-%d-Summer-Breeze7,false\r\n"
                        % (i, i, i))
        else:
            f.write("username,email,display_name\r\n")
            for i in range(count):
                f.write("user.%d,user%d@example.com,User %d\r\n" % (i, i, i))


def run_import(iamctl, workdir, path, jobs):
    db = os.path.join(workdir, "import-%d.db" % time.monotonic_ns())
    argv = [iamctl, "--db", db, "import", path, "--tenant", "bench", "--quiet",
            "--batch-size", "100", "--jobs", str(jobs)]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, IAM_NOTIFY_FILE=os.devnull))
    out, err = proc.communicate()
    wall = time.monotonic() - start
    summary = json.loads(out)
    if proc.returncode != 0 or summary["failed"] != 0:
        sys.exit("import failed: %s %s" % (out.decode(), err.decode()))
    for suffix in ("", "-wal", "-shm", ".key", ".notifications.jsonl"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return summary, wall


def peak_rss_kib(iamctl, workdir, path, jobs):
    """Runs the import under /usr/bin/time to read its maximum resident set."""
    db = os.path.join(workdir, "rss-%d.db" % time.monotonic_ns())
    argv = ["/usr/bin/time", "-f", "%M", iamctl, "--db", db, "import", path, "--tenant",
            "bench", "--quiet", "--batch-size", "100", "--jobs", str(jobs)]
    p = subprocess.run(argv, capture_output=True, text=True,
                       env=dict(os.environ, IAM_NOTIFY_FILE=os.devnull))
    for suffix in ("", "-wal", "-shm", ".key"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return int(p.stderr.strip().splitlines()[-1])


def argon2_ceiling(engine_bench, jobs, min_time):
    p = subprocess.run([engine_bench, "--benchmark_filter=BM_Argon2id_Owasp/.*threads:%d$" % jobs,
                        "--benchmark_min_time=%g" % min_time, "--benchmark_format=json"],
                       capture_output=True, text=True, check=True)
    runs = json.loads(p.stdout)["benchmarks"]
    return runs[0]["items_per_second"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--rows", default="10000,100000")
    ap.add_argument("--hashed", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--min-time", type=float, default=2.0,
                    help="seconds the Argon2id ceiling is measured for")
    ap.add_argument("--out")
    args = ap.parse_args()
    iamctl = os.path.join(args.build, "tools", "iamctl")
    engine_bench = os.path.join(args.build, "bench", "engine_bench")
    results = {"jobs": args.jobs, "plain": [], "hashed": None}
    with tempfile.TemporaryDirectory() as work:
        for rows in [int(r) for r in args.rows.split(",") if r]:
            path = os.path.join(work, "plain-%d.csv" % rows)
            write_rows(path, rows, passwords=False)
            summary, wall = run_import(iamctl, work, path, args.jobs)
            rss = peak_rss_kib(iamctl, work, path, args.jobs)
            results["plain"].append({"rows": rows, "seconds": wall,
                                     "rows_per_second": rows / wall, "peak_rss_kib": rss})
            print("%7d rows, no password : %6.1f s  %8.0f rows/s  peak RSS %6.1f MiB"
                  % (rows, wall, rows / wall, rss / 1024), flush=True)
        if args.hashed:
            path = os.path.join(work, "hashed.csv")
            write_rows(path, args.hashed, passwords=True)
            summary, wall = run_import(iamctl, work, path, args.jobs)
            ceiling = argon2_ceiling(engine_bench, args.jobs, args.min_time) \
                if os.path.exists(engine_bench) else None
            rate = args.hashed / wall
            results["hashed"] = {"rows": args.hashed, "seconds": wall, "rows_per_second": rate,
                                 "argon2_ceiling_per_second": ceiling,
                                 "share_of_ceiling": rate / ceiling if ceiling else None}
            print("%7d rows, Argon2id    : %6.1f s  %8.1f rows/s  ceiling %.1f hashes/s on %d "
                  "threads: %.0f%%" % (args.hashed, wall, rate, ceiling or 0, args.jobs,
                                       100 * rate / ceiling if ceiling else 0), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
