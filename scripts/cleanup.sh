#!/usr/bin/env bash
# Removes everything the demo created: workloads, services, Istio and Gateway API objects of every overlay, the
# TMDB secret, and the namespace when deploy.sh created it. Objects that are already gone are skipped.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly FALLBACK_OVERLAY="80-20"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--yes] [--keep-namespace]

Deletes the demo from namespace ${NAMESPACE}:
  - the objects of the overlay applied last (recorded by deploy.sh on the namespace; ${FALLBACK_OVERLAY} if unknown),
    plus the extra objects other scenarios add (mTLS policies, Gateway API routes), with --ignore-not-found;
  - the secret tmdb-api-key;
  - after 'deploy.sh flagger': the Flagger variant's objects (its Canary first: the objects Flagger generated go
    with it), and Flagger itself from ${FLAGGER_NAMESPACE} when deploy.sh installed it;
  - the namespace itself, only if deploy.sh created it (a namespace that existed before is kept).
Safe to run twice: what is already gone is skipped. On a terminal it asks before deleting.

Options:
  --yes              do not ask for confirmation
  --keep-namespace   keep the namespace even if deploy.sh created it

Environment:
  NAMESPACE   namespace to clean (default: movies, now: ${NAMESPACE})
  KUBECTL     kubectl binary (default: kubectl, now: ${KUBECTL})
USAGE
}

# API groups the cluster serves; objects of a group without its CRD cannot exist, and kubectl delete would fail
# on their kinds, so they are left out of the delete.
skipped_groups() {
  local probe
  for probe in virtualservices.networking.istio.io peerauthentications.security.istio.io httproutes.gateway.networking.k8s.io; do
    kube get crd "${probe}" -o name >/dev/null 2>&1 || printf '%s\n' "${probe#*.}"
  done
}

# The objects of the Flagger variant deploy.sh applied, the Canary among them: Flagger's own objects
# (movie-backend-primary, the Services, DestinationRules and the VirtualService) are owned by the Canary, so
# Kubernetes deletes them with it.
delete_flagger_variant() {
  local variant="$1"
  local skip=()
  if ! kube get crd canaries.flagger.app -o name >/dev/null 2>&1; then
    log::info "the cluster serves no flagger.app API: no Canary to delete"
    skip=(--skip-group flagger.app)
  fi
  local manifests
  manifests="$(ops_helper render --progressive --skip-namespace-object "${skip[@]}" "${variant}")"
  log::info "deleting the objects of Flagger variant ${variant} from ${NAMESPACE}"
  kube delete -f - --ignore-not-found <<<"${manifests}" >&2
}

# Flagger itself, only when deploy.sh installed it (its Deployment carries the mark): the same pinned
# kustomization, deleted. Its CRDs go too, and with them every Canary of the cluster, hence the mark.
uninstall_flagger() {
  local created_by
  created_by="$(kube_in "${FLAGGER_NAMESPACE}" get deployment flagger -o "jsonpath={.metadata.annotations.${CREATED_BY_ANNOTATION//./\\.}}" 2>/dev/null || true)"
  [[ "${created_by}" == deploy.sh ]] || return 0
  log::info "uninstalling Flagger from ${FLAGGER_NAMESPACE} (deploy.sh installed it)"
  kube_in "${FLAGGER_NAMESPACE}" delete -k "$(flagger_kustomization)" --ignore-not-found >&2
}

main() {
  local assume_yes="" keep_namespace=""
  while (($# > 0)); do
    case "$1" in
      -h | --help)
        usage
        return 0
        ;;
      -y | --yes) assume_yes="yes" ;;
      --keep-namespace) keep_namespace="yes" ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
  require_kubectl
  check_cluster_reachable

  if ! namespace_exists; then
    log::ok "namespace ${NAMESPACE} does not exist: nothing to clean up"
    return 0
  fi
  local overlay created_by
  overlay="$(namespace_annotation "${OVERLAY_ANNOTATION}")"
  created_by="$(namespace_annotation "${CREATED_BY_ANNOTATION}")"
  if [[ -z "${overlay}" || ! -f "${ROOT}/k8s/overlays/${overlay}/kustomization.yaml" ]]; then
    overlay="${FALLBACK_OVERLAY}"
  fi

  if [[ -z "${assume_yes}" ]] && is_interactive; then
    local answer
    read -r -p "Delete the demo (overlay ${overlay} and every scenario's objects) from namespace ${NAMESPACE}? [y/N] " answer
    [[ "${answer}" =~ ^[Yy] ]] || {
      log::info "nothing deleted"
      return 0
    }
  fi

  # The current overlay is rendered live; the others only contribute their extra objects (mTLS policies, Gateway
  # API routes), read from the committed k8s/rendered/ files when present (a test keeps them equal to a render).
  local extras=() overlay_name
  while IFS= read -r overlay_name; do
    [[ "${overlay_name}" == "${overlay}" ]] || extras+=(--also "${overlay_name}")
  done < <(list_overlays)

  local skip_flags=() group
  while IFS= read -r group; do
    log::info "the cluster serves no ${group} API, so none of its objects can exist: skipping them"
    skip_flags+=(--skip-group "${group}")
  done < <(skipped_groups)
  local manifests
  manifests="$(ops_helper render --namespace "${NAMESPACE}" --skip-namespace-object "${skip_flags[@]}" "${overlay}" "${extras[@]}")"

  local flagger_variant
  flagger_variant="$(namespace_annotation "${FLAGGER_ANNOTATION}")"
  [[ -z "${flagger_variant}" ]] || delete_flagger_variant "${flagger_variant}"

  log::info "deleting the objects of overlay ${overlay} and the other scenarios from ${NAMESPACE}"
  kube delete -f - --ignore-not-found <<<"${manifests}" >&2
  kube delete secret tmdb-api-key --ignore-not-found >&2

  if [[ "${created_by}" == deploy.sh && -z "${keep_namespace}" ]]; then
    kube delete namespace "${NAMESPACE}" --ignore-not-found >&2
  else
    kube annotate namespace "${NAMESPACE}" "${OVERLAY_ANNOTATION}-" "${FLAGGER_ANNOTATION}-" >/dev/null 2>&1 || true
    log::info "kept namespace ${NAMESPACE}: ${keep_namespace:+--keep-namespace was given}${keep_namespace:-deploy.sh did not create it (it existed before)}. Delete it yourself if you want: kubectl delete namespace ${NAMESPACE}"
  fi
  # Only after 'deploy.sh flagger' (the namespace's record says so): otherwise this run has no Flagger to remove.
  [[ -z "${flagger_variant}" ]] || uninstall_flagger
  log::ok "clean-up of ${NAMESPACE} done"
}

main "$@"
