#!/usr/bin/env bash
# scripts/slurm/stop.sh DIR
#
# Stops what scripts/slurm/start.sh DIR started, by the PIDs recorded in DIR/pids (never by process
# name). Jobs still queued or running are cancelled first (scancel), so no job outlives its slurmd.
# DIR defaults to $LOCAL_SLURM_DIR, then to the last DIR start.sh used.
#   LOCAL_SLURM_PURGE=1  also delete DIR afterwards (default: keep logs and job output)
set -uo pipefail
SLURM_SCRIPT=stop
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DIR=${1:-${LOCAL_SLURM_DIR:-}}
if [ -z "$DIR" ] && [ -f /tmp/suanwang-slurm.last ]; then DIR=$(cat /tmp/suanwang-slurm.last); fi
[ -n "$DIR" ] && [ -d "$DIR" ] || { slurm_log "usage: stop.sh DIR (no such dir: '$DIR')"; exit 1; }
DIR=$(cd "$DIR" && pwd)
PIDS=$DIR/pids
[ -f "$PIDS" ] || { slurm_log "nothing recorded in $PIDS; nothing to stop"; exit 0; }

# 1. cancel the jobs of every cluster whose controller is up
for conf in "$DIR"/*/slurm.conf; do
  [ -f "$conf" ] || continue
  name=$(basename "$(dirname "$conf")")
  is_alive "$(recorded_pid "$PIDS" "slurmctld:$name")" "$conf" || continue
  jobs=$(SLURM_CONF=$conf timeout 10 squeue -h -o '%i' 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    slurm_log "$name: cancelling jobs $jobs"
    # shellcheck disable=SC2086
    SLURM_CONF=$conf timeout 10 scancel $jobs 2>/dev/null
    for _ in $(seq 1 50); do
      left=$(SLURM_CONF=$conf timeout 10 squeue -h -t running,completing,configuring -o '%i' 2>/dev/null | wc -l)
      [ "$left" = 0 ] && break
      sleep 0.2
    done
  fi
done

# 2. the daemons, by recorded PID: REST first, then slurmd, slurmctld, and munged last (all use it)
stop_kind() { # prefix binary
  local what pid
  while read -r what pid; do
    case $what in "$1"*) stop_pid "$pid" "$2" "$what" ;; esac
  done < <(awk '{print $1, $2}' "$PIDS")
}
stop_kind slurmrestd: slurmrestd
stop_kind slurmd: slurmd
stop_kind slurmctld: slurmctld
stop_kind munged munged

rm -f "$PIDS"
if [ -f "$DIR/run_dir" ]; then
  run=$(cat "$DIR/run_dir")
  case $run in
    "$DIR/run" | /tmp/suanwang-slurm-run.*) rm -rf "$run" ;;
  esac
  rm -f "$DIR/run_dir"
fi
if [ "${LOCAL_SLURM_PURGE:-0}" = 1 ]; then
  # only a directory that start.sh populated
  if [ -f "$DIR/clusters.json" ] && [ -f "$DIR/env.sh" ]; then rm -rf "$DIR"; else slurm_log "not purging $DIR"; fi
fi
if [ -f /tmp/suanwang-slurm.last ] && [ "$(cat /tmp/suanwang-slurm.last)" = "$DIR" ]; then rm -f /tmp/suanwang-slurm.last; fi
slurm_log "done"
