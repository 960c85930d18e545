/**
 * `pnpm test`: typecheck, lint and build the workspace, mutation-test the core modules, run every package's test
 * suite, then print CI's one line, "N passed, N failed[, N skipped]", last. Every stage runs even when an earlier one failed, except that the suites
 * need the build; a failed stage counts as failed, and the exit code is 1 exactly when the failed count is above 0.
 * SIGINT, SIGTERM and SIGHUP stop the running stage with its whole process group.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Outcome, summarize, type VitestReport } from './test-report.js';

export interface Stage {
  name: string;
  command: string;
  args: string[];
  /** Whether the suites need this stage to have passed (the build). */
  gatesSuites?: boolean;
}

export interface Suite {
  /** The package name, e.g. @movies/backend. */
  name: string;
  dir: string;
  /** Where its Vitest JSON reporter writes (see each vitest.config.ts). */
  reportFile: string;
}

export interface RunOptions {
  root: string;
  stages: readonly Stage[];
  suites: readonly Suite[];
  /** The command that runs one suite in its folder; `pnpm run test` unless a test says otherwise. */
  suiteCommand?: { command: string; args: string[] };
  write?: (line: string) => void;
}

export const defaultStages: readonly Stage[] = [
  { name: 'typecheck', command: 'pnpm', args: ['-r', 'typecheck'] },
  { name: 'lint', command: 'pnpm', args: ['lint'] },
  { name: 'build', command: 'pnpm', args: ['-r', 'build'], gatesSuites: true },
  // Mutation testing of the core modules (stryker.config.mjs); a score under its floors fails the stage.
  { name: 'mutation', command: 'pnpm', args: ['test:mutation'] },
];

const workspaceGroups = ['packages', 'apps'];

/** Every workspace package with a `test` script, packages/ first, then apps/, each in name order. */
export function findSuites(root: string): Suite[] {
  return workspaceGroups.flatMap((group) => {
    const base = join(root, group);
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .sort()
      .map((entry) => join(base, entry))
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .flatMap((dir) => {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          scripts?: Record<string, string>;
        };
        if (!manifest.scripts?.test) return [];
        return [
          {
            name: manifest.name ?? relative(root, dir),
            dir,
            reportFile: join(dir, '.test-results', 'vitest.json'),
          },
        ];
      });
  });
}

let running: ChildProcess | undefined;
let stopping: NodeJS.Signals | undefined;

/** Runs one command in its own process group and resolves with its exit code (null when killed or unstartable). */
function runCommand(command: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', detached: true });
    running = child;
    child.once('error', (error) => {
      console.error(`test: could not start ${command}: ${error.message}`);
      resolve(null);
    });
    child.once('close', (code) => {
      running = undefined;
      resolve(code);
    });
  });
}

function readReport(file: string): VitestReport | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
  } catch {
    return undefined;
  }
}

/** Runs the stages and suites and returns their outcomes, in order. */
export async function runChecks(options: RunOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let suitesBlockedBy: string | undefined;
  for (const stage of options.stages) {
    if (stopping) break;
    const exitCode = await runCommand(stage.command, stage.args, options.root);
    outcomes.push({ kind: 'stage', name: stage.name, exitCode });
    if (exitCode !== 0 && stage.gatesSuites) suitesBlockedBy ??= stage.name;
  }
  const { command, args } = options.suiteCommand ?? { command: 'pnpm', args: ['run', 'test'] };
  for (const suite of options.suites) {
    rmSync(join(suite.reportFile, '..'), { recursive: true, force: true });
    if (stopping || suitesBlockedBy) {
      const reason = stopping ? `stopped by ${stopping}` : `the ${suitesBlockedBy} stage failed`;
      outcomes.push({ kind: 'not-run', name: suite.name, reason });
      continue;
    }
    const exitCode = await runCommand(command, args, suite.dir);
    outcomes.push({ kind: 'suite', name: suite.name, exitCode, report: readReport(suite.reportFile) });
  }
  return outcomes;
}

function stopOn(signal: NodeJS.Signals): void {
  stopping = signal;
  if (running?.pid) {
    try {
      process.kill(-running.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopOn(signal));
  let outcomes: Outcome[] = [];
  try {
    outcomes = await runChecks({ root, stages: defaultStages, suites: findSuites(root) });
  } catch (error) {
    outcomes.push({ kind: 'stage', name: `test runner (${(error as Error).message})`, exitCode: null });
  }
  const { lines, counts } = summarize(outcomes);
  for (const line of lines) console.log(line);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
