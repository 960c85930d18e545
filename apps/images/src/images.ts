import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@movies/cli-kit';
import { type BaseImageMode, type BaseImageStatus, ensureBaseImages } from './base-images.js';
import { type BuildResult, buildImage } from './build.js';
import { baseImageArgs, baseImages, type ImageSpec, imageSpecs } from './dockerfiles.js';
import type { Engine } from './engine.js';
import { type ImageName, readImageReferences } from './kustomize-images.js';
import type { Reporter } from './progress.js';
import { ensureBuildVariant } from './stand-ins.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface BuildAllOptions {
  engine: Engine;
  reporter: Reporter;
  root?: string;
  only?: readonly ImageName[];
  baseImageMode?: BaseImageMode;
  cacheDir?: string;
}

export interface BuildAllResult {
  baseImages: BaseImageStatus[];
  images: Array<BuildResult & { name: ImageName }>;
}

async function gitRevision(root: string): Promise<string> {
  const result = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root }).catch(() => undefined);
  return result?.code === 0 ? result.stdout.trim() : 'unknown';
}

/**
 * The --build-arg values that point a Dockerfile's FROM arguments at stand-ins (none for official images, whose
 * names are the Dockerfile's defaults). BUILD_IMAGE gets the stand-in's build variant, the one that trusts the
 * host's CA bundle; every other argument (the runtime stage's BASE_IMAGE) the plain stand-in.
 */
export async function standInBuildArgs(
  dockerfile: string,
  bases: readonly BaseImageStatus[],
  context: Parameters<typeof ensureBuildVariant>[0],
): Promise<Record<string, string>> {
  const args: Record<string, string> = {};
  for (const [name, image] of Object.entries(baseImageArgs(dockerfile))) {
    const base = bases.find((candidate) => candidate.image === image);
    if (!base?.standIn) continue;
    args[name] = name === 'BUILD_IMAGE' ? await ensureBuildVariant(context, base.reference) : base.reference;
  }
  return args;
}

/** Builds the images (tagged as k8s/base/kustomization.yaml deploys them) after making their bases available. */
export async function buildAll(options: BuildAllOptions): Promise<BuildAllResult> {
  const root = options.root ?? repoRoot;
  const references = await readImageReferences(root);
  const specs: ImageSpec[] = imageSpecs.filter((spec) => !options.only || options.only.includes(spec.name));
  const bases: string[] = [];
  for (const spec of specs) {
    for (const image of baseImages(await readFile(join(root, spec.dockerfile), 'utf8'))) {
      if (!bases.includes(image)) bases.push(image);
    }
  }
  const baseStatuses = await ensureBaseImages(options.engine, bases, {
    reporter: options.reporter,
    mode: options.baseImageMode ?? 'auto',
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
  });
  const revision = await gitRevision(root);
  const images: BuildAllResult['images'] = [];
  for (const spec of specs) {
    const reference = references[spec.name];
    const version = reference.slice(reference.lastIndexOf(':') + 1);
    const standIns = await standInBuildArgs(
      await readFile(join(root, spec.dockerfile), 'utf8'),
      baseStatuses,
      {
        engine: options.engine,
        reporter: options.reporter,
      },
    );
    const result = await buildImage(options.engine, spec, reference, {
      repoRoot: root,
      reporter: options.reporter,
      buildArgs: { ...standIns, VERSION: version, REVISION: revision },
    });
    images.push({ ...result, name: spec.name });
  }
  return { baseImages: baseStatuses, images };
}
