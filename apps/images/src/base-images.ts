/**
 * Base images for the builds: the official image when present or pullable, else a local stand-in (stored under
 * localhost/movies-base/…, see stand-ins.ts), which the builds then get through BUILD_IMAGE / BASE_IMAGE.
 */
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
  standInReference,
} from './stand-ins.js';

/**
 * How a missing base image is obtained (an image already present locally is always used as it is):
 * auto: pull, and build a stand-in when the pull fails; stand-in: build a stand-in, never pull;
 * pull: pull, and fail when that fails.
 */
export type BaseImageMode = 'auto' | 'stand-in' | 'pull';
export const baseImageModes: readonly BaseImageMode[] = ['auto', 'stand-in', 'pull'];

export interface BaseImageStatus {
  /** As the Dockerfile names it, e.g. node:24-bookworm-slim. */
  image: string;
  /** What the build uses: the official image, or the stand-in's local name. */
  reference: string;
  /** present: found locally (the official image or an earlier stand-in); built: stand-in built now; pulled. */
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

/** Builds the stand-in of a base image that could not (or must not) be pulled, under its local name. */
async function buildStandIn(
  engine: Engine,
  image: string,
  official: string,
  context: Omit<StandInContext, 'engine'>,
): Promise<string> {
  const standIn = standInFor(official);
  if (!standIn)
    throw new Error(`no stand-in recipe for base image ${image}: pull it, or add one in stand-ins.ts`);
  const reference = standInReference(official);
  const started = Date.now();
  await standIn.build({ ...context, engine }, reference);
  context.reporter.info(`[stand-in] ${reference} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return reference;
}

/**
 * Earlier versions stored stand-ins under the official name, where they hid the real image from every later
 * pull (and carried the host's CA bundle). Such a tag is removed, so the real image is pulled again, or the stand-in
 * is used under its local name.
 */
async function removeStandInUnderOfficialName(engine: Engine, official: string, reporter: Reporter) {
  if (!(await imageExists(engine, official)) || !(await isStandIn(engine, official))) return;
  reporter.info(`[base] removing ${official}: a local stand-in stored under the official name`);
  const removed = await run(engine.program, ['rmi', official]);
  if (removed.code !== 0) {
    throw new Error(`cannot remove the stand-in stored as ${official}: ${removed.stderr.trim()}`);
  }
}

/** The official image if it is here or can be pulled (per mode); undefined when a stand-in must do. */
async function officialImage(
  engine: Engine,
  image: string,
  official: string,
  mode: BaseImageMode,
  reporter: Reporter,
): Promise<BaseImageStatus | undefined> {
  if (mode === 'stand-in') return undefined;
  if (await imageExists(engine, official))
    return { image, reference: official, status: 'present', standIn: false };
  const reason = await pull(engine, official, reporter);
  if (reason === undefined) return { image, reference: official, status: 'pulled', standIn: false };
  if (mode === 'pull') throw new Error(`cannot pull ${official}: ${reason}`);
  reporter.info(`[base] cannot pull ${official} (${reason}); using a local stand-in`);
  return undefined;
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
    const official = qualifyImageName(image);
    await removeStandInUnderOfficialName(engine, official, reporter);
    const found = await officialImage(engine, image, official, mode, reporter);
    if (found) {
      statuses.push(found);
      continue;
    }
    const local = standInReference(official);
    if (await imageExists(engine, local)) {
      statuses.push({ image, reference: local, status: 'present', standIn: true });
      continue;
    }
    mirror ??= await debianMirror();
    const reference = await buildStandIn(engine, image, official, { cacheDir, mirror, reporter });
    statuses.push({ image, reference, status: 'built', standIn: true });
  }
  return statuses;
}
