/**
 * Runs a pipeline job's own shell, read from the parsed pipeline file, the way the CI system would: GitLab joins a
 * job's `script:` lines into one bash script, GitHub runs each step's `run:` as its own `bash -eo pipefail` and
 * skips later steps after a failure unless their `if:` asks for always() or failure(). Tool set-up (GitLab's
 * before_script, GitHub's steps before the first repository script) is the machine's job here and is skipped.
 *
 * The job runs in a workspace like a CI checkout (a temporary directory whose entries link to the repository's),
 * so the files it writes — its artifacts — stay out of the repository.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandIn } from './harness.js';
import { repoRoot } from './harness.js';
import { isMapping, type PipelineFile } from './pipelines.js';

export interface Workspace {
  dir: string;
  cleanup(): void;
}

export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ops-pipeline-'));
  for (const entry of readdirSync(repoRoot)) {
    if (entry !== '.git') symlinkSync(join(repoRoot, entry), join(dir, entry));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The kubectl the job sees: the recording stand-in, plus a bridge that pushes every VirtualService change to the
 * local gateway (mesh-bridge-kubectl.mjs), so cluster-mode scripts move the local stack's traffic.
 */
export function bridgedKubectlEnv(
  standIn: StandIn,
  gatewayUrl: string,
  workspace: Workspace,
): Record<string, string> {
  const dir = join(workspace.dir, '.bridge-bin');
  mkdirSync(dir);
  const shim = join(dir, 'kubectl');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dirname, 'mesh-bridge-kubectl.mjs')}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return {
    ...standIn.env,
    PATH: `${dir}:${standIn.env.PATH}`,
    MESH_BRIDGE_GATEWAY: gatewayUrl,
    MESH_BRIDGE_OPS_HELPER: join(repoRoot, 'apps/ops/dist/ops-helper.mjs'),
  };
}

function gitlabSettings(pipeline: PipelineFile): Record<string, string> {
  const variables = (pipeline.document.variables ?? {}) as Record<string, unknown>;
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    settings[name] = String(
      typeof value === 'object' && value ? (value as { value?: unknown }).value : value,
    );
  }
  return settings;
}

function githubSettings(pipeline: PipelineFile): Record<string, string> {
  const on = pipeline.document.on as {
    workflow_dispatch?: { inputs?: Record<string, { default?: unknown }> };
  };
  const inputs = on.workflow_dispatch?.inputs ?? {};
  const settings: Record<string, string> = {};
  for (const [name, raw] of Object.entries((pipeline.document.env ?? {}) as Record<string, unknown>)) {
    const value = String(raw);
    const input = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(value)?.[1];
    if (value.includes('${{') && !input) throw new Error(`env.${name}: unsupported expression ${value}`);
    if (input && !(input in inputs))
      throw new Error(`env.${name} reads inputs.${input}, which is not declared`);
    settings[name] = input ? String(inputs[input]?.default ?? '') : value;
  }
  return settings;
}

/** The pipeline's own settings: GitLab's `variables:` values, GitHub's `env:` with inputs at their defaults. */
export function pipelineSettings(pipeline: PipelineFile): Record<string, string> {
  return pipeline.kind === 'gitlab' ? gitlabSettings(pipeline) : githubSettings(pipeline);
}

export interface JobRun {
  code: number;
  /** stdout and stderr of every script, in order: the job log. */
  log: string;
  /** What ran: one entry per script (GitLab: one; GitHub: the steps, "skipped" for uses: and skipped steps). */
  steps: string[];
}

function runBash(script: string, cwd: string, env: Record<string, string>, timeoutMs = 240_000) {
  return new Promise<{ code: number; log: string }>((resolve, reject) => {
    const file = join(cwd, `.job-${process.pid}-${Date.now()}.sh`);
    writeFileSync(file, script);
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`job script did not finish in ${timeoutMs} ms:\n${script}\n${log}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(file, { force: true });
      resolve({ code: code ?? 1, log });
    });
  });
}

const callsRepositoryScript = (run: string) => /(^|[\s;&|(])(\.\/)?scripts\/[\w.-]+\.sh\b/.test(run);

interface Step {
  name: string;
  run?: string;
  if?: unknown;
}

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

async function runGitlabJob(pipeline: PipelineFile, job: string, options: RunOptions): Promise<JobRun> {
  const body = pipeline.document[job] as { script?: string[] } | undefined;
  if (!body?.script) throw new Error(`${pipeline.path} has no job ${job} with a script`);
  const { code, log } = await runBash(body.script.join('\n'), options.cwd, options.env, options.timeoutMs);
  return { code, log, steps: [`${job}.script`] };
}

/** GitHub runs a step after a failed one only when its `if:` says always() or failure(), and not after success then. */
function stepRuns(failedBefore: boolean, condition: unknown): boolean {
  const text = String(condition ?? '');
  return failedBefore ? /always\(\)|failure\(\)/.test(text) : !/failure\(\)/.test(text);
}

async function runGithubJob(pipeline: PipelineFile, job: string, options: RunOptions): Promise<JobRun> {
  const jobs = pipeline.document.jobs as Record<string, { steps?: Step[] }>;
  const steps = jobs[job]?.steps ?? [];
  const first = steps.findIndex((step) => typeof step.run === 'string' && callsRepositoryScript(step.run));
  if (first === -1) throw new Error(`${pipeline.path}: job ${job} calls no repository script`);
  const run: JobRun = { code: 0, log: '', steps: [] };
  for (const step of steps.slice(first)) {
    if (step.run === undefined || !stepRuns(run.code !== 0, step.if)) {
      run.steps.push(`skipped: ${step.name ?? 'uses'}`);
      continue;
    }
    // An expression in run: would be spliced into the shell by GitHub (script injection); ours read env only.
    if (step.run.includes('${{')) throw new Error(`${job}: step "${step.name}" holds a template expression`);
    const result = await runBash(step.run, options.cwd, options.env, options.timeoutMs);
    run.steps.push(step.name ?? step.run);
    run.log += result.log;
    if (run.code === 0) run.code = result.code;
  }
  return run;
}

export function runJob(pipeline: PipelineFile, job: string, options: RunOptions): Promise<JobRun> {
  return pipeline.kind === 'gitlab'
    ? runGitlabJob(pipeline, job, options)
    : runGithubJob(pipeline, job, options);
}

interface JobRules {
  needs?: unknown;
  when?: unknown;
  if?: unknown;
}

function needsOf(body: JobRules): unknown[] {
  return [body.needs]
    .flat()
    .map((need) => (typeof need === 'object' && need ? (need as { job: string }).job : need));
}

/** Whether a job that needs another runs after that one's `outcome`: GitLab's `when:`, GitHub's `if:`. */
function runsAfter(kind: PipelineFile['kind'], body: JobRules, outcome: 'success' | 'failure'): boolean {
  const onFailure =
    kind === 'gitlab' ? body.when === 'on_failure' : /failure\(\)/.test(String(body.if ?? ''));
  const onSuccess = kind === 'gitlab' ? (body.when ?? 'on_success') === 'on_success' : !onFailure;
  return outcome === 'failure' ? onFailure : onSuccess;
}

/** The jobs that run after `job` when it succeeded or failed, by the pipeline's own needs/when/if rules. */
export function jobsAfter(pipeline: PipelineFile, job: string, outcome: 'success' | 'failure'): string[] {
  const jobs = pipeline.kind === 'gitlab' ? pipeline.document : (pipeline.document.jobs ?? {});
  return Object.entries(jobs as Record<string, unknown>)
    .filter(([, body]) => isMapping(body) && needsOf(body).includes(job))
    .filter(([, body]) => runsAfter(pipeline.kind, body as JobRules, outcome))
    .map(([name]) => name);
}
