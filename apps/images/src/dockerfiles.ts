import type { ImageName } from './kustomize-images.js';

export interface ImageSpec {
  name: ImageName;
  /** Relative to the repository root, which is the build context. */
  dockerfile: string;
}

export const imageSpecs: readonly ImageSpec[] = [
  { name: 'movie-backend', dockerfile: 'docker/backend.Dockerfile' },
  { name: 'movie-frontend', dockerfile: 'docker/frontend.Dockerfile' },
];

/** Dockerfile instructions with comments dropped and `\` continuations joined. */
export function instructions(dockerfile: string): string[] {
  const result: string[] = [];
  let current = '';
  for (const raw of dockerfile.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    result.push(current + line);
    current = '';
  }
  if (current.trim()) result.push(current.trim());
  return result;
}

/** External images named by FROM lines (stage references such as `FROM build` excluded), in order. */
export function baseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const instruction of instructions(dockerfile)) {
    const match = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction);
    if (!match?.[1]) continue;
    const image = match[1];
    if (!stages.has(image.toLowerCase()) && !images.includes(image)) images.push(image);
    if (match[2]) stages.add(match[2].toLowerCase());
  }
  return images;
}
