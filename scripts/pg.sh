#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, on loopback, owned by an
# unprivileged user (PostgreSQL refuses to run as root).
#
#   scripts/pg.sh start DIR [--durable]   initialise and start a cluster in DIR (created);
#                                         prints the superuser URL on stdout
#   scripts/pg.sh sweep DIR               drop the databases tests and benchmarks made
#                                         (t_*, bench_*) that are still there
#   scripts/pg.sh stop DIR                stop it and delete DIR
#
# Installs Debian's `postgresql` package first when no server binaries are found (as
# root, without starting the distribution's own cluster). Without --durable the
# cluster runs with fsync off: tests kill verifyd, never PostgreSQL, so PostgreSQL's
# own crash safety is not under test there and fsync only costs time. Benchmarks pass
# --durable. Without --durable WAL is also kept small (each test database is written
# into it when created), since a CI machine's disk may be small.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|sweep|stop DIR [--durable]" >&2; exit 2; }

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$d" && -x "$d/initdb" ]] && echo "$d"
}

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u verifyd-pg -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  durable=0
  [[ "${3:-}" == "--durable" ]] && durable=1
  bindir="$(pg_bindir || true)"
  if [[ -z "$bindir" ]]; then
    echo "pg.sh: installing Debian's postgresql package" >&2
    # Keep the package from starting its own cluster (there may be no init system).
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    rm -f /usr/sbin/policy-rc.d
    bindir="$(pg_bindir)"
  fi
  if [[ "$(id -u)" == 0 ]] && ! id verifyd-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin verifyd-pg
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ "$(id -u)" == 0 ]] && chown verifyd-pg "$dir"
  chmod 700 "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300"
  if [[ "$durable" == 0 ]]; then
    opts="$opts -c fsync=off -c full_page_writes=off"
    opts="$opts -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB -c min_wal_size=32MB"
  fi
  as_owner "$bindir/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "$bindir" >"$dir/bindir"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
sweep)
  [[ -f "$dir/bindir" && -f "$dir/data/postmaster.pid" ]] || exit 0
  psql=("$(cat "$dir/bindir")/psql" -X -q -At -h "$dir" -p "$(sed -n 4p "$dir/data/postmaster.pid")" -U postgres -d postgres)
  dbs="$(as_owner "${psql[@]}" -c "SELECT datname FROM pg_database WHERE datname ~ '^(t|bench)_[0-9a-f]+$'")"
  for db in $dbs; do
    as_owner "${psql[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
  [[ -z "$dbs" ]] || echo "pg.sh: dropped $(wc -w <<<"$dbs") leftover databases" >&2
  ;;
stop)
  [[ -d "$dir" ]] || exit 0
  if [[ -f "$dir/bindir" && -d "$dir/data" ]]; then
    as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|sweep|stop DIR [--durable]" >&2
  exit 2
  ;;
esac
