import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** The kustomize `images:` entries `pnpm images` must produce, one per image we build. */
export const imageNames = ['movie-backend', 'movie-frontend'] as const;
export type ImageName = (typeof imageNames)[number];

export const kustomizationPath = join('k8s', 'base', 'kustomization.yaml');

const imageEntrySchema = z.object({
  name: z.string().min(1),
  newName: z.string().min(1).optional(),
  newTag: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, 'must be a valid image tag')
    .optional(),
  digest: z.string().optional(),
});

const kustomizationSchema = z.object({
  images: z.array(imageEntrySchema).optional(),
});

/**
 * Reads the image references (`name:tag`) the base kustomization deploys, so the images we build are exactly
 * the ones the manifests pull. Throws naming the file and the missing or malformed entry.
 */
export async function readImageReferences(repoRoot: string): Promise<Record<ImageName, string>> {
  const file = join(repoRoot, kustomizationPath);
  const text = await readFile(file, 'utf8');
  return parseImageReferences(text, file);
}

export function parseImageReferences(text: string, file: string): Record<ImageName, string> {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = kustomizationSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`);
  }
  const entries = parsed.data.images ?? [];
  const references = {} as Record<ImageName, string>;
  for (const name of imageNames) {
    const entry = entries.find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`${file} has no images entry named "${name}"`);
    if (!entry.newTag) throw new Error(`${file}: images entry "${name}" has no newTag`);
    references[name] = `${entry.newName ?? entry.name}:${entry.newTag}`;
  }
  return references;
}
