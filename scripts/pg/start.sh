#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for tests and benchmarks:
#   scripts/pg/start.sh DIR PORT
# Installs PostgreSQL with apt-get when missing, runs initdb + the server as the
# `postgres` user (PostgreSQL refuses to run as root) on 127.0.0.1:PORT with trust
# auth, waits until it accepts connections, then prints the superuser URL
# (also written to DIR/url). Reuses DIR when it already holds a cluster.
# Stop it with scripts/pg/stop.sh DIR.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 DIR PORT" >&2
  exit 2
fi
dir=$1
port=$2
case "$port" in ''|*[!0-9]*) echo "PORT must be a number, got '$port'" >&2; exit 2 ;; esac

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing postgresql (apt-get)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || {
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  }
fi
# The newest installed major version.
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
log="$dir/postgres.log"
sock="$dir/sock"
mkdir -p "$sock"
# The server runs as postgres: it must own its folders and be able to write its log,
# or pg_ctl start fails without saying why.
touch "$log"
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$dir" "$sock" "$log"
  # postgres must be able to reach DIR through its parents.
  p=$dir
  while [ "$p" != / ]; do p=$(dirname "$p"); [ -x "$p" ] || chmod o+x "$p"; done
fi

if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  run_as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >>"$log" 2>&1 || {
    echo "initdb failed; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  }
fi

if run_as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "already running" >&2
else
  run_as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t 30 \
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 || {
    echo "postgres failed to start; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  }
fi

for _ in $(seq 1 100); do
  if "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; then break; fi
  sleep 0.1
done
"$bin/pg_isready" -h 127.0.0.1 -p "$port" -q || { echo "postgres is not answering on port $port" >&2; exit 1; }

url="postgres://postgres@127.0.0.1:$port/postgres"
echo "$url" >"$dir/url"
echo "$url"
