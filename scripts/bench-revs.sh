# shellcheck shell=bash
# Helpers shared by scripts/bench-ab.sh and scripts/bench-instructions.sh, which measure git revisions
# side by side. Source it from the repository's root: it sets `root` and `tmp` (a temporary directory
# removed on exit, with the worktrees made in it) and defines tree_of.
root=$(pwd)
tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  git -C "$root" worktree prune
}
trap cleanup EXIT

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
