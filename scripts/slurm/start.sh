#!/usr/bin/env bash
# scripts/slurm/start.sh DIR [N]
#
# Starts N independent, real Slurm clusters ("data centers" dc1..dcN) on this one machine, without
# systemd: one private munged, and per cluster one slurmctld, LOCAL_SLURM_NODES slurmd (default 1) and
# two slurmrestd (JWT over TCP, and local auth over a unix socket). Uses Debian's packages (Slurm 22.05
# on Debian 12) and installs what is missing with apt-get. Must run as root. Used by the test command
# (scripts/test-all.sh), the dispatch tests and bench/dispatch.ts.
#
#   DIR  where configs, state, logs, job output and pids go (created if missing; default: mktemp -d)
#   N    number of clusters (default 1)
#
# Environment knobs:
#   LOCAL_SLURM_BASE_PORT   first port (default 16800). Cluster i uses B=BASE+20*(i-1): slurmctld B,
#                           slurmrestd B+1, slurmd of node j B+1+j (j=1..18)
#   LOCAL_SLURM_NODES       nodes (slurmd processes) per cluster (default 1, max 18)
#   LOCAL_SLURM_CPUS        CPUs declared per node (default nproc; more than the host has is allowed)
#   LOCAL_SLURM_MEM_MB      RealMemory declared per node (default 2048)
#   LOCAL_SLURM_PREFIX      cluster name prefix (default dc)
#   LOCAL_SLURM_REST        1 (default) to start slurmrestd, 0 not to (CLI only)
#   LOCAL_SLURM_TOKEN_LIFESPAN  seconds the JWT in clusters.json is valid (default 86400)
#   LOCAL_SLURM_MIN_JOB_AGE seconds a finished job stays visible to squeue/REST (default 300)
#   LOCAL_SLURM_TIMEOUT     seconds to wait for readiness (default 60)
#   LOCAL_SLURM_SMOKE       1 (default): run one trivial job per cluster before reporting ready (the first
#                           job after a cold start waits ~3 s for slurmctld's first scheduling pass)
#
# Writes DIR/clusters.json (machine-readable), DIR/env.sh (source it), DIR/pids, DIR/openapi.json.
# Stop with scripts/slurm/stop.sh DIR; stop/start one controller with scripts/slurm/ctl.sh DIR dcI stop|start.
set -euo pipefail
SLURM_SCRIPT=start
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

T_START=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - T_START) / 1000000 ))ms"; }

[ "$(id -u)" = 0 ] || slurm_die "must run as root (SlurmUser=root; slurmd must be able to run jobs as any user)"

DIR=${1:-}
N=${2:-1}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || slurm_die "N must be a positive integer, got '$N'"
NODES=${LOCAL_SLURM_NODES:-1}
[[ "$NODES" =~ ^[1-9][0-9]*$ ]] && [ "$NODES" -le 18 ] || slurm_die "LOCAL_SLURM_NODES must be 1..18, got '$NODES'"
BASE=${LOCAL_SLURM_BASE_PORT:-16800}
[[ "$BASE" =~ ^[1-9][0-9]*$ ]] && [ $((BASE + 20 * N)) -lt 65536 ] || slurm_die "LOCAL_SLURM_BASE_PORT out of range: '$BASE'"
PREFIX=${LOCAL_SLURM_PREFIX:-dc}
[[ "$PREFIX" =~ ^[a-z][a-z0-9]*$ ]] || slurm_die "LOCAL_SLURM_PREFIX must be lowercase letters/digits, got '$PREFIX'"
REST=${LOCAL_SLURM_REST:-1}
TOKEN_LIFESPAN=${LOCAL_SLURM_TOKEN_LIFESPAN:-86400}
MIN_JOB_AGE=${LOCAL_SLURM_MIN_JOB_AGE:-300}
TIMEOUT=${LOCAL_SLURM_TIMEOUT:-60}
SMOKE=${LOCAL_SLURM_SMOKE:-1}
HOST=$(hostname -s 2>/dev/null || cat /proc/sys/kernel/hostname)
REAL_CPUS=$(nproc)
CPUS=${LOCAL_SLURM_CPUS:-$REAL_CPUS}
[[ "$CPUS" =~ ^[1-9][0-9]*$ ]] || slurm_die "LOCAL_SLURM_CPUS must be a positive integer, got '$CPUS'"
MEM=${LOCAL_SLURM_MEM_MB:-2048}
[[ "$MEM" =~ ^[1-9][0-9]*$ ]] || slurm_die "LOCAL_SLURM_MEM_MB must be a positive integer, got '$MEM'"
# The REST plugins we load; the platform negotiates the newest it knows from /openapi/v3.
REST_PLUGINS=openapi/v0.0.38,openapi/v0.0.37,openapi/v0.0.36
API=v0.0.38

# ---------------------------------------------------------------- packages
need=()
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
if [ "$REST" = 1 ]; then command -v slurmrestd >/dev/null 2>&1 || need+=(slurmrestd); fi
# JWT auth lives in its own package; without it slurmctld cannot check REST tokens.
ls /usr/lib/*/slurm-wlm/auth_jwt.so >/dev/null 2>&1 || need+=(slurm-wlm-jwt-plugin)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  slurm_log "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  APTLOG=$(mktemp /tmp/suanwang-slurm-apt.XXXXXX)
  if ! apt-get install -y --no-install-recommends "${need[@]}" >"$APTLOG" 2>&1; then
    apt-get update >>"$APTLOG" 2>&1
    apt-get install -y --no-install-recommends "${need[@]}" >>"$APTLOG" 2>&1 \
      || { tail -20 "$APTLOG" >&2; slurm_die "apt-get install failed (log: $APTLOG)"; }
  fi
  rm -f "$APTLOG"
  slurm_log "installed in $(elapsed)"
fi
VERSION=$(slurmctld -V | awk '{print $2}')

# ---------------------------------------------------------------- dirs
if [ -z "$DIR" ]; then DIR=$(mktemp -d /tmp/suanwang-slurm.XXXXXX); fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[[ "$DIR" =~ ^[A-Za-z0-9_./-]+$ ]] || slurm_die "DIR must not contain spaces or special characters (slurm.conf paths): '$DIR'"
chmod 755 "$DIR"
PIDS=$DIR/pids
if [ -f "$PIDS" ]; then
  while read -r what pid; do
    if is_alive "$pid" "${what%%:*}"; then
      slurm_die "$DIR already has running daemons ($what pid $pid); run scripts/slurm/stop.sh $DIR first"
    fi
  done <"$PIDS"
  rm -f "$PIDS"
fi

# munged insists that every directory above its socket is world-executable, and unix socket paths
# must be < 108 bytes: use DIR/run when both hold, else a short private dir under /tmp.
path_ok=1
p=$DIR
while [ "$p" != / ]; do
  [ "$(( 0$(stat -c %a "$p") & 1 ))" = 1 ] || { path_ok=0; break; }
  p=$(dirname "$p")
done
if [ "$path_ok" = 1 ] && [ ${#DIR} -le 70 ]; then
  RUN=$DIR/run
  rm -rf "$RUN"; mkdir -p "$RUN"
else
  RUN=$(mktemp -d /tmp/suanwang-slurm-run.XXXXXX)
fi
chmod 755 "$RUN"
echo "$RUN" >"$DIR/run_dir"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for i in $(seq 1 "$N"); do
  B=$((BASE + 20 * (i - 1)))
  for p in $(seq "$B" $((B + 1 + NODES))); do
    port_in_use "$p" && slurm_die "port $p on 127.0.0.1 is already in use (set LOCAL_SLURM_BASE_PORT)"
  done
done
: >"$PIDS"

# ---------------------------------------------------------------- munge (private: own key, socket, pid)
mkdir -p "$DIR/munge"
chmod 755 "$DIR/munge"
[ -s "$DIR/munge/munge.key" ] || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$DIR/munge/munge.key"
MUNGE_SOCK=$RUN/munge.sock
rm -f "$MUNGE_SOCK" "$MUNGE_SOCK.lock"
spawn "$PIDS" munged "$DIR/munge/munged.out" munged -F \
  --key-file="$DIR/munge/munge.key" --socket="$MUNGE_SOCK" \
  --pid-file="$RUN/munged.pid" --log-file="$DIR/munge/munged.log" \
  --seed-file="$DIR/munge/munged.seed"
munge_ok() { munge -S "$MUNGE_SOCK" -n 2>/dev/null | unmunge -S "$MUNGE_SOCK" >/dev/null 2>&1; }
for _ in $(seq 1 100); do munge_ok && break; sleep 0.1; done
munge_ok || { cat "$DIR/munge/munged.log" >&2; slurm_die "munged did not come up"; }

# ---------------------------------------------------------------- clusters
EXTRA_SLURMD_PARAMS=""
# Declaring more CPUs than the host has is refused unless slurmd is told to trust the config.
if [ "$CPUS" -gt "$REAL_CPUS" ]; then EXTRA_SLURMD_PARAMS="SlurmdParameters=config_overrides"; fi
# CR_Core_Memory without DefMemPerCPU gives every job a whole node's memory: one job per node.
DEF_MEM_PER_CPU=$((MEM / CPUS)); [ "$DEF_MEM_PER_CPU" -ge 1 ] || DEF_MEM_PER_CPU=1

NAMES=()
for i in $(seq 1 "$N"); do
  name=$PREFIX$i
  NAMES+=("$name")
  C=$DIR/$name
  B=$((BASE + 20 * (i - 1)))
  rm -rf "$C/state" "$C/spool" "$C/log"
  mkdir -p "$C/state" "$C/spool" "$C/log" "$C/jobs"
  for j in $(seq 1 "$NODES"); do mkdir -p "$C/spool/${name}n$j"; done
  chmod 1777 "$C/jobs" # job output; jobs may run as any user
  dd if=/dev/urandom of="$C/jwt_hs256.key" bs=32 count=1 status=none
  chmod 600 "$C/jwt_hs256.key"
  {
    echo "# generated by scripts/slurm/start.sh: cluster $name of $N"
    echo "ClusterName=$name"
    echo "SlurmctldHost=$HOST(127.0.0.1)"
    echo "SlurmctldPort=$B"
    echo "SlurmdPort=$((B + 2))"
    echo "SlurmUser=root"
    echo "SlurmdUser=root"
    echo "AuthType=auth/munge"
    echo "AuthInfo=socket=$MUNGE_SOCK"
    echo "CredType=cred/munge"
    echo "AuthAltTypes=auth/jwt"
    echo "AuthAltParameters=jwt_key=$C/jwt_hs256.key"
    echo "StateSaveLocation=$C/state"
    echo "SlurmdSpoolDir=$C/spool/%n"
    echo "SlurmctldPidFile=$C/state/slurmctld.pid"
    echo "SlurmdPidFile=$C/spool/slurmd-%n.pid"
    echo "SlurmctldLogFile=$C/log/slurmctld.log"
    echo "SlurmdLogFile=$C/log/slurmd-%n.log"
    echo "SlurmctldDebug=info"
    echo "SlurmdDebug=info"
    echo "ProctrackType=proctrack/linuxproc"
    echo "TaskPlugin=task/none"
    echo "SelectType=select/cons_tres"
    echo "SelectTypeParameters=CR_Core_Memory"
    echo "DefMemPerCPU=$DEF_MEM_PER_CPU"
    echo "SchedulerType=sched/backfill"
    echo "# the default batch_sched_delay=3 delays each batch job up to 3 s"
    echo "SchedulerParameters=batch_sched_delay=0"
    echo "AccountingStorageType=accounting_storage/none"
    echo "JobAcctGatherType=jobacct_gather/none"
    echo "# no slurmdbd: 'sacct' says accounting is disabled; 'sacct -c' reads this file"
    echo "JobCompType=jobcomp/filetxt"
    echo "JobCompLoc=$C/log/jobcomp.txt"
    echo "MinJobAge=$MIN_JOB_AGE"
    echo "MpiDefault=none"
    echo "MailProg=/bin/true"
    echo "ReturnToService=2"
    [ -z "$EXTRA_SLURMD_PARAMS" ] || echo "$EXTRA_SLURMD_PARAMS"
    for j in $(seq 1 "$NODES"); do
      echo "NodeName=${name}n$j NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((B + 1 + j)) CPUs=$CPUS RealMemory=$MEM State=UNKNOWN"
    done
    echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
  } >"$C/slurm.conf"

  # shellcheck disable=SC2046
  spawn "$PIDS" "slurmctld:$name" "$C/log/slurmctld.out" $(slurmctld_cmd "$DIR" "$name")
  for j in $(seq 1 "$NODES"); do
    spawn "$PIDS" "slurmd:${name}n$j" "$C/log/slurmd-${name}n$j.out" \
      env SLURM_CONF="$C/slurm.conf" slurmd -D -f "$C/slurm.conf" -N "${name}n$j"
  done
  if [ "$REST" = 1 ]; then
    rm -f "$RUN/$name-rest.sock"
    # JWT over TCP needs SLURM_JWT=daemon, which breaks rest_auth/local: the unix-socket endpoint is a
    # second process. slurmrestd refuses root without disable_user_check, and dies at start if it loads
    # the dbv0.0.3x plugins without slurmdbd, hence -s.
    spawn "$PIDS" "slurmrestd:$name-jwt" "$C/log/slurmrestd-jwt.log" env SLURM_CONF="$C/slurm.conf" \
      SLURM_JWT=daemon SLURMRESTD_SECURITY=disable_user_check \
      slurmrestd -f "$C/slurm.conf" -s "$REST_PLUGINS" -a rest_auth/jwt "127.0.0.1:$((B + 1))"
    spawn "$PIDS" "slurmrestd:$name-local" "$C/log/slurmrestd-local.log" env SLURM_CONF="$C/slurm.conf" \
      SLURMRESTD_SECURITY=disable_user_check \
      slurmrestd -f "$C/slurm.conf" -s "$REST_PLUGINS" -a rest_auth/local "unix:$RUN/$name-rest.sock"
  fi
done
slurm_log "daemons spawned at $(elapsed)"

# ---------------------------------------------------------------- readiness
check_pids() {
  while read -r what pid; do
    if ! is_alive "$pid"; then
      slurm_log "$what (pid $pid) died; its logs:"
      for f in "$DIR"/*/log/*.out "$DIR"/*/log/*.log "$DIR"/munge/*.log; do
        [ -s "$f" ] && { echo "== $f" >&2; tail -5 "$f" >&2; }
      done
      slurm_die "a daemon exited during startup"
    fi
  done <"$PIDS"
}
deadline=$(( $(date +%s) + TIMEOUT ))
declare -A TOKENS
for i in $(seq 1 "$N"); do
  name=$PREFIX$i; C=$DIR/$name; B=$((BASE + 20 * (i - 1)))
  while :; do
    check_pids
    states=$(SLURM_CONF=$C/slurm.conf sinfo -h -N -o '%T' 2>/dev/null || true)
    idle=$(grep -c '^idle$' <<<"$states" || true)
    [ "$idle" = "$NODES" ] && break
    [ "$(date +%s)" -lt "$deadline" ] || slurm_die "$name: nodes not idle after ${TIMEOUT}s: $(tr '\n' ' ' <<<"$states")"
    sleep 0.2
  done
  if [ "$REST" = 1 ]; then
    tok=$(SLURM_CONF=$C/slurm.conf scontrol token username=root lifespan="$TOKEN_LIFESPAN" | sed -n 's/^SLURM_JWT=//p')
    [ -n "$tok" ] || slurm_die "$name: scontrol token failed"
    TOKENS[$name]=$tok
    while :; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-SLURM-USER-NAME: root" \
        -H "X-SLURM-USER-TOKEN: $tok" "http://127.0.0.1:$((B + 1))/slurm/$API/ping" || true)
      lcode=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$RUN/$name-rest.sock" \
        "http://localhost/slurm/$API/ping" || true)
      [ "$code" = 200 ] && [ "$lcode" = 200 ] && break
      [ "$(date +%s)" -lt "$deadline" ] || slurm_die "$name: slurmrestd not answering (jwt $code, local $lcode)"
      check_pids
      sleep 0.2
    done
  fi
  slurm_log "$name ready at $(elapsed)"
done
T_READY=$(elapsed)

if [ "$REST" = 1 ]; then
  curl -s -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: ${TOKENS[${PREFIX}1]}" \
    "http://127.0.0.1:$((BASE + 1))/openapi/v3" >"$DIR/openapi.json" || true
fi

# ---------------------------------------------------------------- outputs
up() { tr '[:lower:]-' '[:upper:]_' <<<"$1"; }
{
  echo "# generated by scripts/slurm/start.sh; source this file"
  echo "export LOCAL_SLURM_DIR='$DIR'"
  echo "export LOCAL_SLURM_VERSION='$VERSION'"
  echo "export LOCAL_SLURM_API='$API'"
  echo "export LOCAL_SLURM_CLUSTERS='${NAMES[*]}'"
  echo "export LOCAL_SLURM_MUNGE_SOCKET='$MUNGE_SOCK'"
  echo "# CLI default: the first cluster (use SLURM_CONF=\$LOCAL_SLURM_<DC>_CONF for another)"
  echo "export SLURM_CONF='$DIR/${PREFIX}1/slurm.conf'"
  for i in $(seq 1 "$N"); do
    name=$PREFIX$i; U=$(up "$name"); B=$((BASE + 20 * (i - 1)))
    echo "export LOCAL_SLURM_${U}_CONF='$DIR/$name/slurm.conf'"
    echo "export LOCAL_SLURM_${U}_WORKDIR='$DIR/$name/jobs'"
    echo "export LOCAL_SLURM_${U}_CTLD_PORT=$B"
    if [ "$REST" = 1 ]; then
      echo "export LOCAL_SLURM_${U}_REST_URL='http://127.0.0.1:$((B + 1))'"
      echo "export LOCAL_SLURM_${U}_REST_USER=root"
      echo "export LOCAL_SLURM_${U}_REST_TOKEN='${TOKENS[$name]}'"
      echo "export LOCAL_SLURM_${U}_REST_SOCKET='$RUN/$name-rest.sock'"
      echo "export LOCAL_SLURM_${U}_JWT_KEY='$DIR/$name/jwt_hs256.key'"
    fi
  done
} >"$DIR/env.sh"

{
  echo "{"
  echo "  \"version\": \"$VERSION\", \"api\": \"$API\", \"dir\": \"$DIR\","
  echo "  \"munge_socket\": \"$MUNGE_SOCK\","
  echo "  \"clusters\": ["
  for i in $(seq 1 "$N"); do
    name=$PREFIX$i; B=$((BASE + 20 * (i - 1)))
    nodes=""
    for j in $(seq 1 "$NODES"); do nodes+="${nodes:+, }\"${name}n$j\""; done
    sep=$([ "$i" -lt "$N" ] && echo , || true)
    echo "    {\"name\": \"$name\", \"slurm_conf\": \"$DIR/$name/slurm.conf\","
    echo "     \"workdir\": \"$DIR/$name/jobs\", \"partition\": \"debug\","
    echo "     \"slurmctld_port\": $B, \"nodes\": [$nodes], \"cpus_per_node\": $CPUS, \"mem_mb_per_node\": $MEM,"
    if [ "$REST" = 1 ]; then
      echo "     \"rest\": {\"url\": \"http://127.0.0.1:$((B + 1))\", \"user\": \"root\","
      echo "              \"token\": \"${TOKENS[$name]}\","
      echo "              \"unix_socket\": \"$RUN/$name-rest.sock\", \"jwt_key\": \"$DIR/$name/jwt_hs256.key\"}}$sep"
    else
      echo "     \"rest\": null}$sep"
    fi
  done
  echo "  ]"
  echo "}"
} >"$DIR/clusters.json"
echo "$DIR" >/tmp/suanwang-slurm.last

if [ "$SMOKE" = 1 ]; then
  for name in "${NAMES[@]}"; do
    t0=$(date +%s%N)
    jid=$(SLURM_CONF=$DIR/$name/slurm.conf sbatch --parsable --chdir="$DIR/$name/jobs" \
      -o "smoke-%j.out" --wrap 'echo smoke ok')
    sdeadline=$(( $(date +%s) + TIMEOUT ))
    while :; do
      [ "$(date +%s)" -lt "$sdeadline" ] || slurm_die "$name smoke job $jid not COMPLETED after ${TIMEOUT}s"
      st=$(SLURM_CONF=$DIR/$name/slurm.conf scontrol show job "$jid" -o | grep -o 'JobState=[A-Z_]*' || true)
      case $st in
        JobState=COMPLETED) break ;;
        JobState=FAILED | JobState=CANCELLED | JobState=NODE_FAIL | JobState=TIMEOUT) slurm_die "$name smoke job $jid $st" ;;
      esac
      sleep 0.05
    done
    slurm_log "$name smoke job $jid COMPLETED in $(( ($(date +%s%N) - t0) / 1000000 ))ms"
  done
fi

slurm_log "Slurm $VERSION: $N cluster(s) x $NODES node(s), $CPUS CPUs each: ready at $T_READY$([ "$SMOKE" = 1 ] && echo ", smoke jobs done at $(elapsed)" || true)"
slurm_log "stop with: scripts/slurm/stop.sh $DIR"
cat "$DIR/env.sh"
