/**
 * The traffic CLI's exit codes, shared by every command: 1 means the measured split disagrees with the weights
 * (what canary.sh acts on), 2 a failure to measure at all, 64 a usage error (sysexits' EX_USAGE), 78 a bad
 * environment variable (EX_CONFIG, the CONFIG_INVALID code's).
 */
export const exitCodes = { ok: 0, splitMismatch: 1, errors: 2, usage: 64, config: 78 } as const;
