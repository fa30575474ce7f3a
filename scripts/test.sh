#!/usr/bin/env bash
# The one test command (README): build, lint, type-check, unit tests, then integration and end-to-end tests
# against the real PostgreSQL and Redis of this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE="${CI:+true}"
source scripts/lib.sh
[ -d node_modules ] || { echo "dependencies missing: run 'npm ci' first (or 'npm run up')" >&2; exit 1; }
ensure_services

npx nx run-many -t build --outputStyle=stream
npx nx run-many -t lint typecheck --outputStyle=stream
npx nx run-many -t test --outputStyle=stream
# Integration suites share the machine's database server and Redis: one project at a time.
npx nx run-many -t test:integration --parallel=1 --outputStyle=stream
if node -e "process.exit(require('./package.json').scripts['test:e2e'] ? 0 : 1)"; then npm run test:e2e; fi
echo "all test stages passed"
