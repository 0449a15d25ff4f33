#!/usr/bin/env bash
# The one test command (npm test): system packages, the standalone check, typecheck, lint, build,
# then the four test stages by cost - unit (in-process), integration (processes, proxies, workers,
# Chromium, large files), language server, e2e in code-server's extension host. Each stage prints
# its runner's counts (skipped included; under CI=true a skip fails) and its wall time; the table of
# times is printed at the end, also when a stage fails (the first failure stops the run).
set -euo pipefail
cd "$(dirname "$0")/.."
times=()
stage_start=0
stage_name=''
report() {
  local status=$?
  [ -n "$stage_name" ] && times+=("$(printf '%-34s %6ss  %s' "$stage_name" "$(( $(date +%s) - stage_start ))" "$([ $status = 0 ] && echo ok || echo FAILED)")")
  echo
  echo "== wall time per stage"
  for t in "${times[@]}"; do echo "   $t"; done
  exit $status
}
trap report EXIT
stage() { # stage NAME COMMAND...
  stage_name=$1; shift
  echo "== $stage_name"
  stage_start=$(date +%s)
  "$@"
  times+=("$(printf '%-34s %6ss  ok' "$stage_name" "$(( $(date +%s) - stage_start ))")")
  stage_name=''
}
stage 'system packages' bash scripts/setup-system.sh
stage 'standalone (nothing outside the repo)' node scripts/check-standalone.mjs
stage 'typecheck' npx tsc --noEmit -p .
stage 'lint (eslint, prettier --check)' npm run --silent lint
stage 'build' node esbuild.mjs
stage 'unit tests' bash scripts/node-tests.sh test/unit
stage 'integration tests' bash scripts/node-tests.sh test/integration
stage 'language-server tests' bash scripts/node-tests.sh test/lsp
stage 'e2e tests (code-server extension host)' node scripts/e2e-code-server.mjs
