#!/usr/bin/env bash
# Measure and shift the traffic split — the original demo's entry point, now the traffic CLI (apps/traffic):
#   scripts/test-traffic.sh test 100 | monitor | config | set 50-50 | set 95 5 | --help
# Same arguments, output and exit codes as `pnpm traffic …` (0 ok, 1 split mismatch, 2 errors, 64 usage).
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT

main() {
  local tsx="${ROOT}/node_modules/.bin/tsx"
  if [[ ! -x "${tsx}" ]]; then
    echo "test-traffic.sh: ${tsx} not found; run \`pnpm install\` in ${ROOT} first" >&2
    exit 2
  fi
  exec "${tsx}" "${ROOT}/apps/traffic/src/cli.ts" "$@"
}

main "$@"
