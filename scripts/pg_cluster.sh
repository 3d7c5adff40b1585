#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2015,SC2086,SC2154  # sourced env; A && B || C meant; $kids splits; trap vars
# Throwaway PostgreSQL 15 servers for tests: plain processes (no systemd, no
# docker) run as the `postgres` user, listening on 127.0.0.1 only (and on unix
# sockets inside the cluster dir). Run as root. Trap-friendly use:
#
#   pg_dir=$(scripts/pg_cluster.sh start --standby sync --pgbouncer)
#   trap 'scripts/pg_cluster.sh stop "$pg_dir"' EXIT
#   . "$pg_dir/env"     # exports PG_URL, PG_FAILOVER_URL, PG_BOUNCER_URL, ...
#
# Commands (DIR is the cluster dir that `start` prints):
#   start [--standby sync|async] [--pgbouncer]
#       Makes DIR (mktemp -d, owned by postgres) and starts a primary with the
#       database `iam` (owner postgres); optionally a streaming standby named
#       standby1 (sync: returns once it is the sync standby; async: once it
#       streams) and pgbouncer (pool_mode=transaction) in front of the primary.
#       Prints one line on stdout, DIR, and writes DIR/env: exports of PG_DIR,
#       PG_PRIMARY_PORT, PG_URL, PG_FAILOVER_URL (libpq multi-host, read-write
#       target), and with a standby / pgbouncer PG_STANDBY_PORT / PG_BOUNCER_PORT
#       and PG_BOUNCER_URL. On failure prints the log tails on stderr, removes
#       all it started and exits non-zero: there is then nothing to stop.
#   stop DIR           Stops every server in DIR (immediately) and pgbouncer,
#                      then removes DIR. Harmless twice, or after a failed start.
#   kill-primary DIR   SIGKILLs the primary postmaster and its children; returns
#                      once they are gone and its port no longer listens.
#   promote DIR        Promotes the standby; returns once it accepts writes.
#   env DIR            Prints DIR/env's assignments as one JSON object.
#   createdb DIR NAME  Creates database NAME (owner postgres) on whichever of
#                      primary and standby accepts writes.
# Every wait is bounded (PG_CLUSTER_TIMEOUT seconds, default 30); a timeout
# prints the relevant log tail on stderr and exits non-zero.
set -euo pipefail

BIN=$(pg_config --bindir 2>/dev/null || true)
[ -x "$BIN/initdb" ] || BIN=/usr/lib/postgresql/15/bin
TIMEOUT=${PG_CLUSTER_TIMEOUT:-30}
export PGCONNECT_TIMEOUT=2
MARK=.pg_cluster   # marks a dir as ours: `stop` removes no other

die() { echo "pg_cluster: $*" >&2; exit 1; }
# as_pg CMD...: runs CMD as postgres (PostgreSQL refuses root), from DIR. fd 3
# (start's real stdout) is closed: a server holding it would hang $(... start).
as_pg() { (cd "$DIR" && runuser -u postgres -- "$@") 3>&-; }
# sql PORT QUERY: one query as postgres on database iam, unaligned output.
sql() { "$BIN/psql" -X -Atq -h 127.0.0.1 -p "$1" -U postgres -d iam -c "$2"; }
# alive PID: the process exists and is not a zombie (PID 1 reaps them late).
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $s != Z* ]]; }
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
# wait_for WHAT LOG CMD...: retries CMD every 0.2 s; after TIMEOUT seconds
# prints the tail of LOG and exits non-zero.
wait_for() {
  local what=$1 log=$2 end=$((SECONDS + TIMEOUT)); shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { echo "pg_cluster: timed out after ${TIMEOUT}s waiting for $what;" \
      "tail of $log:" >&2; tail -n 30 "$log" >&2 || true; exit 1; }
    sleep 0.2
  done
}
# free_port VAR: sets VAR to a random TCP port that no socket uses, in any
# state, address or family, and that this run has not handed out. It is drawn
# from 20000 up to the kernel's ephemeral range, where clients' connections
# take their local ports: a port free a moment ago there can be taken by the
# time the server binds (seen: "Address already in use" on 58970).
USED=" "
free_port() {
  local p i low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 60001)
  ((low > 21000)) || low=60001
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % (low - 20000)))
    [[ $USED == *" $p "* ]] || [ -n "$(ss -Hatn "sport = :$p")" ] \
      || { USED+="$p "; printf -v "$1" %s "$p"; return 0; }
  done
  die "no free TCP port found"
}
# load DIR: checks DIR is a started cluster dir and sources its env.
load() {
  DIR=$(realpath -m -- "${1:?DIR missing}")
  [ -f "$DIR/$MARK" ] && [ -f "$DIR/env" ] || die "$DIR is not a started pg_cluster dir"
  . "$DIR/env"
}

# env DIR: DIR/env's assignments as one JSON object, for programs that are not
# shells (the failover test, bench/store_bench.py).
cmd_env() {
  local k sep="{" keys=(PG_DIR PG_PRIMARY_PORT PG_STANDBY_PORT PG_BOUNCER_PORT PG_URL
    PG_BOUNCER_URL PG_FAILOVER_URL)
  unset "${keys[@]}"  # only DIR's own, not a caller's cluster
  load "$1"
  for k in "${keys[@]}"; do
    [ -z "${!k:-}" ] || { printf '%s"%s": "%s"' "$sep" "$k" "${!k}"; sep=", "; }
  done
  echo "}"
}

cmd_stop() {
  DIR=$(realpath -m -- "${1:?usage: pg_cluster.sh stop DIR}")
  [ -e "$DIR" ] || return 0                          # already stopped
  [ -f "$DIR/$MARK" ] || die "$DIR was not made by pg_cluster.sh; not removing it"
  local d pid i
  if [ -f "$DIR/pgbouncer.pid" ]; then               # SIGTERM: immediate shutdown
    pid=$(cat "$DIR/pgbouncer.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do alive "$pid" || break; sleep 0.2; done
    ! alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  for d in "$DIR/standby" "$DIR/primary"; do         # postmasters still running
    [ -f "$d/postmaster.pid" ] || continue
    pid=$(head -n 1 "$d/postmaster.pid")
    alive "$pid" && ps -o args= -p "$pid" | grep -q postgres || continue
    as_pg "$BIN/pg_ctl" stop -D "$d" -m immediate -w -t "$TIMEOUT" >/dev/null 2>&1 \
      || kill -KILL "$pid" 2>/dev/null || true
  done
  # Backstop: postgres-owned processes whose cwd is in DIR (servers chdir to
  # their data dir; pgbouncer stays in DIR), e.g. orphans of a killed postmaster.
  for pid in $(ps -u postgres -o pid= || true); do
    [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) != "$DIR"/* ]] || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

cmd_start() {
  local standby="" bouncer=0 P S="" B="" want
  while [ $# -gt 0 ]; do
    case $1 in
      --standby) [[ ${2:-} == @(sync|async) ]] || die "--standby sync|async"; standby=$2; shift 2 ;;
      --pgbouncer) bouncer=1; shift ;;
      *) die "unknown start option: $1" ;;
    esac
  done
  exec 3>&1 1>&2                                     # stdout carries only DIR
  DIR=$(mktemp -d /tmp/iam-pg.XXXXXX); D=$DIR
  touch "$D/$MARK"; chown postgres: "$D"; chmod 755 "$D"
  # On any failure: every log's tail, then undo all.
  trap 'rc=$?; for f in "$D"/*.log; do [ ! -s "$f" ] || { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
        cmd_stop "$D"; exit $rc' EXIT
  free_port P
  as_pg "$BIN/initdb" -D "$D/primary" -U postgres -A trust -E UTF8 --no-locale -N >"$D/initdb.log" 2>&1
  printf '%s\n' "local all all trust" "local replication all trust" \
    "host all all 127.0.0.1/32 trust" "host replication all 127.0.0.1/32 trust" >"$D/primary/pg_hba.conf"
  cat >>"$D/primary/postgresql.conf" <<EOF
# pg_cluster.sh (fsync stays on: durability tests)
listen_addresses = '127.0.0.1'
port = $P
unix_socket_directories = '$D'
shared_buffers = 64MB
max_connections = 200
wal_level = replica
max_wal_senders = 5
hot_standby = on
synchronous_standby_names = ''
EOF
  as_pg "$BIN/pg_ctl" start -D "$D/primary" -l "$D/primary.log" -w -t "$TIMEOUT" >/dev/null \
    || die "the primary did not start"
  "$BIN/createdb" -h 127.0.0.1 -p "$P" -U postgres -O postgres iam
  if [ -n "$standby" ]; then
    free_port S
    # -R: standby.signal + primary_conninfo (keeps application_name); -c fast: no
    # spread checkpoint (minutes); -C -S: a slot keeps the WAL the standby needs.
    as_pg "$BIN/pg_basebackup" -D "$D/standby" -R -X stream -c fast -C -S standby1 \
      -d "host=127.0.0.1 port=$P user=postgres application_name=standby1" >"$D/basebackup.log" 2>&1
    echo "port = $S" >>"$D/standby/postgresql.conf"
    as_pg "$BIN/pg_ctl" start -D "$D/standby" -l "$D/standby.log" -w -t "$TIMEOUT" >/dev/null \
      || die "the standby did not start"
    want=async/streaming
    if [ "$standby" = sync ]; then    # after the base backup, so the standby keeps ''
      printf "synchronous_standby_names = 'standby1'\nsynchronous_commit = on\n" >>"$D/primary/postgresql.conf"
      as_pg "$BIN/pg_ctl" reload -D "$D/primary" >/dev/null
      want=sync/streaming
    fi
    repl_is() { [ "$(sql "$P" "select sync_state || '/' || state from pg_stat_replication
                               where application_name = 'standby1'")" = "$want" ]; }
    wait_for "standby1 to be $want" "$D/standby.log" repl_is
  fi
  if [ "$bouncer" = 1 ]; then
    free_port B
    echo '"postgres" ""' >"$D/userlist.txt"
    # query_wait_timeout 10 (default 120): a client fails fast once the primary is gone.
    cat >"$D/pgbouncer.ini" <<EOF
[databases]
iam = host=127.0.0.1 port=$P dbname=iam
* = host=127.0.0.1 port=$P
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $B
unix_socket_dir = $D
auth_type = trust
auth_file = $D/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
query_wait_timeout = 10
logfile = $D/pgbouncer.log
pidfile = $D/pgbouncer.pid
EOF
    chown postgres: "$D/userlist.txt" "$D/pgbouncer.ini"
    as_pg pgbouncer -d -q "$D/pgbouncer.ini" || die "pgbouncer did not start"
    wait_for "pgbouncer on port $B" "$D/pgbouncer.log" sql "$B" "select 1"
  fi
  {                                                  # no value holds a quote
    echo "export PG_DIR='$D' PG_PRIMARY_PORT='$P'"
    [ -z "$S" ] || echo "export PG_STANDBY_PORT='$S'"
    [ -z "$B" ] || echo "export PG_BOUNCER_PORT='$B' PG_BOUNCER_URL='postgresql://postgres@127.0.0.1:$B/iam'"
    echo "export PG_URL='postgresql://postgres@127.0.0.1:$P/iam'"
    echo "export PG_FAILOVER_URL='postgresql://postgres@127.0.0.1:$P${S:+,127.0.0.1:$S}/iam?target_session_attrs=read-write&connect_timeout=2'"
  } >"$D/env"
  trap - EXIT
  echo "$D" >&3
}

cmd_kill_primary() {
  load "$1"
  local pid kids; pid=$(head -n 1 "$PG_DIR/primary/postmaster.pid")
  alive "$pid" || return 0
  kill -STOP "$pid"                                  # no new children from here on
  kids=$(ps -o pid= --ppid "$pid" || true)
  kill -KILL "$pid" $kids 2>/dev/null || true
  gone() { local k; for k in $pid $kids; do ! alive "$k" || return 1; done; ! listening "$PG_PRIMARY_PORT"; }
  wait_for "the primary's processes to exit" "$PG_DIR/primary.log" gone
}

cmd_promote() {
  load "$1"
  [ -n "${PG_STANDBY_PORT:-}" ] || die "no standby in $PG_DIR"
  as_pg "$BIN/pg_ctl" promote -D "$PG_DIR/standby" -w -t "$TIMEOUT" >/dev/null \
    || { tail -n 30 "$PG_DIR/standby.log" >&2; die "promote failed"; }
  writable() { [ "$(sql "$PG_STANDBY_PORT" "select pg_is_in_recovery()")" = f ]; }
  wait_for "the standby to leave recovery" "$PG_DIR/standby.log" writable
}

cmd_createdb() {
  load "$1"
  local name=${2:?usage: pg_cluster.sh createdb DIR NAME}
  "$BIN/createdb" --maintenance-db="${PG_FAILOVER_URL/\/iam\?//postgres?}" -O postgres -- "$name"
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  kill-primary) shift; cmd_kill_primary "$@" ;;
  promote) shift; cmd_promote "$@" ;;
  createdb) shift; cmd_createdb "$@" ;;
  env) shift; cmd_env "$@" ;;
  *) sed -n '3,30p' "$0" >&2; exit 2 ;;
esac
