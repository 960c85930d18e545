/**
 * The CI pipeline files (examples/ci/*, .github/workflows/*) as the tests see them: parsed YAML, the shell
 * scripts of their jobs, the repository commands those scripts call, and validation against the published
 * JSON schemas committed in apps/ops/test/schemas (see SOURCE.md there).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from './harness.js';
import { checkCall, type Program } from './script-usage.js';
import { parseCommands, type Word } from './shell-words.js';

export type PipelineKind = 'gitlab' | 'github';

export interface PipelineFile {
  kind: PipelineKind;
  path: string;
  document: Record<string, unknown>;
}

export const pipelineFiles: readonly { kind: PipelineKind; path: string }[] = [
  { kind: 'gitlab', path: 'examples/ci/gitlab-ci.yml' },
  { kind: 'github', path: 'examples/ci/github-canary.yml' },
  { kind: 'github', path: '.github/workflows/cluster-e2e.yml' },
];

export function loadPipeline(path: string, kind: PipelineKind): PipelineFile {
  const absolute = path.startsWith('/') ? path : join(repoRoot, path);
  const document = parse(readFileSync(absolute, 'utf8')) as Record<string, unknown>;
  return { kind, path, document };
}

// ---- schemas ----------------------------------------------------------------------------------------------
const schemaFiles: Record<PipelineKind, string> = {
  gitlab: 'gitlab-ci.json',
  github: 'github-workflow.json',
};
const validators = new Map<PipelineKind, ValidateFunction>();

function validatorFor(kind: PipelineKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'schemas', schemaFiles[kind]), 'utf8'),
    );
    // Both are draft-07 (ajv's default). strict:false lets ajv accept their editor-only keywords
    // (markdownDescription, …); formats (uri, …) are not checked, as GitLab and GitHub themselves do not.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    validate = ajv.compile(schema);
    validators.set(kind, validate);
  }
  return validate;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (extra.additionalProperty) return `${where}: unknown key "${extra.additionalProperty}"`;
  if (extra.allowedValues) return `${where}: ${error.message}: ${extra.allowedValues.join(', ')}`;
  return `${where}: ${error.message}`;
}

/** Schema errors of a pipeline file, one readable line each (deduplicated); empty when it is valid. */
export function schemaErrors(pipeline: PipelineFile): string[] {
  const validate = validatorFor(pipeline.kind);
  if (validate(pipeline.document)) return [];
  return [...new Set((validate.errors ?? []).map(describeError))];
}

// ---- jobs and their scripts -------------------------------------------------------------------------------
export interface JobScript {
  job: string;
  /** Where in the file: `canary.script`, `canary.steps[4].run`, … */
  where: string;
  script: string;
}

function asLines(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function gitlabScripts(document: Record<string, unknown>): JobScript[] {
  const scripts: JobScript[] = [];
  for (const [job, body] of Object.entries(document)) {
    if (!isMapping(body)) continue;
    for (const key of ['before_script', 'script', 'after_script']) {
      for (const [index, line] of asLines(body[key]).entries()) {
        scripts.push({ job, where: `${job}.${key}[${index}]`, script: line });
      }
    }
  }
  return scripts;
}

function githubScripts(document: Record<string, unknown>): JobScript[] {
  const scripts: JobScript[] = [];
  const jobs = (document.jobs ?? {}) as Record<string, { steps?: { run?: string }[] }>;
  for (const [job, body] of Object.entries(jobs)) {
    for (const [index, step] of (body.steps ?? []).entries()) {
      if (typeof step.run === 'string')
        scripts.push({ job, where: `${job}.steps[${index}].run`, script: step.run });
    }
  }
  return scripts;
}

/** Every piece of shell the file runs: GitLab's before_script/script/after_script, GitHub's steps[].run. */
export function jobScripts(pipeline: PipelineFile): JobScript[] {
  return pipeline.kind === 'gitlab' ? gitlabScripts(pipeline.document) : githubScripts(pipeline.document);
}

/** The units the CI system hands to one shell: a GitLab job's whole script (its lines joined), a GitHub step's run. */
export function shellUnits(pipeline: PipelineFile): JobScript[] {
  if (pipeline.kind === 'github') return jobScripts(pipeline);
  const units = new Map<string, JobScript>();
  for (const piece of jobScripts(pipeline)) {
    const where = piece.where.replace(/\[\d+\]$/, '');
    const unit = units.get(where);
    if (unit) unit.script += `\n${piece.script}`;
    else units.set(where, { ...piece, where });
  }
  return [...units.values()];
}

// ---- the repository commands a script calls ---------------------------------------------------------------
export interface Invocation {
  where: string;
  /** scripts/canary.sh, pnpm images, … */
  name: string;
  program: Program | undefined;
  args: Word[];
}

const SCRIPT_PATH = /^(?:\.\/|\$\{?CI_PROJECT_DIR\}?\/|\$\{?GITHUB_WORKSPACE\}?\/)?(scripts\/[\w.-]+)$/;
/** Root package.json scripts whose --help the checks read. */
const PNPM_COMMANDS = new Set(['images', 'traffic']);

function invocationOf(words: Word[], where: string): Invocation | undefined {
  let [first, ...args] = words;
  if (
    first &&
    (first.value === 'bash' || first.value === 'sh') &&
    args[0] &&
    SCRIPT_PATH.test(args[0].value)
  ) {
    [first, ...args] = args;
  }
  if (!first) return undefined;
  const script = SCRIPT_PATH.exec(first.value)?.[1];
  if (script) {
    const file = join(repoRoot, script);
    return {
      where,
      name: script,
      program: existsSync(file) ? { argv: [file], cwd: repoRoot } : undefined,
      args,
    };
  }
  const pnpmCommand = args[0]?.value === 'run' ? args[1] : args[0];
  if (first.value === 'pnpm' && pnpmCommand && PNPM_COMMANDS.has(pnpmCommand.value)) {
    const rest = args.slice(args.indexOf(pnpmCommand) + 1);
    return {
      where,
      name: `pnpm ${pnpmCommand.value}`,
      program: { argv: ['pnpm', '--silent', pnpmCommand.value], cwd: repoRoot },
      args: rest,
    };
  }
  return undefined;
}

export function invocations(pipeline: PipelineFile): Invocation[] {
  const found: Invocation[] = [];
  for (const { where, script } of jobScripts(pipeline)) {
    for (const command of parseCommands(script)) {
      const invocation = invocationOf(command.words, where);
      if (invocation) found.push(invocation);
    }
  }
  return found;
}

/** One line per call that names a missing script or passes arguments the program does not accept. */
export async function invocationErrors(pipeline: PipelineFile): Promise<string[]> {
  const errors: string[] = [];
  for (const call of invocations(pipeline)) {
    if (!call.program) {
      errors.push(`${call.where}: ${call.name} does not exist`);
      continue;
    }
    for (const error of await checkCall(call.program, call.args))
      errors.push(`${call.where}: ${call.name}: ${error}`);
  }
  return errors;
}
