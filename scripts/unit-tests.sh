#!/usr/bin/env bash
# Runs the test files given, or every test under test/, with Node's test runner.
# Integration services (PostgreSQL, Slurm, Chromium) are started by scripts/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
