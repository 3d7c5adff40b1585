#!/usr/bin/python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""OpenStack Keystone's own POST /v3/users and GET /v3/users/{id}, in-process.

This is the peer figure for iamcore's server benchmark: how fast the reference
identity service creates and reads a user through its real HTTP API stack.
iamcore's own figures come from a separate harness; this file only measures
Keystone.

What runs (Debian's python3-keystone, no network, no pip):

  * a temporary directory holds keystone.conf, an SQLite database
    (sqlite:///TMP/keystone.db), the fernet token and receipt key
    repositories and the credential key repository; it is removed at exit;
  * keystone.server.flask.core.initialize_application('public', ...) -- the
    function behind keystone-wsgi-public -- builds the Flask app with its whole
    middleware pipeline (cors, sizelimit, http_proxy_to_wsgi, osprofiler,
    request_id, URL normalizing, AuthContextMiddleware, ProxyFix). Its
    post_log_configured_function hook (called after the configuration is
    loaded, before the backends are) does in-process what `keystone-manage
    db_sync`, `fernet_setup`, `credential_setup` and `bootstrap
    --bootstrap-password ...` do, with keystone's own code
    (keystone.common.sql.upgrades, keystone.common.fernet_utils,
    keystone.cmd.bootstrap.Bootstrapper);
  * the database is switched to WAL once, after db_sync (see provision():
    in SQLite's default rollback journal, a read transaction that keystone
    leaks on every request blocks the request's own COMMIT for the 5 s busy
    timeout); synchronous stays FULL (oslo.db's sqlite_synchronous = true),
    as in iamcore's durable SQLite store;
  * Flask's test client drives the app (full WSGI request/response, no
    socket). An admin token is issued by POST /v3/auth/tokens (password
    method, the bootstrap admin, scoped to the bootstrap "admin" project or,
    with --scope system, to the system); every measured request carries it in
    X-Auth-Token, so each one pays keystone's fernet token validation and
    role lookup. Keystone's default is no cache ([cache] enabled = false), so
    that is the default here; --cache turns on keystone's caching layer with
    the in-process dogpile.cache.memory backend (the best case: deployments
    use memcached, one network round trip per lookup);
  * POST /v3/users {"user": {"name": "u<N>", "domain_id": "default",
    "enabled": true}} -- no password, so the password hasher (bcrypt, 12
    rounds by default; reported as "hasher") is not on the measured path --
    is repeated for --seconds after a warm-up, each answer checked to be 201;
    then GET /v3/users/{id} over the created users, each answer checked 200.
    One client, one request at a time (the figures are single-threaded
    latency and its inverse).

Keystone's log goes to TMP/keystone.log at WARNING and above (per-request
INFO lines are off), Python warnings are silenced.

Reproduce (the peer figure; add --cache and/or --scope system for the
variants):

    /usr/bin/python3 bench/keystone_peer.py --seconds 5 [--json]

--json prints one JSON line (create_per_s, create_p50/p90/p99_us, the same for
get, hasher, scope, cache, client_overhead_p50_us = the test client's own cost
for a no-op Flask app, included in the latencies above).
"""
import argparse
import json
import logging
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import warnings

ADMIN_PASSWORD = "bench-admin-secret"
DB_PATH = [None]


def expect(r, status):
    if r.status_code != status:
        raise SystemExit(f"keystone_peer: {r.request.method} {r.request.path}"
                         f" answered {r.status_code}, not {status}: "
                         f"{r.get_data(as_text=True)[:500]}")


def write_config(tmp, cache=False):
    conf = os.path.join(tmp, "keystone.conf")
    DB_PATH[0] = os.path.join(tmp, "keystone.db")
    with open(conf, "w") as f:
        f.write(f"""\
[DEFAULT]
debug = false
use_stderr = false
log_file = {tmp}/keystone.log
default_log_levels = keystone=WARN,amqp=WARN,sqlalchemy=WARN,oslo_policy=WARN,\
oslo_db=WARN,stevedore=WARN,passlib=WARN,urllib3=WARN,keystonemiddleware=WARN,\
routes=WARN,dogpile=WARN,py.warnings=ERROR,alembic=WARN,oslo.cache=WARN

[database]
connection = sqlite:///{tmp}/keystone.db

[token]
provider = fernet

[fernet_tokens]
key_repository = {tmp}/fernet-keys

[fernet_receipts]
key_repository = {tmp}/fernet-keys

[credential]
key_repository = {tmp}/credential-keys

[oslo_policy]
policy_file = {tmp}/policy.yaml
""")
        if cache:
            f.write("\n[cache]\nenabled = true\nbackend = dogpile.cache.memory\n")
    return conf


def provision():
    """keystone-manage db_sync, fernet_setup, credential_setup, bootstrap."""
    from keystone.cmd import bootstrap
    from keystone.common import fernet_utils
    from keystone.common import provider_api
    from keystone.common.sql import upgrades
    import keystone.conf
    from keystone.credential.providers import fernet as credential_fernet

    conf = keystone.conf.CONF
    upgrades.offline_sync_database_to_version()  # db_sync
    # WAL, set once in the file (the mode persists). Keystone leaves a read
    # transaction open on every request: federation's
    # get_enabled_service_providers() returns its Query past the end of the
    # session, render_token iterates it (auth middleware, token issue) on a
    # fresh connection, and that session waits in a reference cycle for the
    # garbage collector. In SQLite's default rollback-journal mode its SHARED
    # lock blocks the COMMIT of the same request's write until the 5 s busy
    # timeout: "database is locked". In WAL readers do not block the writer.
    # iamcore's SQLite store runs WAL as well.
    db = sqlite3.connect(DB_PATH[0])
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    db.close()
    if mode != "wal":
        raise SystemExit(f"keystone_peer: journal_mode is {mode}, not wal")

    for group, max_keys in (
            ("fernet_tokens", conf.fernet_tokens.max_active_keys),
            ("credential", credential_fernet.MAX_ACTIVE_KEYS)):
        futils = fernet_utils.FernetUtils(
            getattr(conf, group).key_repository, max_keys, group)
        futils.create_key_directory()
        if futils.validate_key_repository(requires_write=True):
            futils.initialize_key_repository()

    b = bootstrap.Bootstrapper()  # loads the backends itself
    b.admin_username = "admin"
    b.admin_password = ADMIN_PASSWORD
    b.project_name = "admin"
    b.admin_role_name = "admin"
    b.service_name = "keystone"
    b.immutable_roles = True
    b.bootstrap()
    # Bootstrapper registered (and locked) the provider APIs;
    # initialize_application loads its own set next, as keystone-wsgi-public
    # would in a fresh process after keystone-manage bootstrap had run.
    provider_api.ProviderAPIs._clear_registry_instances()


def percentile(sorted_vals, q):
    if not sorted_vals:
        return float("nan")
    i = min(len(sorted_vals) - 1, max(0, int(round(q * (len(sorted_vals) - 1)))))
    return sorted_vals[i]


def summarize(lat_s, wall_s):
    lat = sorted(x * 1e6 for x in lat_s)
    return {
        "n": len(lat),
        "per_s": len(lat) / wall_s,
        "p50_us": statistics.median(lat),
        "p90_us": percentile(lat, 0.90),
        "p99_us": percentile(lat, 0.99),
    }


def client_overhead_us(n=2000):
    """The Flask test client's own cost: the same POST against a no-op app."""
    import flask
    noop = flask.Flask("noop")

    @noop.route("/v3/users", methods=["POST"])
    def _create():
        return "{}", 201, {"Content-Type": "application/json"}

    c = noop.test_client()
    body = {"user": {"name": "x", "domain_id": "default", "enabled": True}}
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        c.post("/v3/users", json=body, headers={"X-Auth-Token": "t" * 180})
        lat.append(time.perf_counter() - t0)
    return statistics.median(lat) * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0,
                    help="measured seconds per operation (default 5)")
    ap.add_argument("--warmup", type=float, default=0.5,
                    help="warm-up seconds per operation (default 0.5)")
    ap.add_argument("--scope", choices=("project", "system"),
                    default="project",
                    help="admin token scope: the bootstrap 'admin' project "
                         "(default) or the system")
    ap.add_argument("--cache", action="store_true",
                    help="[cache] enabled with dogpile.cache.memory (keystone's "
                         "default is no cache; deployments use memcached)")
    ap.add_argument("--json", action="store_true", help="one JSON line")
    args = ap.parse_args()
    # oslo.config parses sys.argv itself when keystone is configured.
    sys.argv = sys.argv[:1]

    warnings.simplefilter("ignore")
    logging.getLogger().addHandler(logging.NullHandler())

    tmp = tempfile.mkdtemp(prefix="keystone-peer-")
    try:
        t_setup = time.perf_counter()
        conf_file = write_config(tmp, cache=args.cache)

        from keystone.server.flask import core as flask_core
        import keystone.conf
        app = flask_core.initialize_application(
            name="public", post_log_configured_function=provision,
            config_files=[conf_file])
        conf = keystone.conf.CONF
        # oslo.log routed uncaught exceptions into keystone.log, which is
        # deleted at exit; send them to stderr again.
        sys.excepthook = sys.__excepthook__
        logging.getLogger().setLevel(logging.WARNING)
        warnings.simplefilter("ignore")

        try:
            import importlib.metadata as md
            version = md.version("keystone")
        except Exception:
            import pbr.version
            version = pbr.version.VersionInfo("keystone").version_string()
        rounds = conf.identity.password_hash_rounds
        algo = conf.identity.password_hash_algorithm
        if rounds is None:
            # passlib's default, which keystone uses when the option is unset.
            from passlib import hash as plh
            rounds = {"bcrypt": plh.bcrypt, "scrypt": plh.scrypt,
                      "pbkdf2_sha512": plh.pbkdf2_sha512}[algo].default_rounds
            hasher = f"{algo} rounds={rounds} (keystone default, " \
                     "password_hash_rounds unset; not exercised: no password)"
        else:
            hasher = f"{algo} rounds={rounds} (not exercised: no password)"

        client = app.test_client()
        auth = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"},
                "password": ADMIN_PASSWORD}}},
            "scope": ({"system": {"all": True}} if args.scope == "system" else
                      {"project": {"name": "admin",
                                   "domain": {"id": "default"}}})}}
        r = client.post("/v3/auth/tokens", json=auth)
        expect(r, 201)
        token = r.headers["X-Subject-Token"]
        headers = {"X-Auth-Token": token}
        setup_s = time.perf_counter() - t_setup

        counter = [0]
        ids = []

        def create_one():
            counter[0] += 1
            body = {"user": {"name": f"u{counter[0]}", "domain_id": "default",
                             "enabled": True}}
            t0 = time.perf_counter()
            r = client.post("/v3/users", json=body, headers=headers)
            dt = time.perf_counter() - t0
            expect(r, 201)
            ids.append(r.get_json()["user"]["id"])
            return dt

        gi = [0]

        def get_one():
            uid = ids[gi[0] % len(ids)]
            gi[0] += 1
            t0 = time.perf_counter()
            r = client.get(f"/v3/users/{uid}", headers=headers)
            dt = time.perf_counter() - t0
            expect(r, 200)
            return dt

        def run(op, seconds):
            lat = []
            start = time.perf_counter()
            end = start + seconds
            while True:
                lat.append(op())
                now = time.perf_counter()
                if now >= end:
                    break
            return lat, now - start

        run(create_one, args.warmup)
        c_lat, c_wall = run(create_one, args.seconds)
        run(get_one, args.warmup)
        g_lat, g_wall = run(get_one, args.seconds)
        c, g = summarize(c_lat, c_wall), summarize(g_lat, g_wall)
        overhead = client_overhead_us()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out = {
        "peer": "keystone", "version": version,
        "create_per_s": round(c["per_s"], 1),
        "create_p50_us": round(c["p50_us"], 1),
        "create_p90_us": round(c["p90_us"], 1),
        "create_p99_us": round(c["p99_us"], 1),
        "create_n": c["n"],
        "get_per_s": round(g["per_s"], 1),
        "get_p50_us": round(g["p50_us"], 1),
        "get_p90_us": round(g["p90_us"], 1),
        "get_p99_us": round(g["p99_us"], 1),
        "get_n": g["n"],
        "hasher": hasher,
        "client_overhead_p50_us": round(overhead, 1),
        "setup_s": round(setup_s, 2),
        "seconds": args.seconds,
        "db": "sqlite file, WAL, synchronous=FULL",
        "token": f"fernet, {args.scope} scope",
        "cache": "dogpile.cache.memory" if args.cache else "off",
    }
    if args.json:
        print(json.dumps(out))
        return
    print(f"Keystone {version} in-process (Flask test client, SQLite WAL, "
          f"fernet {args.scope}-scoped token, cache "
          f"{out['cache']}); setup {setup_s:.1f} s")
    print(f"{'operation':<22}{'n':>7}{'per s':>10}{'p50 us':>10}"
          f"{'p90 us':>10}{'p99 us':>10}")
    for name, s in (("POST /v3/users", c), ("GET /v3/users/{id}", g)):
        print(f"{name:<22}{s['n']:>7}{s['per_s']:>10.1f}{s['p50_us']:>10.0f}"
              f"{s['p90_us']:>10.0f}{s['p99_us']:>10.0f}")
    print(f"hasher: {hasher}")
    print(f"test client's own cost (no-op app): {overhead:.0f} us p50, "
          "included above")


if __name__ == "__main__":
    main()
