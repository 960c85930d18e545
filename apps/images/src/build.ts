import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, run } from '@movies/cli-kit';
import type { ImageSpec } from './dockerfiles.js';
import { instructions } from './dockerfiles.js';
import type { Engine } from './engine.js';
import type { Reporter } from './progress.js';

export interface BuildOptions {
  repoRoot: string;
  reporter: Reporter;
  /** Build arguments, e.g. VERSION and REVISION for the OCI labels. */
  buildArgs?: Record<string, string>;
}

export interface BuildResult {
  reference: string;
  seconds: number;
  sizeBytes: number;
  /** Steps answered from the layer cache. */
  cachedSteps: number;
  steps: number;
}

/** One step line of podman/buildah (`[1/2] STEP 3/9: RUN …`) or BuildKit's plain progress (`#7 [build 3/9] RUN …`). */
export function parseStepLine(line: string): string | undefined {
  const podman = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
  if (podman?.[1]) return podman[1];
  const buildkit = /^#\d+ \[[^\]]*\d+\/\d+\] (.*)$/.exec(line);
  return buildkit?.[1];
}

function isCacheHit(line: string): boolean {
  return /^--> Using cache\b/.test(line) || /^#\d+ CACHED$/.test(line);
}

function engineArgs(engine: Engine): string[] {
  // Base images are made available beforehand (pulled or stand-ins), so podman must not try a registry.
  // The OCI image format has no HEALTHCHECK (podman drops it with a warning); the docker format keeps it.
  return engine.name === 'podman' ? ['--pull=never', '--layers', '--format', 'docker'] : ['--progress=plain'];
}

/** Builds one image from the repository root, streaming each step with a counter. */
export async function buildImage(
  engine: Engine,
  spec: ImageSpec,
  reference: string,
  options: BuildOptions,
): Promise<BuildResult> {
  const dockerfileText = await readFile(join(options.repoRoot, spec.dockerfile), 'utf8');
  const total = instructions(dockerfileText).length;
  const args = ['build', ...engineArgs(engine), '--file', spec.dockerfile, '--tag', reference];
  for (const [key, value] of Object.entries(options.buildArgs ?? {}))
    args.push('--build-arg', `${key}=${value}`);
  args.push('.');
  const seenSteps = new Set<string>();
  let cachedSteps = 0;
  const started = Date.now();
  options.reporter.info(`[${spec.name}] ${engine.program} ${args.join(' ')}`);
  const env = engine.name === 'docker' ? { ...process.env, DOCKER_BUILDKIT: '1' } : process.env;
  const result = await run(engine.program, args, {
    cwd: options.repoRoot,
    env,
    onLine(line) {
      options.reporter.output(spec.name, line);
      if (isCacheHit(line)) cachedSteps += 1;
      const step = parseStepLine(line);
      if (step === undefined || seenSteps.has(line)) return;
      seenSteps.add(line);
      options.reporter.step(spec.name, Math.min(seenSteps.size, total), total, step.slice(0, 100));
    },
  });
  if (result.code !== 0) throw new CommandError(`${engine.program} ${args.join(' ')}`, result);
  const seconds = (Date.now() - started) / 1000;
  const sizeBytes = await imageSize(engine, reference);
  return { reference, seconds, sizeBytes, cachedSteps, steps: seenSteps.size };
}

export async function imageSize(engine: Engine, reference: string): Promise<number> {
  const result = await run(engine.program, ['image', 'inspect', '--format', '{{.Size}}', reference]);
  const size = Number(result.stdout.trim());
  if (result.code !== 0 || !Number.isFinite(size)) throw new Error(`cannot read the size of ${reference}`);
  return size;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
