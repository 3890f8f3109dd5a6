# shellcheck shell=bash
# Helpers shared by scripts/bench-ab.sh, scripts/bench-instructions.sh and scripts/bench-profile.sh,
# which measure git revisions side by side. Source it from the repository's root: it sets `root` and
# `tmp` (a temporary directory removed on exit, with the worktrees made in it) and defines need,
# revs_and_args, tree_of, compiled_of, scheduler_flags and warm_memory.
root=$(pwd)
tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  git -C "$root" worktree prune
}
trap cleanup EXIT

# need TOOL PACKAGE: stop with status 2 unless TOOL is installed (Debian's PACKAGE has it)
need() {
  command -v "$1" >/dev/null || {
    echo "needs $1 (apt-get install $2)" >&2
    exit 2
  }
}

# revs_and_args ARGS...: `REV... [-- bench arguments]` into the arrays revs (default: `.`, this working
# tree) and extra (default: --policy balanced)
revs_and_args() {
  revs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    revs+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  extra=("$@")
  [ ${#extra[@]} -eq 0 ] && extra=(--policy balanced)
  [ ${#revs[@]} -eq 0 ] && revs=(.)
  return 0
}

# tree_of REV NAME: the directory holding REV (`.` is this working tree), checked out as a detached
# worktree in $tmp/NAME that uses this tree's node_modules
tree_of() {
  if [ "$1" = "." ]; then
    echo "$root"
    return
  fi
  local dir="$tmp/$2"
  git -C "$root" worktree add --detach -q "$dir" "$1"
  ln -s "$root/node_modules" "$dir/node_modules"
  echo "$dir"
}

# compiled_of DIR NAME: DIR's TypeScript compiled by tsc into $tmp/NAME, runnable with plain node (its
# node_modules and data linked). Measured as tsc's output: under tsx's loader thread the same run's
# instruction count varied by 5%.
compiled_of() {
  local js="$tmp/$2"
  (cd "$1" && npx tsc -p . --noEmit false --outDir "$js" --rootDir . >&2)
  ln -s "$root/node_modules" "$js/node_modules"
  ln -s "$1/data" "$js/data"
  cp "$1/package.json" "$js/"
  echo "$js"
}

# scheduler_flags: the scheduler's V8 flags, to give node directly (a benchmark run so does not start
# itself again outside the measuring tool)
scheduler_flags() {
  node --import tsx -e 'import("./src/runtime/node-flags.ts").then((m) => console.log(m.SCHEDULER_NODE_FLAGS.join(" ")))'
}

# warm_memory: write to WARM_MEMORY_MB (default 4096) MB of fresh memory in a process of its own, once.
# On a VM whose host backs guest memory lazily (this one is Firecracker), the first touch of a page the
# guest has never used since boot cost ~5 µs more than a later one: a decision run makes ~44k minor faults,
# so timings taken soon after boot were 20–30% slower than the same tree later in the session. Afterwards
# the kernel hands out pages the host already backs, and runs compare code, not the machine's age.
warm_memory() {
  local mb=${WARM_MEMORY_MB:-4096}
  [ "$mb" -gt 0 ] || return 0
  node -e "const b = Buffer.allocUnsafe(${mb} * 2 ** 20); for (let i = 0; i < b.length; i += 4096) b[i] = 1;"
}
