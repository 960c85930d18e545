import { isRunnable } from '@movies/cli-kit';

export type EngineName = 'docker' | 'podman';

export interface Engine {
  name: EngineName;
  /** The CLI program; podman and docker take the same build/run/image arguments we use. */
  program: string;
}

export interface DetectOptions {
  /** Forces an engine, as MOVIES_CONTAINER_ENGINE does; it must work or detection fails. */
  prefer?: EngineName | undefined;
  isWorking?: (name: EngineName) => Promise<boolean>;
}

/** A docker CLI without a reachable daemon is common (e.g. a CI box with only the client): ask the daemon. */
async function engineWorks(name: EngineName): Promise<boolean> {
  return name === 'docker' ? isRunnable('docker', ['info']) : isRunnable('podman', ['info']);
}

export function parseEngineName(value: string | undefined, origin: string): EngineName | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'docker' || value === 'podman') return value;
  throw new Error(`${origin} must be "docker" or "podman", got "${value}"`);
}

/**
 * Docker when its daemon answers, otherwise podman; undefined when neither works.
 * With `prefer`, only that engine is considered.
 */
export async function detectEngine(options: DetectOptions = {}): Promise<Engine | undefined> {
  const isWorking = options.isWorking ?? engineWorks;
  const candidates: EngineName[] = options.prefer ? [options.prefer] : ['docker', 'podman'];
  for (const name of candidates) {
    if (await isWorking(name)) return { name, program: name };
  }
  return undefined;
}
