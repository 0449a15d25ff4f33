#!/usr/bin/env bash
# The one test command (npm test): typecheck, lint, unit, language-server and e2e tests.
# Each level prints its runner's closing lines; the first failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== system packages"; bash scripts/setup-system.sh
echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npx eslint src test
echo "== build"; node esbuild.mjs
echo "== unit tests"; bash scripts/node-tests.sh test/unit
echo "== language-server tests"; bash scripts/node-tests.sh test/lsp
echo "== e2e tests (code-server extension host)"; node scripts/e2e-code-server.mjs
