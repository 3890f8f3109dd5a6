#!/usr/bin/env bash
# Instructions a greedy decision executes, counted by valgrind rather than timed, in all and by function:
# a count does not depend on what else the shared host is doing (timed A/Bs on this VM have swung by 40%
# within minutes).
#
#   scripts/bench-instructions.sh REV... [-- extra arguments of bench/scheduler.ts]
#
# Each REV is a git revision, or `.` for the working tree. For each, the scheduler benchmark's decision
# run (`--only decisions`, balanced unless told otherwise), compiled by tsc, is run under
# `valgrind --tool=callgrind` at two task counts, the two at once on the machine's two cores; the
# difference divided by the difference in tasks is the count a decision, without the set-up, the warm-up
# and the harness (the benchmark's own workload generation and digest remain, a few per cent). Everything
# the process runs is counted: the JIT's code (named through V8's perf map), V8's builtins, and with
# --predictable the collector and the compiler, on the main thread. A function's count repeats exactly
# from run to run; the total moves by a few per cent with where the collector's major collections fall,
# so compare functions. Instructions are not time (a cache miss costs none): a change is kept on a timed
# A/B as well, and this says what a change did to the work when the timing cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-revs.sh
source scripts/bench-revs.sh
need valgrind valgrind
revs_and_args "$@"
top=${TOP:-25}
small=${SMALL_TASKS:-10000}
large=${LARGE_TASKS:-30000}

# the scheduler's V8 flags given directly, so the benchmark does not start itself again outside valgrind;
# --predictable: V8 runs its collector and compiler on the main thread
flags=$(scheduler_flags)

count() { # dir tasks out
  (cd "$1" && valgrind --tool=callgrind --callgrind-out-file="$3.cg" \
    node --predictable --perf-basic-prof $flags bench/scheduler.js --only decisions --tasks "$2" "${extra[@]}" \
    >"$3.json" 2>"$3.err")
  local pid
  pid=$(grep -m1 '^pid:' "$3.cg" | tr -dc '0-9')
  mv "/tmp/perf-$pid.map" "$3.map"
}

k=0
for rev in "${revs[@]}"; do
  k=$((k + 1))
  dir=$(compiled_of "$(tree_of "$rev" "r$k")" "js$k")
  count "$dir" "$small" "$tmp/s$k" &
  count "$dir" "$large" "$tmp/l$k" &
  wait
  node -e '
    const [rev, js] = process.argv.slice(1);
    const d = JSON.parse(require("fs").readFileSync(js, "utf8").trim().split("\n").pop()).decisions;
    console.log(`${rev}: digest ${d.digest}, placed ${d.placed}, deferred ${d.deferredToGreenerHour} of ${d.tasks}`);
  ' "$rev" "$tmp/l$k.json"
  node scripts/callgrind-functions.mjs "$tmp/s$k.cg" "$tmp/s$k.map" "$tmp/l$k.cg" "$tmp/l$k.map" \
    $((large - small)) "$top"
done
