#!/usr/bin/env bash
# Deploys the demo to a cluster and switches between its traffic scenarios: an interactive menu on a terminal,
# and every action as a subcommand for CI (deploy.sh apply 80-20, deploy.sh status, deploy.sh weights 95 5).
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly SCRIPTS="${ROOT}/scripts"
readonly DEFAULT_OVERLAY="100-0"
readonly DEFAULT_FLAGGER_TIMEOUT="300s"
FLAGGER_TIMEOUT="${FLAGGER_TIMEOUT:-${DEFAULT_FLAGGER_TIMEOUT}}"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [COMMAND [ARGS]]

Without a command on a terminal: an interactive menu. Every menu entry is also a command:

  deploy [OVERLAY]        check prerequisites, apply everything (default overlay ${DEFAULT_OVERLAY}: all traffic to v1),
                          and create the tmdb-api-key secret when TMDB_API_KEY is set
  apply OVERLAY           check prerequisites and kubectl apply -k k8s/overlays/OVERLAY
  100-0 | 80-20 | 50-50 | 0-100
                          the fixed splits (same as apply OVERLAY)
  weights V1 V2           custom weights on the live VirtualService (scripts/shift-traffic.sh V1 V2)
  header-routing | fault-injection | mirroring | mtls-strict | gateway-api
                          the scenarios (same as apply OVERLAY)
  status                  deployments, pods, services, Istio objects and the current split
  test [N]                send N requests (default 100) and check the split (scripts/test-traffic.sh test N)
  monitor                 live view of the split (scripts/test-traffic.sh monitor)
  canary [FLAGS]          progressive delivery v1 → v2 with rollback (scripts/canary.sh)
  flagger [v1|v2|faulty]  the same canary run by Flagger in the cluster (k8s/progressive-delivery): install Flagger
                          (k8s/versions.yaml's version) into ${FLAGGER_NAMESPACE} when missing, apply the variant, and
                          wait until the canary is initialized (first apply) or its analysis has started (a new
                          version: v2, or faulty = v2 with FAULT_ERROR_RATE=0.3, which Flagger rolls back).
                          Watch: kubectl -n ${BASE_NAMESPACE} get canary -w. Namespace ${BASE_NAMESPACE} only.
  secret                  create or update the TMDB key secret (scripts/create-secret.sh)
  cleanup [FLAGS]         remove everything the demo created (scripts/cleanup.sh)
  overlays                list the overlays
  menu                    the interactive menu (needs a terminal)

Overlays: $(list_overlays | paste -sd ' ' -)

Prerequisite checks before an apply, each naming what is missing and how to fix it: kubectl installed, a current
context whose API server answers, the Istio CRDs the overlay uses, and (after the apply) the namespace's sidecar
injection label.

Environment:
  NAMESPACE   target namespace (default: movies, now: ${NAMESPACE}); another name re-targets every object
  KUBECTL     kubectl binary (default: kubectl, now: ${KUBECTL})
  TMDB_API_KEY  used by 'deploy' and 'secret' to create the tmdb-api-key secret (never printed)
  FLAGGER_TIMEOUT  how long 'flagger' waits for Flagger and the canary (default ${DEFAULT_FLAGGER_TIMEOUT})

Exit codes: 0 ok, 64 usage, 69 a prerequisite is missing, 78 the cluster is misconfigured, 1 kubectl failed.
USAGE
}

check_prerequisites() {
  local overlay="$1"
  require_kubectl
  check_cluster_reachable
  check_crds "${overlay}"
}

# The objects the previous overlay made that the next one does not have (e.g. mtls-strict's PeerAuthentication
# when switching to 80-20): kubectl apply never removes them, so a switch would silently keep them.
prune_previous_overlay() {
  local previous="$1" next="$2"
  [[ -n "${previous}" && "${previous}" != "${next}" && -f "${ROOT}/k8s/overlays/${previous}/kustomization.yaml" ]] || return 0
  local stale
  stale="$(ops_helper render --namespace "${NAMESPACE}" --skip-namespace-object --except "${next}" "${previous}")"
  [[ -n "${stale}" ]] || return 0
  log::info "removing what ${previous} added and ${next} does not have:"
  kube delete -f - --ignore-not-found <<<"${stale}" >&2
}

cmd_apply() {
  (($# == 1)) || usage_error "apply needs exactly one overlay, e.g. apply 80-20"
  local overlay="$1"
  validate_overlay "${overlay}"
  check_prerequisites "${overlay}"

  local created="" previous=""
  if namespace_exists; then
    previous="$(namespace_annotation "${OVERLAY_ANNOTATION}")"
  else
    created="yes"
  fi

  log::info "applying k8s/overlays/${overlay} to namespace ${NAMESPACE}"
  if [[ "${NAMESPACE}" == "${BASE_NAMESPACE}" ]]; then
    kube apply -k "${ROOT}/k8s/overlays/${overlay}" >&2
  else
    # k8s/base pins namespace movies; the helper renders the overlay with every object moved to NAMESPACE.
    ops_helper render --namespace "${NAMESPACE}" "${overlay}" | kube apply -f - >&2
  fi
  prune_previous_overlay "${previous}" "${overlay}"

  # Remember the overlay (cleanup deletes exactly its objects) and whether this run created the namespace
  # (cleanup deletes a namespace only if the demo made it).
  local annotations=("${OVERLAY_ANNOTATION}=${overlay}")
  [[ -n "${created}" ]] && annotations+=("${CREATED_BY_ANNOTATION}=deploy.sh")
  kube annotate namespace "${NAMESPACE}" "${annotations[@]}" --overwrite >/dev/null

  check_injection_label
  print_split
  log::ok "overlay ${overlay} applied"
}

# Prints the split plain /api/ traffic gets now, read back from the live VirtualService.
print_split() {
  local live
  if live="$(kube get virtualservice movie-backend -o json 2>/dev/null)"; then
    ops_helper split <<<"${live}"
  else
    log::info "no VirtualService movie-backend in ${NAMESPACE} (the gateway-api overlay routes with an HTTPRoute)"
  fi
}

cmd_deploy() {
  (($# <= 1)) || usage_error "deploy takes at most one overlay"
  cmd_apply "${1:-${DEFAULT_OVERLAY}}"
  if [[ -n "${TMDB_API_KEY:-}" ]]; then
    "${SCRIPTS}/create-secret.sh"
  else
    log::info "TMDB_API_KEY is not set: the backends serve their bundled catalogues (add a key later with: $(basename "$0") secret)"
  fi
}

cmd_status() {
  require_kubectl
  check_cluster_reachable
  if ! namespace_exists; then
    log::info "namespace ${NAMESPACE} does not exist: nothing is deployed (deploy with: $(basename "$0") deploy)"
    return 0
  fi
  local overlay
  overlay="$(namespace_annotation "${OVERLAY_ANNOTATION}")"
  echo "namespace ${NAMESPACE}, overlay: ${overlay:-unknown (not applied by deploy.sh)}"
  echo
  kube get deployments,services,pods
  echo
  kube get gateways.networking.istio.io,destinationrules.networking.istio.io,virtualservices.networking.istio.io
  echo
  print_split
}

cmd_weights() {
  "${SCRIPTS}/shift-traffic.sh" "$@"
}

cmd_test() {
  (($# <= 1)) || usage_error "test takes at most one number of requests"
  "${SCRIPTS}/test-traffic.sh" test "${1:-100}"
}

cmd_overlays() { list_overlays; }

# ---- Flagger ------------------------------------------------------------------------------------------------
# flagger_variant NAME: the directory of k8s/progressive-delivery for v1, v2 or faulty.
flagger_variant() {
  case "$1" in
    v1) echo flagger ;;
    v2) echo flagger-v2 ;;
    faulty) echo flagger-v2-faulty ;;
    *) usage_error "unknown Flagger variant '$1' (v1, v2 or faulty)" ;;
  esac
}

# Flagger judges with Istio's Prometheus (its kustomization points at http://prometheus:9090 in istio-system):
# without it every check fails and every release is rolled back, so it is a prerequisite.
check_flagger_prometheus() {
  kube_in "${FLAGGER_NAMESPACE}" get service prometheus -o name >/dev/null 2>&1 \
    || die "no Service prometheus in ${FLAGGER_NAMESPACE}: Flagger reads its metrics there.
  Install Istio's Prometheus addon (SETUP.md step 2): kubectl apply -f samples/addons/prometheus.yaml" "${EXIT_UNAVAILABLE}"
  log::ok "Prometheus found in ${FLAGGER_NAMESPACE}"
}

# Installs Flagger from its pinned kustomization unless it runs already, and waits for its rollout. A Flagger
# deploy.sh installed is marked, so cleanup.sh removes it, and only it.
install_flagger() {
  local kustomization
  kustomization="$(flagger_kustomization)"
  if kube_in "${FLAGGER_NAMESPACE}" get deployment flagger -o name >/dev/null 2>&1; then
    log::info "Flagger runs already in ${FLAGGER_NAMESPACE}: using it"
  else
    log::info "installing Flagger: kubectl apply -k ${kustomization}"
    kube_in "${FLAGGER_NAMESPACE}" apply -k "${kustomization}" >&2
    kube_in "${FLAGGER_NAMESPACE}" annotate deployment flagger "${CREATED_BY_ANNOTATION}=deploy.sh" --overwrite >/dev/null
  fi
  kube_in "${FLAGGER_NAMESPACE}" rollout status deployment/flagger --timeout="${FLAGGER_TIMEOUT}" >&2
}

# wait_for_canary PHASE: blocks until Flagger reports PHASE on the Canary movie-backend.
wait_for_canary() {
  local phase="$1"
  log::info "waiting up to ${FLAGGER_TIMEOUT} for canary movie-backend to be ${phase}"
  kube wait canary/movie-backend --for="jsonpath={.status.phase}=${phase}" --timeout="${FLAGGER_TIMEOUT}" >&2 \
    || die "canary movie-backend did not reach ${phase} in ${FLAGGER_TIMEOUT}. See why: kubectl -n ${NAMESPACE} describe canary movie-backend; kubectl -n ${FLAGGER_NAMESPACE} logs deployment/flagger" "${EXIT_UNAVAILABLE}"
}

cmd_flagger() {
  (($# <= 1)) || usage_error "flagger takes at most one variant: v1, v2 or faulty"
  local variant
  variant="$(flagger_variant "${1:-v1}")"
  # The Canary's load-test webhook and command name the namespace, so the variants cannot be moved.
  [[ "${NAMESPACE}" == "${BASE_NAMESPACE}" ]] \
    || usage_error "the Flagger variants live in namespace ${BASE_NAMESPACE} only (NAMESPACE is ${NAMESPACE})"
  [[ "${FLAGGER_TIMEOUT}" =~ ^[1-9][0-9]*(s|m|h)$ ]] \
    || usage_error "FLAGGER_TIMEOUT must be a duration like 300s or 10m, got '${FLAGGER_TIMEOUT}'"
  check_prerequisites flagger
  check_flagger_prometheus

  local created="" had_canary=""
  if namespace_exists; then
    local overlay
    overlay="$(namespace_annotation "${OVERLAY_ANNOTATION}")"
    [[ -z "${overlay}" ]] || die "namespace ${NAMESPACE} runs overlay ${overlay}, whose movie-backend Service, DestinationRule and VirtualService Flagger must own.
  Remove it first: scripts/cleanup.sh --yes (then: $(basename "$0") flagger)" "${EXIT_CONFIG}"
    kube get canary movie-backend -o name >/dev/null 2>&1 && had_canary="yes"
  else
    created="yes"
  fi
  install_flagger

  log::info "applying k8s/progressive-delivery/${variant} to namespace ${NAMESPACE}"
  local applied
  applied="$(kube apply -k "${ROOT}/k8s/progressive-delivery/${variant}")"
  printf '%s\n' "${applied}" >&2
  local annotations=("${FLAGGER_ANNOTATION}=${variant}")
  [[ -n "${created}" ]] && annotations+=("${CREATED_BY_ANNOTATION}=deploy.sh")
  kube annotate namespace "${NAMESPACE}" "${annotations[@]}" --overwrite >/dev/null
  check_injection_label

  # A new Canary is initialized (movie-backend copied to movie-backend-primary, all traffic there). On an existing
  # one, a changed Deployment starts an analysis; an unchanged one starts nothing.
  if [[ -z "${had_canary}" ]]; then
    wait_for_canary Initialized
  elif grep -q '^deployment.apps/movie-backend configured$' <<<"${applied}"; then
    wait_for_canary Progressing
  else
    log::info "deployment movie-backend is unchanged: Flagger starts no new analysis"
  fi
  log::ok "Flagger variant ${variant} applied. Watch: kubectl -n ${NAMESPACE} get canary -w"
}

# ---- interactive menu -------------------------------------------------------------------------------------
readonly MENU_ENTRIES=(
  "Deploy everything (all traffic to v1)"
  "Split 100-0: all traffic to v1"
  "Split 80-20: canary, 20 % to v2"
  "Split 50-50: A/B test"
  "Split 0-100: all traffic to v2"
  "Custom weights"
  "Header routing: x-user-type: premium → v2"
  "Fault injection: delays and aborts on /api/"
  "Mirroring: v1 serves, v2 gets a copy"
  "Status"
  "Test traffic"
  "Monitor traffic"
  "Clean up everything"
)

show_menu() {
  local i
  echo >&2
  echo "Istio traffic shifting demo — namespace ${NAMESPACE}" >&2
  for i in "${!MENU_ENTRIES[@]}"; do
    printf '  %2d) %s\n' "$((i + 1))" "${MENU_ENTRIES[i]}" >&2
  done
  printf '   0) Exit\n' >&2
}

ask() {
  local prompt="$1" default="${2:-}" answer
  read -r -p "${prompt}${default:+ [${default}]}: " answer || return 1
  printf '%s' "${answer:-${default}}"
}

run_menu_choice() {
  local choice="$1" v1 v2 count
  case "${choice}" in
    1) cmd_deploy ;;
    2) cmd_apply 100-0 ;;
    3) cmd_apply 80-20 ;;
    4) cmd_apply 50-50 ;;
    5) cmd_apply 0-100 ;;
    6)
      v1="$(ask "Weight for v1 (0-100)")" || return 0
      v2="$(ask "Weight for v2" "$((10#${v1:-0} <= 100 ? 100 - 10#${v1:-0} : 0))")" || return 0
      cmd_weights "${v1}" "${v2}"
      ;;
    7) cmd_apply header-routing ;;
    8) cmd_apply fault-injection ;;
    9) cmd_apply mirroring ;;
    10) cmd_status ;;
    11)
      count="$(ask "Number of requests" 100)" || return 0
      cmd_test "${count}"
      ;;
    12) "${SCRIPTS}/test-traffic.sh" monitor ;;
    13) "${SCRIPTS}/cleanup.sh" ;;
    *) log::error "unknown choice '${choice}': pick 0 to ${#MENU_ENTRIES[@]}" ;;
  esac
}

cmd_menu() {
  is_interactive || usage_error "the menu needs a terminal on stdin; run a command instead, e.g. $(basename "$0") status"
  local choice status
  while true; do
    show_menu
    choice="$(ask "Choose")" || break
    [[ "${choice}" == 0 || "${choice}" == q ]] && break
    [[ -z "${choice}" ]] && continue
    # A subshell, so an action that fails (die → exit) reports and returns to the menu instead of quitting it.
    status=0
    (run_menu_choice "${choice}") || status=$?
    ((status == 0)) || log::warn "that action failed (exit ${status})"
  done
  log::info "bye"
}

main() {
  if (($# == 0)); then
    if is_interactive; then
      cmd_menu
      return "$?"
    fi
    usage >&2
    usage_error "no command given and stdin is not a terminal (the menu needs one)"
  fi
  local command="$1"
  shift
  case "${command}" in
    -h | --help | help) usage ;;
    deploy) cmd_deploy "$@" ;;
    apply) cmd_apply "$@" ;;
    100-0 | 80-20 | 50-50 | 0-100 | header-routing | fault-injection | mirroring | mtls-strict | gateway-api)
      (($# == 0)) || usage_error "${command} takes no arguments"
      cmd_apply "${command}"
      ;;
    weights | custom) cmd_weights "$@" ;;
    status) cmd_status "$@" ;;
    test) cmd_test "$@" ;;
    monitor) "${SCRIPTS}/test-traffic.sh" monitor "$@" ;;
    canary) "${SCRIPTS}/canary.sh" "$@" ;;
    flagger) cmd_flagger "$@" ;;
    secret) "${SCRIPTS}/create-secret.sh" "$@" ;;
    cleanup) "${SCRIPTS}/cleanup.sh" "$@" ;;
    overlays) cmd_overlays ;;
    menu) cmd_menu ;;
    *) usage_error "unknown command '${command}'" ;;
  esac
}

main "$@"
