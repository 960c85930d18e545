/**
 * How a forwarded request ended, and a single table from that outcome to the status, text and Envoy response
 * flag the gateway answers and logs with (one table, so an answer and its log line cannot disagree) (Envoy's own local replies: 503 "no healthy upstream", 504 "upstream
 * request timeout", …).
 */

/** Why a try failed before its answer started. */
export type FailureKind = 'connect' | 'reset' | 'per-try-timeout' | 'timeout' | 'other';

/** Which timer, if any, aborted the try. */
export interface AbortReasons {
  timeout: boolean;
  perTry: boolean;
}

export type Outcome =
  /** The upstream's answer was streamed to the client. */
  | { kind: 'answered' }
  /** The try failed after the answer started (or the client left): the stream was cut. */
  | { kind: 'cut'; flag: 'UT' | 'DC' | undefined }
  /** No answer came: the gateway answers itself, per `failureAnswers`. */
  | { kind: FailureKind; retried: boolean; error: unknown };

interface FailureAnswer {
  status: number;
  flag: string;
  /** Whether a failure after retries adds URX (upstream retry limit exceeded); the route timeout never does. */
  exhaustible: boolean;
  text: (error: unknown) => string;
}

const resetText = 'upstream connect error or disconnect/reset before headers. reset reason:';

export const failureAnswers: Readonly<Record<FailureKind, FailureAnswer>> = {
  timeout: { status: 504, flag: 'UT', exhaustible: false, text: () => 'upstream request timeout' },
  'per-try-timeout': { status: 504, flag: 'UT', exhaustible: true, text: () => 'upstream request timeout' },
  connect: { status: 503, flag: 'UH', exhaustible: true, text: () => 'no healthy upstream' },
  reset: { status: 503, flag: 'UC', exhaustible: true, text: () => `${resetText} connection termination` },
  other: {
    status: 503,
    flag: 'UC',
    exhaustible: true,
    text: (error) => `${resetText} ${(error as Error).message}`,
  },
};

/** The flags a failure adds to the access log. */
export function failureFlags(kind: FailureKind, retried: boolean): string[] {
  const answer = failureAnswers[kind];
  return retried && answer.exhaustible ? [answer.flag, 'URX'] : [answer.flag];
}

const connectCodes = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const resetCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);

export function classifyError(error: unknown, reasons: AbortReasons): FailureKind {
  if (reasons.timeout) return 'timeout';
  if (reasons.perTry) return 'per-try-timeout';
  const code = (error as { code?: string } | null)?.code;
  // Stryker disable next-line ConditionalExpression: an undefined code is in neither set below, so it ends as 'other' either way
  if (code === undefined) return 'other';
  if (connectCodes.has(code)) return 'connect';
  return resetCodes.has(code) ? 'reset' : 'other';
}
