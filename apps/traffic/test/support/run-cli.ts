/** Runs the REAL traffic CLI as a child process (through the repo's tsx), as a user or canary.sh would. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type TestReport, testReportSchema } from '@movies/contracts/traffic-report';
import { repoRoot } from '@movies/mesh';
import { expect } from 'vitest';

export const tsxBin = join(repoRoot, 'node_modules', '.bin', 'tsx');
/** tsx's loader, for `node --import` when a test needs signals to reach the CLI process directly. */
export const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
export const cliPath = join(repoRoot, 'apps', 'traffic', 'src', 'cli.ts');
export const scriptPath = join(repoRoot, 'scripts', 'test-traffic.sh');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Run scripts/test-traffic.sh instead of the CLI file. */
  viaScript?: boolean;
  timeoutMs?: number;
}

/** The environment of a clean shell: no gateway or kubectl hints leak in from the developer's. */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of ['GATEWAY_URL', 'KUBECTL', 'NAMESPACE', 'FORCE_COLOR']) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const [command, argv] = options.viaScript ? [scriptPath, [...args]] : [tsxBin, [cliPath, ...args]];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      argv,
      {
        cwd: repoRoot,
        env: cleanEnv(options.env),
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') {
          reject(new Error(`traffic CLI did not exit normally (${error?.message}): ${stderr}`));
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Parses `test --json` output: exactly one JSON object on stdout. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON object (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/**
 * A `test --json` report, held to the schema canary.sh reads it by (@movies/contracts): it must parse, and
 * parsing must drop nothing.
 */
export function parseTestReport(result: CliResult): TestReport {
  const json = parseJson(result);
  const parsed = testReportSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the report breaks its contract: ${parsed.error.message}`);
  expect(parsed.data, 'a report field the contract does not know').toEqual(json);
  return parsed.data;
}
