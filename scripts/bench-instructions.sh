#!/usr/bin/env bash
# Instructions a greedy decision executes, counted by valgrind rather than timed: the count does not
# depend on what else the shared host is doing (timed A/Bs on this VM have swung by 40% within minutes).
#
#   scripts/bench-instructions.sh REV... [-- extra arguments of bench/scheduler.ts]
#
# Each REV is a git revision, or `.` for the working tree. For each, the scheduler benchmark's decision
# run (`--only decisions`, balanced unless told otherwise) is counted under `valgrind --tool=cachegrind`
# at two task counts, the two at once on the machine's two cores; the difference divided by the
# difference in tasks is the count per decision, without the set-up, the warm-up and the harness
# (the benchmark's own workload generation and digest are a few per cent of it). Everything the process
# runs is counted: the JIT's code, V8's builtins, the collector and the compiler threads. Instructions
# are not time — a cache miss costs no instructions — so a change is kept on a timed A/B as well, and
# this tells what a change does to the work when the timing cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
  echo "needs valgrind (apt-get install valgrind)" >&2
  exit 2
}
revs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  revs+=("$1")
  shift
done
[ $# -gt 0 ] && shift
extra=("$@")
[ ${#extra[@]} -eq 0 ] && extra=(--policy balanced)
[ ${#revs[@]} -eq 0 ] && revs=(.)
small=${SMALL_TASKS:-10000}
large=${LARGE_TASKS:-30000}

root=$(pwd)
tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  git -C "$root" worktree prune
}
trap cleanup EXIT

# the scheduler's V8 flags given directly, so the benchmark does not start itself again outside valgrind;
# --predictable: V8 runs its collector and compiler on the main thread, so the count repeats (within ~1%)
flags=$(node --import tsx -e 'import("./src/runtime/node-flags.ts").then((m) => console.log(m.SCHEDULER_NODE_FLAGS.join(" ")))')

count() { # dir tasks out
  (cd "$1" && valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    node --predictable $flags bench/scheduler.js --only decisions --tasks "$2" "${extra[@]}" >"$3.json" 2>"$3.err")
  grep -o 'I *refs: *[0-9,]*' "$3.err" | tr -dc '0-9'
}

k=0
for rev in "${revs[@]}"; do
  k=$((k + 1))
  dir=$root
  if [ "$rev" != "." ]; then
    dir="$tmp/r$k"
    git -C "$root" worktree add --detach -q "$dir" "$rev"
    ln -s "$root/node_modules" "$dir/node_modules"
  fi
  # counted as JavaScript compiled by tsc: under tsx's loader thread the same run's count varied by 5%
  js="$tmp/js$k"
  (cd "$dir" && npx tsc -p . --noEmit false --outDir "$js" --rootDir .)
  ln -s "$root/node_modules" "$js/node_modules"
  ln -s "$dir/data" "$js/data"
  cp "$dir/package.json" "$js/"
  dir=$js
  count "$dir" "$small" "$tmp/s$k" >"$tmp/s$k.n" &
  count "$dir" "$large" "$tmp/l$k" >"$tmp/l$k.n" &
  wait
  node -e '
    const [s, l, small, large, rev, js] = process.argv.slice(1);
    const d = JSON.parse(require("fs").readFileSync(js, "utf8").trim().split("\n").pop()).decisions;
    const per = (Number(l) - Number(s)) / (Number(large) - Number(small));
    console.log(`${rev}: ${Math.round(per)} instructions a decision (digest ${d.digest}, placed ${d.placed}, deferred ${d.deferredToGreenerHour} of ${large})`);
  ' "$(cat "$tmp/s$k.n")" "$(cat "$tmp/l$k.n")" "$small" "$large" "$rev" "$tmp/l$k.json"
done
