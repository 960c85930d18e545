/**
 * Errors with a stable code. The code decides the HTTP status an answer gets and the exit code a command line ends
 * with (sysexits.h, as scripts/lib/common.sh uses them), so no handler tests classes one by one. In an error answer
 * the code is sent lower-case (`{ "error": { "code": "not_found", … } }`, the API's documented form).
 */

/** Every code, with the HTTP status and the exit code that follow from it. */
export const errorCodes = {
  /** A request the API does not accept (a bad parameter, body or escape). */
  BAD_REQUEST: { status: 400, exitCode: 65 },
  NOT_FOUND: { status: 404, exitCode: 66 },
  METHOD_NOT_ALLOWED: { status: 405, exitCode: 64 },
  /** A change to the gateway's routing without its admin token. */
  UNAUTHORIZED: { status: 401, exitCode: 77 },
  /** A Host header the gateway does not serve (DNS rebinding): GATEWAY_ALLOWED_HOSTS opens it. */
  HOST_NOT_ALLOWED: { status: 403, exitCode: 77 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exitCode: 65 },
  /** FAULT_ERROR_RATE's demo failure. */
  INJECTED_FAULT: { status: 500, exitCode: 70 },
  NOT_READY: { status: 503, exitCode: 69 },
  INTERNAL_ERROR: { status: 500, exitCode: 70 },
  /** A command line the tool does not accept. */
  USAGE: { status: 400, exitCode: 64 },
  /** A bad environment variable or setting. */
  CONFIG_INVALID: { status: 500, exitCode: 78 },
  /** A data file that cannot be read or does not hold what it should (a catalogue, the TMDB facts). */
  DATA_INVALID: { status: 500, exitCode: 65 },
  /** Something this program needs does not answer (TMDB, a gateway, Prometheus). */
  UNAVAILABLE: { status: 503, exitCode: 69 },
  /** A split that is not whole numbers from 0 to 100 summing to 100 over the DestinationRule's subsets. */
  MESH_BAD_WEIGHTS: { status: 400, exitCode: 64 },
  MESH_UNKNOWN_OVERLAY: { status: 400, exitCode: 64 },
  /** A VirtualService, HTTPRoute or other manifest the mesh module cannot read or route by. */
  MESH_BAD_MANIFEST: { status: 400, exitCode: 65 },
  /** An upstream map or URL the gateway cannot use. */
  MESH_BAD_UPSTREAMS: { status: 400, exitCode: 78 },
} as const satisfies Record<string, { status: number; exitCode: number }>;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  override name = 'AppError';
  /** Headers an HTTP answer to this error carries (Allow for a 405). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { headers?: Record<string, string> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  get exitCode(): number {
    return errorCodes[this.code].exitCode;
  }

  /** The code as error answers send it. */
  get wireCode(): string {
    return this.code.toLowerCase();
  }
}

/** A command line the tool does not accept; `command` names the subcommand whose `--help` to read. */
export class UsageError extends AppError {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super('USAGE', message);
  }
}

/** The exit code for anything thrown: an AppError's, else EX_SOFTWARE (70). */
export function exitCodeOf(error: unknown): number {
  return error instanceof AppError ? error.exitCode : errorCodes.INTERNAL_ERROR.exitCode;
}
