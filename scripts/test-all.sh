#!/usr/bin/env bash
# The one test command (`npm test`, and what .ci/run calls).
# On a fresh Debian 12 machine it installs what the tests need — the npm packages, PostgreSQL, Slurm,
# Chromium (Debian's packages) — starts a throw-away PostgreSQL cluster and two local Slurm clusters
# ("two data centers"), type-checks, lints, runs every test with Node's test runner, and stops what it
# started (by PID), also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { echo "[test-all] $*" >&2; }

# ---- 1. npm packages
# (npm install, not npm ci: npm 11 writes lock files without the other platforms' optional packages of
# biome/esbuild, which `npm ci` then refuses as out of sync)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm install"; npm install --no-audit --no-fund >&2
fi

# ---- 2. Debian packages (root only; PostgreSQL and Chromium here, Slurm in scripts/slurm/start.sh)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
need=()
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to apt-get install ${need[*]}"; exit 1; }
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# ---- 3. services, stopped on exit
WORK=$(mktemp -d /tmp/suanwang-test.XXXXXX)
chmod 755 "$WORK"
PG_PORT=${SUANWANG_TEST_PG_PORT:-54329}
cleanup() {
  local rc=$?
  bash scripts/slurm/stop.sh "$WORK/slurm" >/dev/null 2>&1 || true
  bash scripts/pg/stop.sh "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK" 2>/dev/null || true
  exit $rc
}
trap cleanup EXIT INT TERM
log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
bash scripts/pg/start.sh "$WORK/pg" "$PG_PORT" >&2
export SUANWANG_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
log "starting two local Slurm clusters"
LOCAL_SLURM_CPUS=${LOCAL_SLURM_CPUS:-8} bash scripts/slurm/start.sh "$WORK/slurm" 2 >&2
export SUANWANG_TEST_SLURM_DIR="$WORK/slurm"
export SUANWANG_TEST_CHROMIUM=/usr/bin/chromium

# ---- 4. static checks (a failure fails the run, after the tests have run and reported)
checks=0
log "type-check"; npx tsc -p . >&2 || { log "type-check FAILED"; checks=1; }
log "lint"; npx biome check src test bench scripts bin >&2 || { log "lint FAILED"; checks=1; }

# ---- 5. the tests (Node's test runner; its closing lines are the summary)
rc=0
bash scripts/unit-tests.sh "$@" || rc=$?
[ "$checks" = 0 ] || { [ "$rc" != 0 ] || rc=1; }
exit "$rc"
