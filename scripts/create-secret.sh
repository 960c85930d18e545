#!/usr/bin/env bash
# Creates or updates the tmdb-api-key secret the backends read TMDB_API_KEY from. The key never reaches stdout,
# stderr, the process list or the shell history: it comes from the environment or a prompt that does not echo,
# and goes to kubectl through stdin.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly SECRET_NAME="tmdb-api-key"
readonly SECRET_KEY="TMDB_API_KEY"

usage() {
  cat <<USAGE
Usage: $(basename "$0")

Creates or updates the secret ${SECRET_NAME} (key ${SECRET_KEY}) in namespace ${NAMESPACE}.
The value comes from \$TMDB_API_KEY, else from a prompt that does not echo (only when stdin is a terminal).
Running it again updates the secret in place (kubectl create --dry-run=client -o yaml | kubectl apply -f -).
Without the secret the backends serve their bundled catalogues; with it they ask TMDB.

Examples:
  TMDB_API_KEY=… $(basename "$0")
  $(basename "$0")            # prompts: TMDB API key (input hidden):

Environment:
  TMDB_API_KEY  the key (v3 API key or v4 read access token)
  NAMESPACE     namespace of the secret (default: movies, now: ${NAMESPACE})
  KUBECTL       kubectl binary (default: kubectl, now: ${KUBECTL})

Exit codes: 0 created or updated, 64 usage, 78 no key given (or the namespace does not exist), 1 kubectl failed.
USAGE
}

read_key() {
  local key="${TMDB_API_KEY:-}"
  if [[ -z "${key}" ]]; then
    is_interactive || die "TMDB_API_KEY is not set and stdin is not a terminal to ask for it. Run: TMDB_API_KEY=<your key> $(basename "$0")" "${EXIT_CONFIG}"
    read -r -s -p "TMDB API key (input hidden): " key
    echo >&2
  fi
  [[ -n "${key}" ]] || die "the TMDB API key is empty; nothing was changed." "${EXIT_CONFIG}"
  [[ "${key}" =~ ^[[:graph:]]+$ ]] || die "the TMDB API key contains spaces or control characters; check what you pasted." "${EXIT_CONFIG}"
  printf '%s' "${key}"
}

main() {
  case "${1:-}" in
    -h | --help)
      usage
      return 0
      ;;
    "") ;;
    # The argument is not echoed: it may well be the key itself.
    *) usage_error "unexpected argument (the key comes from TMDB_API_KEY or the prompt, never an argument)" ;;
  esac
  require_kubectl
  local key
  key="$(read_key)"
  namespace_exists || die "namespace ${NAMESPACE} does not exist. Deploy first: scripts/deploy.sh deploy" "${EXIT_CONFIG}"

  # The key travels on stdin (--from-file=/dev/stdin), never as an argument another user could see in ps.
  printf '%s' "${key}" |
    kube create secret generic "${SECRET_NAME}" --from-file="${SECRET_KEY}=/dev/stdin" --dry-run=client -o yaml |
    kube apply -f - >&2
  log::ok "secret ${SECRET_NAME} (key ${SECRET_KEY}) is set in namespace ${NAMESPACE}; restart the backends to use it: kubectl -n ${NAMESPACE} rollout restart deployment movie-backend-v1 movie-backend-v2"
}

main "$@"
