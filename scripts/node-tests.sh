#!/usr/bin/env bash
# Runs node's test runner over every *.test.ts below the given folder (node 20 has no --test globs).
set -euo pipefail
dir=$1; shift
mapfile -t files < <(find "$dir" -name '*.test.ts' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no tests in $dir" >&2; exit 1; fi
exec node --import tsx --test --test-reporter=spec --test-concurrency=2 "$@" "${files[@]}"
