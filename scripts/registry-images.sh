#!/usr/bin/env bash
# Puts the demo's images in a registry a remote cluster can pull from. k8s/base names them without a registry
# (movie-backend:0.1.0), which only a cluster that was handed the images (kind load, minikube image load) can run;
# anywhere else the kubelet pulls docker.io/library/movie-backend and the pods stay in ImagePullBackOff. This script
# takes the registry once, refuses a name that is not registry-qualified (docker would push it to Docker Hub), and
# points k8s/base at the pushed images with `kustomize edit set image`.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

DOCKER="${DOCKER:-docker}"
KUSTOMIZE="${KUSTOMIZE:-kustomize}"
readonly BASE_DIR="${ROOT}/k8s/base"

usage() {
  cat <<USAGE
Usage: $(basename "$0") <command> REGISTRY

REGISTRY is a registry-qualified repository prefix: a registry host (with a '.', a ':port', or localhost) and
optional path, e.g. ghcr.io/acme, registry.gitlab.com/group/project, localhost:5000. Each image keeps its name
and tag from k8s/base/kustomization.yaml: movie-backend:0.1.0 becomes REGISTRY/movie-backend:0.1.0.

Commands:
  set REGISTRY    point k8s/base at REGISTRY/<image>:<tag> (kustomize edit set image; edits k8s/base/kustomization.yaml)
  push REGISTRY   tag the images k8s/base deploys (as pnpm images built them) REGISTRY/<image>:<tag>, push them, then set

Every cluster job of a pipeline runs 'set' before deploy.sh: each overlay renders k8s/base, so an overlay applied
without it would put the pods back on the unqualified names.

Examples:
  $(basename "$0") push ghcr.io/acme          # after pnpm images; log in to the registry first
  $(basename "$0") set ghcr.io/acme           # in a fresh checkout, before scripts/deploy.sh apply …

Environment:
  DOCKER     container engine for tag and push (default: docker, now: ${DOCKER}; podman works too)
  KUSTOMIZE  kustomize binary (default: kustomize, now: ${KUSTOMIZE}); kubectl's built-in kustomize has no 'edit'
  KUBECTL    kubectl binary, to read the images k8s/base deploys (default: kubectl, now: ${KUBECTL})

Exit codes: 0 done, 64 usage or a REGISTRY that is not registry-qualified (nothing was changed),
69 docker, kustomize or kubectl missing, 1 a command failed.
USAGE
}

# The registry host grammar of image references: a name that has a '.', a ':port', or is localhost. Anything else
# in the first place is a Docker Hub user, and `docker push` would send the image to docker.io.
readonly HOST_PATTERN='^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]+)?$'
readonly COMPONENT_PATTERN='^[a-z0-9]+([._-]+[a-z0-9]+)*$'

# check_registry REGISTRY: returns when REGISTRY names a registry; otherwise exits 64 saying why.
check_registry() {
  local registry="$1" host component
  [[ -n "${registry}" ]] ||
    usage_error "no REGISTRY given (it is empty): name the registry to push to, e.g. ghcr.io/acme or registry.gitlab.com/group/project."
  host="${registry%%/*}"
  if [[ "${host}" != *.* && "${host}" != *:* && "${host}" != localhost ]]; then
    usage_error "'${registry}' is not registry-qualified: '${host}' is not a registry host (no '.', no ':port', not localhost), so docker would push ${registry}/movie-backend to Docker Hub (docker.io/${registry}/…). Put the registry first, e.g. ghcr.io/${registry}."
  fi
  [[ "${host}" =~ ${HOST_PATTERN} ]] || usage_error "'${host}' in '${registry}' is not a valid registry host."
  case "${registry}" in
    docker.io | docker.io/library | docker.io/library/* | index.docker.io | index.docker.io/library*)
      usage_error "'${registry}' is Docker Hub's library, which holds only Docker's official images: push to docker.io/<your user> instead."
      ;;
  esac
  [[ "${registry}" == */* ]] || return 0
  local components
  IFS='/' read -r -a components <<<"${registry#*/}"
  for component in "${components[@]}"; do
    [[ "${component}" =~ ${COMPONENT_PATTERN} ]] ||
      usage_error "'${component}' in '${registry}' is not a repository path part: lowercase letters and digits separated by '.', '_' or '-', and no tag or digest (the tags come from k8s/base/kustomization.yaml)."
  done
}

# The image references k8s/base deploys (name:tag, one a line), as `pnpm images` builds them. A container's
# `image:` may open its list item (`- image: …`).
base_images() {
  local rendered
  rendered="$("${KUBECTL}" kustomize "${BASE_DIR}")" || die "kubectl kustomize k8s/base failed"
  sed -n 's/^[ -]*image: *//p' <<<"${rendered}" | sort -u
}

# target REGISTRY REFERENCE: REGISTRY/<name>:<tag> for a reference <anything>/<name>:<tag>.
target() {
  local registry="$1" reference="$2" last
  last="${reference##*/}"
  [[ "${last}" == *:* ]] || die "k8s/base deploys '${reference}' without a tag; give its images entry a newTag." "${EXIT_DATA}"
  printf '%s/%s\n' "${registry}" "${last}"
}

cmd_set() {
  local registry="$1" reference name references
  require_command "${KUSTOMIZE}" "Install kustomize (kubectl's built-in kustomize has no 'edit'): https://kubectl.docs.kubernetes.io/installation/kustomize/"
  references="$(base_images)"
  local edits=()
  for reference in ${references}; do
    name="${reference##*/}"
    edits+=("${name%%:*}=$(target "${registry}" "${reference}")")
  done
  ((${#edits[@]} > 0)) || die "k8s/base deploys no images" "${EXIT_DATA}"
  (cd "${BASE_DIR}" && "${KUSTOMIZE}" edit set image "${edits[@]}") || die "kustomize edit set image failed"
  log::ok "k8s/base now deploys: ${edits[*]#*=}"
  printf '%s\n' "${edits[@]#*=}"
}

cmd_push() {
  local registry="$1" reference destination references
  require_command "${DOCKER}" "Install docker (or set DOCKER=podman)."
  references="$(base_images)"
  for reference in ${references}; do
    destination="$(target "${registry}" "${reference}")"
    "${DOCKER}" tag "${reference}" "${destination}" || die "${DOCKER} tag ${reference} ${destination} failed: build the images first (pnpm images)."
    "${DOCKER}" push "${destination}" || die "${DOCKER} push ${destination} failed: log in to ${registry%%/*} first."
    log::ok "pushed ${destination}"
  done
  cmd_set "${registry}"
}

main() {
  local command="${1:-}"
  case "${command}" in
    -h | --help)
      usage
      return 0
      ;;
    set | push) ;;
    "") usage_error "no command given (set or push)" ;;
    *) usage_error "unknown command '${command}'" ;;
  esac
  [[ "${2:-}" != "-h" && "${2:-}" != "--help" ]] || {
    usage
    return 0
  }
  (($# == 2)) || usage_error "${command} takes one REGISTRY, got $(($# - 1)) argument(s)"
  local registry="${2%/}"
  check_registry "${registry}"
  require_kubectl
  "cmd_${command}" "${registry}"
}

main "$@"
