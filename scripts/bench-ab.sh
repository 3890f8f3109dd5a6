#!/usr/bin/env bash
# Compares the greedy decision rate of two versions of the scheduler the way bench/README.md's rounds do:
# both pinned to one core, run alternately (the host's load drifts), the same decisions required.
#
#   scripts/bench-ab.sh A B [rounds] [-- extra arguments of bench/scheduler.ts]
#
# A and B are git revisions, or `.` for the working tree. Each revision is checked out into a temporary
# worktree that uses this tree's node_modules. Prints each pair, how many pairs each side won, and the
# medians; exits 1 when the two make different decisions (digest, placed or deferred differ).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: scripts/bench-ab.sh A B [rounds] [-- bench arguments]" >&2
  exit 2
fi
a_rev=$1
b_rev=$2
shift 2
rounds=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  rounds=$1
  shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
extra=("$@")
[ ${#extra[@]} -eq 0 ] && extra=(--policy balanced)

# shellcheck source=scripts/bench-revs.sh
source scripts/bench-revs.sh
a_dir=$(tree_of "$a_rev" a)
b_dir=$(tree_of "$b_rev" b)
warm_memory

# one run: "rate tenths digest placed deferred" (taskset keeps npm, the benchmark and its re-run on core 0);
# tenths: the CPU seconds of each tenth of the run, comma-separated (- from a version without them)
run() {
  (cd "$1" && taskset -c 0 npm run -s bench -- scheduler --only decisions "${extra[@]}" 2>/dev/null) |
    node -e 'let s="";process.stdin.on("data",(c)=>{s+=c}).on("end",()=>{const d=JSON.parse(s.trim().split("\n").pop());const x=d.decisions;console.log(d.decisionsPerSecond,(x.cpuSecondsByTenth??["-"]).join(","),x.digest,x.placed,x.deferredToGreenerHour)})'
}

# best_of TENTHS...: decisions per CPU second over the least time each tenth took in any of the runs —
# the host's speed changes within a run too, so this moves less than a median of totals
best_of() {
  node -e '
    const runs = process.argv.slice(1).filter((t) => t !== "-").map((t) => t.split(",").map(Number));
    if (runs.length === 0) { console.log("-"); process.exit(0); }
    const least = runs[0].map((_, i) => Math.min(...runs.map((r) => r[i])));
    console.log(Math.round(Number(process.env.TASKS) / least.reduce((a, b) => a + b, 0)));
  ' "$@"
}

as=()
bs=()
at=()
bt=()
a_wins=0
b_wins=0
same=1
for i in $(seq "$rounds"); do
  ra=$(run "$a_dir")
  rb=$(run "$b_dir")
  read -r a_rate a_tenths a_key <<<"$ra"
  read -r b_rate b_tenths b_key <<<"$rb"
  echo "round $i  A $a_rate $a_key  |  B $b_rate $b_key"
  [ "$a_key" = "$b_key" ] || same=0
  as+=("$a_rate")
  bs+=("$b_rate")
  at+=("$a_tenths")
  bt+=("$b_tenths")
  if [ "$b_rate" -gt "$a_rate" ]; then b_wins=$((b_wins + 1)); else a_wins=$((a_wins + 1)); fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "pairs won: A $a_wins, B $b_wins; medians (decisions per CPU second): A $(median "${as[@]}"), B $(median "${bs[@]}")"
tasks=100000
for ((j = 0; j < ${#extra[@]}; j++)); do [ "${extra[j]}" = "--tasks" ] && tasks=${extra[j + 1]}; done
echo "best of each tenth over the runs (decisions per CPU second): A $(TASKS=$tasks best_of "${at[@]}"), B $(TASKS=$tasks best_of "${bt[@]}")"
if [ $same -eq 0 ]; then
  echo "the two versions made different decisions (digest, placed or deferred differ)" >&2
  exit 1
fi
