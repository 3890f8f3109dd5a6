#!/usr/bin/env bash
# Where a greedy decision's CPU time goes, sampled rather than counted: `perf record -e cpu-clock` sees
# what an instruction count cannot — the kernel's time (page faults), waiting for memory, and V8's helper
# threads (scavenging, marking, compiling), which the benchmark's rate counts as CPU time of the process.
#
#   scripts/bench-profile.sh REV... [-- extra arguments of bench/scheduler.ts]
#
# Each REV is a git revision, or `.` for the working tree (the default). For each, the scheduler
# benchmark's decision run (balanced unless told otherwise), compiled by tsc, runs pinned to one core
# under perf at 10 kHz with V8's perf map (--perf-basic-prof), its samples cut to the measured decisions
# by the window the benchmark logs. Prints one JSON object a revision (scripts/perf-functions.mjs): the
# shares of the kernel's page faults, the collector and the compiler, and the top functions by samples
# in them (self) and under them (inclusive). Needs perf (Debian: linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-revs.sh
source scripts/bench-revs.sh
need perf linux-perf
revs_and_args "$@"
top=${TOP:-25}

flags=$(scheduler_flags)
warm_memory

k=0
for rev in "${revs[@]}"; do
  k=$((k + 1))
  dir=$(compiled_of "$(tree_of "$rev" "r$k")" "js$k")
  out="$tmp/p$k"
  ls /tmp/perf-*.map 2>/dev/null | sort >"$out.maps" || true
  # CLOCK_MONOTONIC timestamps: the clock the benchmark's window is logged on
  (cd "$dir" && perf record -q -k CLOCK_MONOTONIC -e cpu-clock -F 10000 -g -o "$out.data" -- \
    taskset -c "${CORE:-1}" node --perf-basic-prof $flags bench/scheduler.js --only decisions "${extra[@]}" \
    >"$out.json" 2>"$out.err")
  window=$(grep -o 'measured window [0-9.]*,[0-9.]*' "$out.err" | tail -1 | cut -d' ' -f3)
  [ -n "$window" ] || {
    echo "$rev: the benchmark logged no measured window (see $out.err)" >&2
    exit 1
  }
  perf script -i "$out.data" --time "$window" -F tid,ip,sym 2>/dev/null |
    node scripts/perf-functions.mjs "$rev" "$out.json" "$top"
  # V8's perf map, written to /tmp by node under its pid (the one map new since the run started)
  comm -13 "$out.maps" <(ls /tmp/perf-*.map 2>/dev/null | sort) | xargs -r rm -f
done
