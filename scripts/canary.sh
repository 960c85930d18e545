#!/usr/bin/env bash
# Progressive delivery from v1 to v2: shift the canary weight step by step, hold each step under load, judge
# success rate and p99 latency, and roll back to 100-0 after too many failed checks (Flagger's analysis loop).
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# shellcheck source=scripts/lib/common.sh
source "${ROOT}/scripts/lib/common.sh"

readonly DEFAULT_STEPS="5,10,20,50,100"
readonly DEFAULT_INTERVAL=60
readonly DEFAULT_REQUESTS=200
readonly DEFAULT_MIN_SUCCESS_RATE=99
readonly DEFAULT_MAX_P99_MS=500
# Flagger's example analyses use threshold 5 with a 1-minute interval: five minutes of a bad canary. We hold
# each step for one check, so 2 means "one noisy check is forgiven, a second one is not": it rides out a single
# blip (a pod restart, a cold cache) but bounds the exposure to a failing v2 to two intervals at the step's weight.
readonly DEFAULT_MAX_FAILED_CHECKS=2

STEPS="${DEFAULT_STEPS}"
INTERVAL="${DEFAULT_INTERVAL}"
REQUESTS="${DEFAULT_REQUESTS}"
CONCURRENCY=10
MIN_SUCCESS_RATE="${DEFAULT_MIN_SUCCESS_RATE}"
MAX_P99_MS="${DEFAULT_MAX_P99_MS}"
MAX_FAILED_CHECKS="${DEFAULT_MAX_FAILED_CHECKS}"
TARGET=""          # local | cluster; empty = detect
GATEWAY="${GATEWAY_URL:-}"
PROMETHEUS="${PROMETHEUS_URL:-}"
USE_PROMETHEUS="auto"
JSON_FILE=""

PORT_FORWARD_PID=""
WORK_DIR=""
REPORT_ROWS=()
FINISHED=""
CURRENT_WEIGHT=""
OUTCOME=""

usage() {
  cat <<USAGE
Usage: $(basename "$0") [options]

Progressive delivery from v1 to v2. For each step the canary (v2) weight is set, load is generated with the traffic
CLI for at least --interval seconds, and the step is judged: success rate >= --min-success-rate and p99 latency
<= --max-p99-ms. A failed check holds the step and checks again; after --max-failed-checks failed checks the
traffic is rolled back to 100-0 (all v1) and the script exits 1. After the last step passes v2 takes 100 %.
Either way a step-by-step report is printed on stdout.

Options:
  --steps LIST             canary weights in percent, ascending, ending at 100 (default ${DEFAULT_STEPS})
  --interval SECONDS       minimum time each check holds its step (default ${DEFAULT_INTERVAL}; suffixes s/m accepted)
  --requests N             requests sent per check (default ${DEFAULT_REQUESTS})
  --concurrency C          requests in flight (default ${CONCURRENCY})
  --min-success-rate PCT   lowest acceptable success rate, in percent (default ${DEFAULT_MIN_SUCCESS_RATE})
  --max-p99-ms MS          highest acceptable p99 latency (default ${DEFAULT_MAX_P99_MS})
  --max-failed-checks N    failed checks before rollback (default ${DEFAULT_MAX_FAILED_CHECKS}: one noisy check is
                           forgiven, two are not; Flagger's examples use 5 with 1-minute checks)
  --local                  shift the local gateway (PUT /__mesh) instead of the cluster
  --cluster                shift the cluster's VirtualService (scripts/shift-traffic.sh)
                           (default: local when the gateway answers GET /__mesh, else cluster)
  --url URL                gateway the load goes to (default \$GATEWAY_URL; locally http://localhost:\$GATEWAY_PORT, 8080 unless set)
  --prometheus-url URL     judge from Prometheus (default \$PROMETHEUS_URL; else locally pnpm dev's own at
                           localhost:\$PROMETHEUS_PORT (9090), on a cluster a port-forward to svc/prometheus in
                           istio-system), when it answers
  --no-prometheus          judge from the traffic CLI's own measurements only
  --json FILE              also write the verdict to FILE as JSON (see below), whatever the outcome
  -h, --help               this help

Sticky sessions: every weight change keeps the movie-version pin rules in line with the weights (a version at 0
loses its pin rule), so a rollback moves visitors pinned to v2 back to v1 on their next request. The load the
script sends carries no cookie, so each check measures the per-request split.

Judging: with Prometheus, the canary's own metrics — istio_requests_total (non-5xx share) and
istio_request_duration_milliseconds_bucket (p99) of workload movie-backend-v2, reporter=destination — by the same
PromQL on a cluster and locally (the local gateway reports Istio's metrics; pnpm dev's Prometheus scrapes them).
The window is at least a minute on a cluster, the check's own duration plus 5 s locally. Without Prometheus, or
while it has no data for v2 yet (said so on stderr), the traffic CLI's measurement of the requests it sent
(scripts/test-traffic.sh test N --json): success rate and p99 over all answers, the experience of users then.

Verdict file (--json): {"verdict", "exitCode", "summary", "settings", "steps", "finalWeights"}. verdict names the
exit code: promoted (0), rolled-back (1), unreachable (69), interrupted (130), failed (anything else); summary is
the report's outcome line; steps holds one entry per check: {check, step, weights {v1, v2}, requests, v2Share,
successRate, p99Ms, source (cli|prometheus), result (pass|fail), reason}; finalWeights is the split the script
left in force ({v1, v2}, null when it changed nothing). A usage error (64) writes no file.

Environment: NAMESPACE (default movies), KUBECTL, GATEWAY_URL, PROMETHEUS_URL, PROMETHEUS_PORT, GATEWAY_TOKEN (the admin token
a local gateway bound beyond loopback prints at start-up; --local sends it with each weight change).
Exit codes: 0 promoted (0-100), 1 rolled back (100-0), 64 usage, 69 target unreachable or refusing the change,
130 interrupted (rolled back).
USAGE
}

# ---- arguments ----------------------------------------------------------------------------------------------
is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_number() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

parse_seconds() {
  local value="$1"
  case "${value}" in
    *m) value="${value%m}" && is_count "${value}" && echo "$((value * 60))" ;;
    *s) value="${value%s}" && [[ "${value}" =~ ^[0-9]+$ ]] && echo "${value}" ;;
    *) [[ "${value}" =~ ^[0-9]+$ ]] && echo "${value}" ;;
  esac
}

need_value() {
  if (($# < 2)) || [[ -z "$2" ]]; then usage_error "$1 needs a value"; fi
}

parse_args() {
  while (($# > 0)); do
    case "$1" in
      -h | --help)
        usage
        exit 0
        ;;
      --steps) need_value "$@" && STEPS="$2" && shift ;;
      --interval)
        need_value "$@"
        INTERVAL="$(parse_seconds "$2")" || usage_error "--interval must be whole seconds (e.g. 30, 30s or 2m), got '$2'"
        shift
        ;;
      --requests) need_value "$@" && REQUESTS="$2" && shift ;;
      --concurrency) need_value "$@" && CONCURRENCY="$2" && shift ;;
      --min-success-rate) need_value "$@" && MIN_SUCCESS_RATE="$2" && shift ;;
      --max-p99-ms) need_value "$@" && MAX_P99_MS="$2" && shift ;;
      --max-failed-checks) need_value "$@" && MAX_FAILED_CHECKS="$2" && shift ;;
      --local) TARGET="local" ;;
      --cluster) TARGET="cluster" ;;
      --url) need_value "$@" && GATEWAY="$2" && shift ;;
      --prometheus-url) need_value "$@" && PROMETHEUS="$2" && USE_PROMETHEUS="yes" && shift ;;
      --no-prometheus) USE_PROMETHEUS="no" ;;
      --json) need_value "$@" && JSON_FILE="$2" && shift ;;
      *) usage_error "unknown option '$1'" ;;
    esac
    shift
  done
  is_count "${REQUESTS}" || usage_error "--requests must be a whole number above 0, got '${REQUESTS}'"
  is_count "${CONCURRENCY}" || usage_error "--concurrency must be a whole number above 0, got '${CONCURRENCY}'"
  is_count "${MAX_FAILED_CHECKS}" || usage_error "--max-failed-checks must be a whole number above 0, got '${MAX_FAILED_CHECKS}'"
  if ! is_number "${MIN_SUCCESS_RATE}" || ! awk -v v="${MIN_SUCCESS_RATE}" 'BEGIN { exit !(v <= 100) }'; then
    usage_error "--min-success-rate must be a percentage from 0 to 100, got '${MIN_SUCCESS_RATE}'"
  fi
  is_number "${MAX_P99_MS}" || usage_error "--max-p99-ms must be a number of milliseconds, got '${MAX_P99_MS}'"
  if [[ -n "${JSON_FILE}" && ! -d "$(dirname "${JSON_FILE}")" ]]; then
    usage_error "--json: the directory of '${JSON_FILE}' does not exist"
  fi
  validate_steps
}

# The steps are v2's weight at each step: checked by the ops helper with @movies/mesh's weight rule.
validate_steps() { STEPS="$(ops_check canary-steps -- "${STEPS}")"; }

# ---- targets -----------------------------------------------------------------------------------------------

# Local or cluster, and the URL, as the traffic CLI decides them (apps/traffic/src/target.ts, through the ops helper):
# --url, else $GATEWAY_URL, else the local gateway of `pnpm dev`; local when it answers GET /__mesh.
detect_target() {
  local args=() choice
  [[ -z "${TARGET}" ]] || args+=("--${TARGET}")
  [[ -z "${GATEWAY}" ]] || args+=(--url "${GATEWAY}")
  choice="$(ops_check target "${args[@]}")"
  read -r TARGET GATEWAY <<<"${choice}"
  [[ "${GATEWAY}" != - ]] || GATEWAY=""
  if [[ "${TARGET}" == cluster ]]; then
    require_kubectl
    kube get virtualservice movie-backend -o name >/dev/null ||
      die "cannot read VirtualService movie-backend in namespace ${NAMESPACE}. Deploy first: scripts/deploy.sh deploy" "${EXIT_UNAVAILABLE}"
  fi
}

# gateway_auth: curl's header file for PUT /__mesh: the admin token from GATEWAY_TOKEN (a gateway bound beyond
# loopback needs it), or nothing. Read through a file descriptor, so the token never shows on a command line.
gateway_auth() {
  if [[ -n "${GATEWAY_TOKEN:-}" ]]; then printf 'authorization: Bearer %s\n' "${GATEWAY_TOKEN}"; fi
}

# set_weights V1 V2 on the chosen target; prints nothing on stdout.
set_weights() {
  local v1="$1" v2="$2"
  if [[ "${TARGET}" == local ]]; then
    local answer
    # No --fail: a refusal's JSON error answer reaches ops-helper, which prints its message.
    answer="$(curl -sS --max-time 10 -X PUT -H 'content-type: application/json' -H @<(gateway_auth) \
      --data "{\"weights\":{\"v1\":${v1},\"v2\":${v2}}}" "${GATEWAY}/__mesh")" ||
      die "cannot reach the local gateway at ${GATEWAY} (PUT /__mesh weights ${v1} ${v2})" "${EXIT_UNAVAILABLE}"
    local applied
    applied="$(ops_helper mesh-weights <<<"${answer}")" ||
      die "the local gateway at ${GATEWAY} refused PUT /__mesh weights ${v1} ${v2}" "${EXIT_UNAVAILABLE}"
    [[ "${applied}" == "${v1} ${v2}" ]] || die "the local gateway reports weights '${applied}' after asking for ${v1} ${v2}"
  else
    "${ROOT}/scripts/shift-traffic.sh" "${v1}" "${v2}" >&2
  fi
  CURRENT_WEIGHT="${v2}"
}

# ---- measurements ------------------------------------------------------------------------------------------
start_prometheus() {
  [[ "${USE_PROMETHEUS}" != no ]] || return 0
  if [[ "${TARGET}" == local ]]; then
    # pnpm dev's own Prometheus (apps/dev), unless PROMETHEUS_URL or --prometheus-url names another.
    [[ -n "${PROMETHEUS}" ]] || PROMETHEUS="http://localhost:${PROMETHEUS_PORT:-9090}"
  elif [[ -z "${PROMETHEUS}" ]]; then
    if kube_in istio-system get service prometheus -o name >/dev/null 2>&1; then
      local log="${WORK_DIR}/port-forward.log" port="" tries
      kube_in istio-system port-forward service/prometheus :9090 >"${log}" 2>&1 &
      PORT_FORWARD_PID=$!
      for tries in {1..50}; do
        port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "${log}" | head -n 1)"
        [[ -n "${port}" ]] && break
        kill -0 "${PORT_FORWARD_PID}" 2>/dev/null || break
        sleep 0.2
      done
      : "${tries}"
      [[ -n "${port}" ]] && PROMETHEUS="http://127.0.0.1:${port}"
    fi
  fi
  if [[ -n "${PROMETHEUS}" ]] && curl -fsS --max-time 5 "${PROMETHEUS%/}/-/ready" >/dev/null 2>&1; then
    PROMETHEUS="${PROMETHEUS%/}"
    log::ok "judging from Prometheus at ${PROMETHEUS}"
    return 0
  fi
  if [[ "${USE_PROMETHEUS}" == yes ]]; then
    die "Prometheus at ${PROMETHEUS:-<none>} does not answer /-/ready" "${EXIT_UNAVAILABLE}"
  fi
  log::info "no Prometheus reachable at ${PROMETHEUS:-<none>} (set PROMETHEUS_URL to use one): judging from the traffic CLI's measurements"
  PROMETHEUS=""
}

prometheus_scalar() {
  local query="$1"
  curl -fsS --max-time 10 --get "${PROMETHEUS}/api/v1/query" --data-urlencode "query=${query}" |
    ops_helper prometheus-scalar 2>/dev/null
}

# prometheus_metrics WINDOW_SECONDS: prints "SUCCESS_RATE P99_MS" for the canary workload, or fails without data.
prometheus_metrics() {
  local window="$1s"
  local selector="reporter=\"destination\",destination_workload_namespace=\"${NAMESPACE}\",destination_workload=\"movie-backend-v2\""
  local success p99
  success="$(prometheus_scalar "100 * sum(rate(istio_requests_total{${selector},response_code!~\"5..\"}[${window}])) / sum(rate(istio_requests_total{${selector}}[${window}]))")" || return 1
  p99="$(prometheus_scalar "histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${selector}}[${window}])))")" || return 1
  echo "${success} ${p99}"
}

# local_metrics STARTED LOAD_END: prometheus_metrics for a local check, once Prometheus has scraped the gateway
# after the load ended (every series of a scrape shares its time) and has data; polls for at most ~10 s, so a
# first check waits for the second sample rate() needs. Fails when no data comes.
local_metrics() {
  local started="$1" load_end="$2" newest tries
  for tries in {1..50}; do
    newest="$(prometheus_scalar 'max(timestamp(istio_requests_total{reporter="destination"}))')" &&
      awk -v t="${newest}" -v s="${load_end}" 'BEGIN { exit !(t + 0 > s + 0) }' &&
      prometheus_metrics "$(judge_window "${started}")" && return 0
    sleep 0.2
  done
  : "${tries}"
  return 1
}

# judge_window STARTED: the rate window of a check. On a cluster, at least a minute (Prometheus there scrapes every
# 15-30 s); locally (1 s scrapes) the check's own duration plus a few scrapes, so a short --interval is judged on
# its own load.
judge_window() {
  local started="$1"
  if [[ "${TARGET}" == local ]]; then
    echo "$((SECONDS - started + 5))"
  else
    echo "$((INTERVAL > 60 ? INTERVAL : 60))"
  fi
}

# generate_load: runs the traffic CLI once; prints its JSON report (it exits 1/2 on a split mismatch or errors,
# which is the judge's business, not a reason to stop).
generate_load() {
  local args=(test "${REQUESTS}" --json --no-progress --concurrency "${CONCURRENCY}")
  [[ -n "${GATEWAY}" ]] && args+=(--url "${GATEWAY}")
  "${ROOT}/scripts/test-traffic.sh" "${args[@]}" 2>"${WORK_DIR}/traffic.err" || true
}

# ---- report ------------------------------------------------------------------------------------------------
add_row() {
  REPORT_ROWS+=("$(printf '%-5s %-6s %-9s %8s %9s %9s %10s  %-10s %s' "$@")")
  log::info "$(printf '%-5s %-6s %-9s %8s %9s %9s %10s  %-10s %s' "$@")"
}

print_report() {
  local outcome="$1"
  OUTCOME="${outcome}"
  echo
  echo "Canary report: v1 → v2 on ${TARGET} (${GATEWAY:-cluster ingress}), steps ${STEPS}, ${REQUESTS} requests per check"
  echo "thresholds: success rate >= ${MIN_SUCCESS_RATE} %, p99 <= ${MAX_P99_MS} ms, rollback after ${MAX_FAILED_CHECKS} failed check(s)"
  echo
  printf '%-5s %-6s %-9s %8s %9s %9s %10s  %-10s %s\n' check step "v1/v2" requests "v2 share" success p99 source result
  local row
  for row in "${REPORT_ROWS[@]}"; do echo "${row}"; done
  echo
  echo "${outcome}"
}

# ---- the loop ----------------------------------------------------------------------------------------------
# write_verdict EXIT_CODE: the --json file, from canary.sh's record of settings, checks and the split in force.
write_verdict() {
  local code="$1"
  [[ -n "${JSON_FILE}" ]] || return 0
  {
    printf 'setting\t%s\t%s\n' namespace "${NAMESPACE}" steps "${STEPS}" interval "${INTERVAL}" requests "${REQUESTS}" \
      minSuccessRate "${MIN_SUCCESS_RATE}" maxP99Ms "${MAX_P99_MS}" maxFailedChecks "${MAX_FAILED_CHECKS}"
    [[ -f "${WORK_DIR}/checks.tsv" ]] && cat "${WORK_DIR}/checks.tsv"
    [[ -n "${CURRENT_WEIGHT}" ]] && printf 'weights\t%s\t%s\n' "$((100 - CURRENT_WEIGHT))" "${CURRENT_WEIGHT}"
    true
  } | ops_helper canary-verdict "${code}" "${OUTCOME}" >"${JSON_FILE}" || log::warn "could not write the verdict to ${JSON_FILE}"
}

cleanup() {
  local code=$?
  write_verdict "${code}"
  if [[ -n "${PORT_FORWARD_PID}" ]]; then kill "${PORT_FORWARD_PID}" 2>/dev/null || true; fi
  if [[ -n "${WORK_DIR}" ]]; then rm -rf "${WORK_DIR}"; fi
}

on_interrupt() {
  trap - INT TERM
  local reached="${CURRENT_WEIGHT:-0}"
  log::warn "interrupted: rolling back to 100-0"
  if [[ -z "${FINISHED}" && -n "${CURRENT_WEIGHT}" ]]; then set_weights 100 0 || true; fi
  print_report "INTERRUPTED at v2 ${reached} %: rolled back to 100-0 (all traffic to v1)"
  exit 130
}

# judge_check STEP CHECK: runs one check at the current step; returns 0 pass, 1 fail.
judge_check() {
  local step="$1" check="$2" started=${SECONDS}
  local report requests v2share success p99 source="cli" verdict reason=""
  report="$(generate_load)"
  local load_end
  load_end="$(date +%s.%N)"
  local remaining=$((INTERVAL - (SECONDS - started)))
  ((remaining > 0)) && sleep "${remaining}"

  # The canary is judged on its own answers (as Prometheus does with destination_workload): see canary-check.
  if ! read -r requests v2share success p99 < <(ops_helper canary-check <<<"${report}" 2>/dev/null); then
    requests="${REQUESTS}" v2share="-" success="0" p99="none"
    reason="the traffic CLI gave no report: $(tail -n 1 "${WORK_DIR}/traffic.err" 2>/dev/null)"
  fi
  if [[ -n "${PROMETHEUS}" ]]; then
    local metrics
    if [[ "${TARGET}" == local ]]; then
      metrics="$(local_metrics "${started}" "${load_end}")" || metrics=""
    else
      metrics="$(prometheus_metrics "$(judge_window "${started}")")" || metrics=""
    fi
    if [[ -n "${metrics}" ]]; then
      read -r success p99 <<<"${metrics}"
      source="prometheus"
    else
      log::warn "Prometheus has no data for movie-backend-v2 yet: using the traffic CLI's measurement"
    fi
  fi

  verdict="pass"
  if [[ -n "${reason}" ]]; then
    verdict="FAIL"
  elif ! awk -v s="${success}" -v min="${MIN_SUCCESS_RATE}" 'BEGIN { exit !(s + 0 >= min + 0) }'; then
    verdict="FAIL" reason="success rate ${success} % < ${MIN_SUCCESS_RATE} %"
  elif [[ "${p99}" == none ]] || ! awk -v p="${p99}" -v max="${MAX_P99_MS}" 'BEGIN { exit !(p + 0 <= max + 0) }'; then
    verdict="FAIL" reason="p99 ${p99} ms > ${MAX_P99_MS} ms"
  fi
  add_row "${check}" "${step}%" "$((100 - step))/${step}" "${requests}" "${v2share}%" "${success}%" "${p99}ms" "${source}" "${verdict}${reason:+: ${reason}}"
  printf 'check\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${check}" "${step}" "${requests}" "${v2share}" "${success}" \
    "${p99}" "${source}" "${verdict,,}" "${reason//$'\t'/ }" >>"${WORK_DIR}/checks.tsv"
  [[ "${verdict}" == pass ]]
}

main() {
  parse_args "$@"
  require_command curl "Install curl (apt-get install curl)."
  require_command node "Install Node.js >= 20 and run pnpm install."
  WORK_DIR="$(mktemp -d)"
  trap cleanup EXIT
  trap on_interrupt INT TERM

  detect_target
  start_prometheus
  log::info "canary v1 → v2 on ${TARGET}: steps ${STEPS}, hold ${INTERVAL}s, ${REQUESTS} requests per check"

  local steps step check=0 failed=0
  IFS=',' read -r -a steps <<<"${STEPS}"
  for step in "${steps[@]}"; do
    step=$((10#${step}))
    set_weights "$((100 - step))" "${step}"
    while true; do
      check=$((check + 1))
      if judge_check "${step}" "${check}"; then break; fi
      failed=$((failed + 1))
      if ((failed >= MAX_FAILED_CHECKS)); then
        set_weights 100 0
        FINISHED="rolled-back"
        add_row "-" "0%" "100/0" "-" "-" "-" "-" "-" "rolled back"
        print_report "ROLLED BACK to 100-0 (all traffic to v1) after ${failed} failed check(s); v2 reached ${step} %"
        return 1
      fi
      log::warn "holding at ${step} % (failed checks ${failed}/${MAX_FAILED_CHECKS})"
    done
  done
  FINISHED="promoted"
  print_report "PROMOTED: v2 takes 100 % (0-100) after ${check} check(s), ${failed} failed"
}

main "$@"
