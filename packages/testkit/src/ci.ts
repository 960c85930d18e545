/**
 * Whether this is CI (one answer for every suite, so they skip or fail alike), and what follows from it for a suite that needs a tool from the machine
 * (Chromium, podman, ShellCheck): in CI a missing tool is a failure, elsewhere the suite is skipped and says why.
 */

const falsy = new Set(['', '0', 'false', 'no', 'off']);

/** True when CI is set to anything but an empty or false-like value (CI=true, CI=1, CI=yes). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI;
  return value !== undefined && !falsy.has(value.trim().toLowerCase());
}

export interface ToolGate {
  /** Whether the suite runs: always in CI, elsewhere only when the tool is there. */
  readonly run: boolean;
  /** Throws (in a beforeAll, so the suite counts as failed) when CI runs a suite whose tool is missing. */
  assertAvailable(): void;
}

/**
 * Decides whether a suite that needs `tool` runs. Outside CI a missing tool skips the suite with one warning
 * naming the tool and what is skipped; in CI the suite runs and `assertAvailable()` fails it with that reason.
 */
export function toolGate(
  tool: string,
  available: boolean,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): ToolGate {
  const ci = isCI(env);
  if (!available && !ci) console.warn(`SKIPPED ${what}: ${tool} is not available here (CI requires it).`);
  return {
    run: available || ci,
    assertAvailable() {
      if (!available)
        throw new Error(`CI requires ${tool} for ${what}, and it is not available on this machine`);
    },
  };
}
