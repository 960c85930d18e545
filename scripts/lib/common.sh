#!/usr/bin/env bash
# shellcheck disable=SC2034  # the constants below are used by the scripts that source this file
# Shared helpers for the cluster scripts in scripts/. Source it after setting ROOT:
#   ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "${ROOT}/scripts/lib/common.sh"
# Everything user-facing that is not a result goes to stderr, so stdout stays parseable.

# Exit codes shared by every script (sysexits.h where one fits).
readonly EXIT_USAGE=64
readonly EXIT_DATA=65
readonly EXIT_UNAVAILABLE=69
readonly EXIT_CONFIG=78

NAMESPACE="${NAMESPACE:-movies}"
KUBECTL="${KUBECTL:-kubectl}"
# The namespace k8s/base pins; any other NAMESPACE is applied by rewriting the rendered manifests.
readonly BASE_NAMESPACE="movies"
# Annotations the scripts put on the namespace: who created it (cleanup deletes only what the demo made) and the
# overlay applied last (cleanup deletes exactly that overlay's objects).
readonly CREATED_BY_ANNOTATION="traffic-shifting.demo/created-by"
readonly OVERLAY_ANNOTATION="traffic-shifting.demo/overlay"

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  readonly COLOR_RED=$'\033[31m' COLOR_YELLOW=$'\033[33m' COLOR_GREEN=$'\033[32m' COLOR_RESET=$'\033[0m'
else
  readonly COLOR_RED='' COLOR_YELLOW='' COLOR_GREEN='' COLOR_RESET=''
fi

log::info() { printf '%s\n' "$*" >&2; }
log::ok() { printf '%s✓%s %s\n' "${COLOR_GREEN}" "${COLOR_RESET}" "$*" >&2; }
log::warn() { printf '%swarning:%s %s\n' "${COLOR_YELLOW}" "${COLOR_RESET}" "$*" >&2; }
log::error() { printf '%serror:%s %s\n' "${COLOR_RED}" "${COLOR_RESET}" "$*" >&2; }

# die MESSAGE [EXIT_CODE]
die() {
  log::error "$1"
  exit "${2:-1}"
}

usage_error() {
  log::error "$1"
  log::info "Run '$(basename "$0") --help' for usage."
  exit "${EXIT_USAGE}"
}

# Prompts are only shown to a person: with stdin redirected (CI, pipes) scripts never wait for input.
is_interactive() { [[ -t 0 ]]; }

# kubectl, always scoped to NAMESPACE. Cluster-scoped calls (CRDs, namespaces) accept the flag and ignore it.
kube() { "${KUBECTL}" -n "${NAMESPACE}" "$@"; }

# kubectl in another namespace (istio-system for Prometheus), still explicit.
kube_in() {
  local namespace="$1"
  shift
  "${KUBECTL}" -n "${namespace}" "$@"
}

require_command() {
  local command="$1" hint="$2"
  command -v "${command}" >/dev/null 2>&1 || die "${command} is not installed or not on PATH. ${hint}" "${EXIT_UNAVAILABLE}"
}

require_kubectl() {
  require_command "${KUBECTL}" "Install kubectl (https://kubernetes.io/docs/tasks/tools/) or set KUBECTL to its path."
}

# The node helper that reads VirtualServices through @movies/mesh (apps/ops/src/ops-helper.ts). The bundle that
# `pnpm build` makes starts in a fraction of tsx's time; when it is missing or older than its sources, tsx runs
# the sources, so the result is never stale.
# No bare `return` here: canary.sh calls this from its EXIT trap, where a bare `return` gives back the status the
# script had before the trap (bash manual, "return"), not the helper's. The function's status is its last command's.
ops_helper() {
  local bundle="${ROOT}/apps/ops/dist/ops-helper.mjs"
  if [[ -f "${bundle}" ]] && [[ -z "$(find "${ROOT}/apps/ops/src" "${ROOT}/apps/traffic/src" "${ROOT}/packages/mesh/src" "${ROOT}/packages/contracts/src" -name '*.ts' -newer "${bundle}" -print -quit)" ]]; then
    node "${bundle}" "$@"
  else
    local tsx="${ROOT}/node_modules/.bin/tsx"
    [[ -x "${tsx}" ]] || die "${tsx} is missing: run 'pnpm install' in ${ROOT} first." "${EXIT_UNAVAILABLE}"
    "${tsx}" "${ROOT}/apps/ops/src/ops-helper.ts" "$@"
  fi
}

# ops_check COMMAND ARGS...: an ops helper question whose refusal stops the script: exit 64 (a bad value, named in
# the message) is this script's usage error, any other failure ends it with the helper's message and exit code.
# The answer goes to stdout; what the helper says on success (why, for `target`) goes on to stderr.
ops_check() {
  local said status=0
  { said="$(ops_helper "$@" 2>&1 1>&3 3>&-)" || status=$?; } 3>&1
  said="${said//ops-helper: /}"
  if ((status == 0)); then
    [[ -z "${said}" ]] || printf '%s\n' "${said}" >&2
    return 0
  fi
  ((status != EXIT_USAGE)) || usage_error "${said%%$'\n'usage: *}"
  die "${said}" "${status}"
}

# validate_weights V1 V2: prints "V1 V2" when they are a split (@movies/mesh's rule, through the ops helper);
# otherwise exits with EXIT_USAGE and a message naming the bad value; nothing is changed.
validate_weights() { ops_check weights -- "$@"; }

# Overlays are the directories under k8s/overlays; a name is checked against them before any kubectl call.
list_overlays() {
  local dir
  for dir in "${ROOT}"/k8s/overlays/*/; do
    [[ -f "${dir}kustomization.yaml" ]] && basename "${dir}"
  done
}

validate_overlay() {
  local overlay="$1"
  if [[ ! "${overlay}" =~ ^[a-z0-9][a-z0-9-]*$ || ! -f "${ROOT}/k8s/overlays/${overlay}/kustomization.yaml" ]]; then
    usage_error "unknown overlay '${overlay}' (available: $(list_overlays | paste -sd ' ' -))"
  fi
}

# check_cluster_reachable: a current context, and an API server that answers.
check_cluster_reachable() {
  local context
  if ! context="$(kube config current-context 2>/dev/null)" || [[ -z "${context}" ]]; then
    die "kubectl has no current context. Point it at your cluster: kubectl config use-context <name> (list them with kubectl config get-contexts)." "${EXIT_CONFIG}"
  fi
  local output
  if ! output="$(kube get --raw /version 2>&1)"; then
    die "the API server of context '${context}' does not answer: ${output##*$'\n'}
  Check the cluster is running and reachable (kubectl cluster-info), or switch context: kubectl config use-context <name>." "${EXIT_UNAVAILABLE}"
  fi
  log::ok "context ${context} is reachable"
}

# The CRDs each overlay's objects need. Istio's networking CRDs are needed by all but gateway-api, which still
# uses the DestinationRule; gateway-api needs the Gateway API CRDs, mtls-strict Istio's security CRDs.
required_crds() {
  local overlay="$1"
  echo virtualservices.networking.istio.io
  echo destinationrules.networking.istio.io
  echo gateways.networking.istio.io
  case "${overlay}" in
    mtls-strict)
      echo peerauthentications.security.istio.io
      echo authorizationpolicies.security.istio.io
      ;;
    gateway-api)
      echo gateways.gateway.networking.k8s.io
      echo httproutes.gateway.networking.k8s.io
      ;;
  esac
}

check_crds() {
  local overlay="$1" crd
  local missing=()
  while IFS= read -r crd; do
    kube get crd "${crd}" -o name >/dev/null 2>&1 || missing+=("${crd}")
  done < <(required_crds "${overlay}")
  if ((${#missing[@]} > 0)); then
    local fix="Install Istio first: istioctl install --set profile=default -y"
    if [[ "${overlay}" == gateway-api ]]; then
      fix+=" and the Gateway API CRDs (k8s/versions.yaml): kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
    fi
    die "missing CRDs for overlay ${overlay}: ${missing[*]}
  ${fix}" "${EXIT_UNAVAILABLE}"
  fi
  log::ok "Istio CRDs present ($(required_crds "${overlay}" | wc -l) checked)"
}

# check_injection_label: pods in NAMESPACE get a sidecar only with istio-injection=enabled or an istio.io/rev label.
check_injection_label() {
  local injection revision
  injection="$(kube get namespace "${NAMESPACE}" -o 'jsonpath={.metadata.labels.istio-injection}' 2>/dev/null || true)"
  revision="$(kube get namespace "${NAMESPACE}" -o 'jsonpath={.metadata.labels.istio\.io/rev}' 2>/dev/null || true)"
  if [[ "${injection}" == enabled || -n "${revision}" ]]; then
    log::ok "namespace ${NAMESPACE} has sidecar injection (${revision:+istio.io/rev=${revision}}${injection:+istio-injection=${injection}})"
    return 0
  fi
  die "namespace ${NAMESPACE} has no sidecar injection label (istio-injection=${injection:-<unset>}), so its pods run without Envoy and no routing rule applies.
  Fix: kubectl label namespace ${NAMESPACE} istio-injection=enabled --overwrite && kubectl -n ${NAMESPACE} rollout restart deployment" "${EXIT_CONFIG}"
}

namespace_exists() { kube get namespace "${NAMESPACE}" -o name >/dev/null 2>&1; }

namespace_annotation() {
  local key="$1"
  kube get namespace "${NAMESPACE}" -o "jsonpath={.metadata.annotations.${key//./\\.}}" 2>/dev/null || true
}

# ---- Flagger (deploy.sh flagger, cleanup.sh) ------------------------------------------------------------------
# The Flagger variant deploy.sh applied last (a directory of k8s/progressive-delivery), recorded on the namespace,
# and the mark deploy.sh puts on the flagger Deployment when it installed Flagger (cleanup uninstalls only that).
readonly FLAGGER_ANNOTATION="traffic-shifting.demo/flagger"
readonly FLAGGER_NAMESPACE="istio-system"

# pinned_version NAME: the `version` of NAME's row in k8s/versions.yaml, read here so a version bump edits only that
# file (apps/ops/test/versions.test.ts fails on a version written anywhere else).
pinned_version() {
  local name="$1" version
  version="$(awk -v row="${name}:" '
    $1 == row { inside = 1; next }
    /^[^ #]/ { inside = 0 }
    inside && $1 == "version:" { print $2; exit }
  ' "${ROOT}/k8s/versions.yaml")"
  [[ "${version}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "k8s/versions.yaml has no version like v1.2.3 for ${name}" "${EXIT_CONFIG}"
  printf '%s\n' "${version}"
}

# Flagger's own Istio kustomization (CRDs, RBAC, the controller in istio-system reading Istio's Prometheus), at
# the pinned tag: the same files as k8s/progressive-delivery/upstream/ names, from their source.
flagger_kustomization() {
  printf 'github.com/fluxcd/flagger//kustomize/istio?ref=%s\n' "$(pinned_version flagger)"
}
