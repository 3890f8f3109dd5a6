#!/usr/bin/env bash
# Stops the cluster started by scripts/pg/start.sh DIR (fast shutdown).
# PG_PURGE=1 also deletes DIR.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$(cd "$1" 2>/dev/null && pwd) || { echo "no such directory: $1" >&2; exit 1; }
data="$dir/data"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$bin" ] && [ -f "$data/PG_VERSION" ]; then
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); else as=(); fi
  if "${as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >&2
  fi
fi
if [ "${PG_PURGE:-0}" = 1 ]; then rm -rf "$dir"; fi
