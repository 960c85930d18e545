/**
 * Waiting until something is ready: used at run time by `pnpm dev` (each part's probe) and by every test suite
 * (through @movies/testkit, which re-exports it), so a runtime package never depends on a test package.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/**
 * Polls `condition` until it holds. The bound is only a failure deadline for a condition that will never hold,
 * never a measurement: keep it generous so a busy machine still passes.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  { timeoutMs = 60_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await sleep(intervalMs);
  }
}

export interface WaitForHttpOptions {
  /** What is awaited, for the error message (default: the url). */
  what?: string;
  /** The process that should answer: its exit fails the wait at once instead of at the deadline. */
  child?: { exitCode: number | null; signalCode: NodeJS.Signals | null };
  /** Its recent output (or logs), appended to the error. */
  output?: () => string | Promise<string>;
  /** Which statuses mean ready (default 2xx; `pnpm dev` takes any answer below 500 from Vite). */
  ready?: (status: number) => boolean;
  timeoutMs?: number;
  intervalMs?: number;
}

const is2xx = (status: number) => status >= 200 && status < 300;

/** Polls `url` with GET until it answers a ready status; fails at once if the process that should answer exits. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { what = url, child, output, ready = is2xx, timeoutMs = 60_000, intervalMs = 50 } = options;
  let last = 'no answer yet';
  const answers = async () => {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const extra = output ? `: ${await output()}` : '';
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready${extra}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, timeoutMs)) });
      await response.arrayBuffer();
      last = `HTTP ${response.status}`;
      return ready(response.status);
    } catch (error) {
      last = (error as Error).message;
      return false;
    }
  };
  try {
    await waitFor(answers, `${what} to answer ${url}`, { timeoutMs, intervalMs });
  } catch (error) {
    if (!(error as Error).message.startsWith('timed out')) throw error;
    const extra = output ? `; output:\n${await output()}` : '';
    throw new Error(`${(error as Error).message} (last: ${last})${extra}`);
  }
}
