#!/usr/bin/env bash
# scripts/slurm/ctl.sh DIR CLUSTER stop|kill|start|status
#
# Stops or starts ONE cluster's controller (slurmctld) of a DIR made by scripts/slurm/start.sh: how the
# failure tests make a data center stop answering and come back. slurmd and slurmrestd keep running, as
# they would when a real controller host fails; running jobs carry on under slurmd.
#   stop    SIGTERM (slurmctld saves its state), wait for it to exit
#   kill    SIGKILL (a crash: state as of the last periodic save)
#   start   start it again; it recovers its jobs from StateSaveLocation; waits until it answers
#   status  prints "up PID" or "down", exit 0 either way
set -euo pipefail
SLURM_SCRIPT=ctl
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || slurm_die "usage: ctl.sh DIR CLUSTER stop|kill|start|status"
DIR=$(cd "$1" && pwd) || slurm_die "no such dir: $1"
NAME=$2
ACTION=$3
CONF=$DIR/$NAME/slurm.conf
PIDS=$DIR/pids
[ -f "$CONF" ] || slurm_die "no cluster '$NAME' in $DIR (missing $CONF)"
[ -f "$PIDS" ] || slurm_die "$DIR is not running (no $PIDS); use scripts/slurm/start.sh"
pid=$(recorded_pid "$PIDS" "slurmctld:$NAME")

case $ACTION in
  status)
    if is_alive "$pid" "$CONF"; then echo "up $pid"; else echo "down"; fi
    ;;
  stop | kill)
    is_alive "$pid" "$CONF" || { slurm_log "$NAME: slurmctld is not running"; exit 0; }
    if [ "$ACTION" = kill ]; then stop_pid "$pid" "$CONF" "slurmctld:$NAME" KILL; else stop_pid "$pid" "$CONF" "slurmctld:$NAME"; fi
    ;;
  start)
    if is_alive "$pid" "$CONF"; then slurm_log "$NAME: slurmctld already running (pid $pid)"; exit 0; fi
    # shellcheck disable=SC2046
    spawn "$PIDS" "slurmctld:$NAME" "$DIR/$NAME/log/slurmctld.out" $(slurmctld_cmd "$DIR" "$NAME")
    pid=$(recorded_pid "$PIDS" "slurmctld:$NAME")
    timeout=${LOCAL_SLURM_TIMEOUT:-60}
    deadline=$(( $(date +%s) + timeout ))
    until SLURM_CONF=$CONF timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP'; do
      is_alive "$pid" "$CONF" || { tail -5 "$DIR/$NAME/log/slurmctld.log" >&2; slurm_die "$NAME: slurmctld exited at start"; }
      [ "$(date +%s)" -lt "$deadline" ] || slurm_die "$NAME: slurmctld not answering after ${timeout}s"
      sleep 0.2
    done
    slurm_log "$NAME: slurmctld up (pid $pid)"
    ;;
  *) slurm_die "unknown action '$ACTION' (stop|kill|start|status)" ;;
esac
