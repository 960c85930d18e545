#!/usr/bin/env bash
# Sets custom weights on the live movie-backend VirtualService as a guarded JSON patch, then prints the new split.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly VIRTUAL_SERVICE="${VIRTUAL_SERVICE:-movie-backend}"

usage() {
  cat <<USAGE
Usage: $(basename "$0") V1 V2

Shifts /api/ traffic of the live VirtualService ${VIRTUAL_SERVICE} to V1 % on subset v1 and V2 % on subset v2.
V1 and V2 are whole numbers from 0 to 100 that sum to 100; anything else is rejected before kubectl is called.

The change is one 'kubectl patch --type=json' on the rule plain /api/ requests take (header-routing's premium
rule keeps its destination). The sticky-session pin rules follow the weights in the same patch: a subset going
to 0 loses its movie-version pin rule (its visitors fall through to the weights), one coming back gets it again.
Its 'test' ops check every rule and destination subset the patch relies on, so if the object changed shape the
API server rejects the patch and nothing moves.

Examples:
  $(basename "$0") 95 5      # canary: 5 % to v2
  $(basename "$0") 0 100     # cut over to v2

Environment:
  NAMESPACE   namespace of the VirtualService (default: movies, now: ${NAMESPACE})
  KUBECTL     kubectl binary (default: kubectl, now: ${KUBECTL})

Exit codes: 0 shifted, 64 invalid weights, 65 the VirtualService cannot be shifted, 1 kubectl failed.
USAGE
}

main() {
  case "${1:-}" in
    -h | --help)
      usage
      return 0
      ;;
  esac
  local split v1 v2
  split="$(validate_weights "$@")"
  read -r v1 v2 <<<"${split}"
  require_kubectl

  local live patch
  if ! live="$(kube get virtualservice "${VIRTUAL_SERVICE}" -o json)"; then
    die "cannot read VirtualService ${VIRTUAL_SERVICE} in namespace ${NAMESPACE}. Deploy first: scripts/deploy.sh apply 100-0"
  fi
  if ! patch="$(ops_helper plan-shift "${v1}" "${v2}" <<<"${live}")"; then
    die "VirtualService ${VIRTUAL_SERVICE} was left unchanged." "${EXIT_DATA}"
  fi
  log::info "patching virtualservice/${VIRTUAL_SERVICE} in ${NAMESPACE}: v1 ${v1} %, v2 ${v2} %"
  if ! kube patch virtualservice "${VIRTUAL_SERVICE}" --type=json -p "${patch}" >&2; then
    die "the API server rejected the patch (a failed 'test' op means the VirtualService changed shape); nothing was changed. Inspect it: kubectl -n ${NAMESPACE} get virtualservice ${VIRTUAL_SERVICE} -o yaml"
  fi
  kube get virtualservice "${VIRTUAL_SERVICE}" -o json | ops_helper split
}

main "$@"
