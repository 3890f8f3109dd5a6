# shellcheck shell=bash
# Helpers shared by scripts/slurm/{start,stop,ctl}.sh. Source it; it defines functions only.
# Daemons are tracked by the PIDs recorded in DIR/pids ("<what> <pid>" lines), never by process name:
# other Slurm daemons (another test run, a real cluster) may run on the same host.

slurm_log() { echo "[slurm:${SLURM_SCRIPT:-?}] $*" >&2; }
slurm_die() { slurm_log "ERROR: $*"; exit 1; }

# is_alive PID [SUBSTRING]: the process exists, is not a zombie (PID 1 on these machines may reap late),
# and its command line contains SUBSTRING (guards against a recycled PID).
is_alive() {
  local pid=$1 st
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  st=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] || return 1
  [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# spawn PIDS_FILE NAME LOGFILE CMD...: start a foreground-mode daemon in its own session, detached from
# our stdio (so a caller's pipes are not held open), and record its pid.
spawn() {
  local pids=$1 name=$2 out=$3
  shift 3
  setsid "$@" </dev/null >"$out" 2>&1 &
  echo "$name $!" >>"$pids"
}

# recorded_pid PIDS_FILE NAME: the last pid recorded for NAME.
recorded_pid() { awk -v n="$2" '$1 == n {p = $2} END {if (p) print p}' "$1" 2>/dev/null; }

# stop_pid PID SUBSTRING LABEL [SIGNAL]: signal it (TERM by default), wait up to 10 s, then SIGKILL.
stop_pid() {
  local pid=$1 sub=$2 label=$3 sig=${4:-TERM}
  is_alive "$pid" "$sub" || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do is_alive "$pid" "$sub" || break; sleep 0.1; done
  if is_alive "$pid" "$sub"; then
    slurm_log "$label (pid $pid) did not exit after SIG$sig; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do is_alive "$pid" "$sub" || break; sleep 0.1; done
  fi
  slurm_log "stopped $label (pid $pid)"
}

# slurmctld_cmd DIR NAME: how a cluster's controller is started (start.sh and ctl.sh must agree).
# Without -c, slurmctld recovers jobs from StateSaveLocation, which is what a restart after a failure needs.
slurmctld_cmd() { echo "env SLURM_CONF=$1/$2/slurm.conf slurmctld -D -f $1/$2/slurm.conf"; }
