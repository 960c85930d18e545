/** Base images for the builds: used when present, else pulled, else built from a local stand-in recipe. */
import { run } from '@movies/cli-kit';
import type { Engine } from './engine.js';
import type { Reporter } from './progress.js';
import {
  debianMirror,
  defaultCacheDir,
  imageExists,
  isStandIn,
  qualifyImageName,
  type StandInContext,
  standInFor,
} from './stand-ins.js';

/**
 * How a missing base image is obtained (an image already present locally is always used as it is):
 * auto: pull, and build a stand-in when the pull fails; stand-in: build a stand-in, never pull;
 * pull: pull, and fail when that fails.
 */
export type BaseImageMode = 'auto' | 'stand-in' | 'pull';
export const baseImageModes: readonly BaseImageMode[] = ['auto', 'stand-in', 'pull'];

export interface BaseImageStatus {
  image: string;
  reference: string;
  /** present: found locally (real or an earlier stand-in); built: stand-in built now; pulled: fetched now. */
  status: 'present' | 'built' | 'pulled';
  standIn: boolean;
}

export interface EnsureOptions {
  cacheDir?: string;
  reporter: Reporter;
  mode?: BaseImageMode;
}

/** Pulls a missing base image; the reason it could not, or undefined once it is there. */
async function pull(engine: Engine, reference: string, reporter: Reporter): Promise<string | undefined> {
  reporter.info(`[base] pulling ${reference}`);
  const pulled = await run(engine.program, ['pull', reference]);
  return pulled.code === 0 ? undefined : (pulled.stderr.trim().split('\n').at(-1) ?? '');
}

/** Builds the stand-in of a base image that could not (or must not) be pulled. */
async function buildStandIn(
  engine: Engine,
  image: string,
  reference: string,
  context: Omit<StandInContext, 'engine'>,
) {
  const standIn = standInFor(reference);
  if (!standIn)
    throw new Error(`no stand-in recipe for base image ${image}: pull it, or add one in stand-ins.ts`);
  const started = Date.now();
  await standIn.build({ ...context, engine });
  context.reporter.info(`[stand-in] ${reference} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Makes every base image available locally so the builds can run with --pull=never. */
export async function ensureBaseImages(
  engine: Engine,
  images: readonly string[],
  options: EnsureOptions,
): Promise<BaseImageStatus[]> {
  const mode = options.mode ?? 'auto';
  const { reporter } = options;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const statuses: BaseImageStatus[] = [];
  let mirror: string | undefined;
  for (const image of images) {
    const reference = qualifyImageName(image);
    if (await imageExists(engine, reference)) {
      statuses.push({ image, reference, status: 'present', standIn: await isStandIn(engine, reference) });
      continue;
    }
    if (mode !== 'stand-in') {
      const reason = await pull(engine, reference, reporter);
      if (reason === undefined) {
        statuses.push({ image, reference, status: 'pulled', standIn: false });
        continue;
      }
      if (mode === 'pull') throw new Error(`cannot pull ${reference}: ${reason}`);
      reporter.info(`[base] cannot pull ${reference} (${reason}); building a local stand-in`);
    }
    mirror ??= await debianMirror();
    await buildStandIn(engine, image, reference, { cacheDir, mirror, reporter });
    statuses.push({ image, reference, status: 'built', standIn: true });
  }
  return statuses;
}
