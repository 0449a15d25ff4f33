#!/usr/bin/env bash
# Runs node's test runner over every *.test.ts below the given folder (node 20 has no --test globs)
# and prints the counts, skipped and todo included, with the name and reason of each skipped test.
# Under CI=true a skipped or todo test fails the run: a prerequisite (haproxy, nginx,
# python3-ntlm-auth, Chromium, code-server) is installed by scripts/setup-system.sh, never skipped.
#   bash scripts/node-tests.sh test/unit [node --test options]
# Every folder (test/unit, test/integration, test/lsp) runs this way: moving a file between them is
# all it takes to change its stage.
set -uo pipefail
dir=$1; shift
mapfile -t files < <(find "$dir" -name '*.test.ts' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no tests in $dir" >&2; exit 1; fi
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" --test-concurrency=2 "$@" "${files[@]}"
status=$?
count() { grep -E "^# $1 [0-9]+$" "$tap" | tail -1 | awk '{print $3}'; }
tests=$(count tests); pass=$(count pass); fail=$(count fail); cancelled=$(count cancelled); skipped=$(count skipped); todo=$(count todo)
echo "== $dir: ${#files[@]} files, ${tests:-?} tests: ${pass:-?} passed, ${fail:-?} failed, ${cancelled:-?} cancelled, ${skipped:-?} skipped, ${todo:-?} todo"
# the slowest top-level tests: what to look at first when a stage grows
awk '/^(not )?ok [0-9]+ - /{ sub(/^(not )?ok [0-9]+ - /, ""); f=($0 ~ / # SKIP/) ? "" : $0; next } f!="" && /^  duration_ms: /{ printf "%8.1f s  %s\n", $2/1000, f; f="" }' "$tap" \
  | sort -rn | head -5 | sed "s#^#   slowest: #"
if [ "${skipped:-0}" != 0 ] || [ "${todo:-0}" != 0 ]; then
  echo "   skipped or todo:"
  grep -E "^ *(not )?ok [0-9]+ - .* # (SKIP|TODO)" "$tap" | sed -E 's/^ *(not )?ok [0-9]+ - /   - /'
  if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
    echo "== $dir: CI=$CI and tests were skipped: install what they need (scripts/setup-system.sh) instead" >&2
    status=1
  fi
fi
# test/unit is in-process only: name the files that reach for processes or threads (they belong in test/integration)
if [ "$(basename "$dir")" = unit ]; then
  spawning=$(grep -lE "from 'node:(child_process|worker_threads)'" "${files[@]}" 2>/dev/null | sed 's#^#     #' || true)
  [ -n "$spawning" ] && printf '   not in-process (move to test/integration):\n%s\n' "$spawning"
fi
if [ -z "${tests:-}" ] && [ "$status" = 0 ]; then echo "== $dir: the runner printed no summary" >&2; status=1; fi
exit "$status"
