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

/** `ARG NAME=value` lines before the first FROM: the only ARGs a FROM line can use. */
export function globalArgs(dockerfile: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const instruction of instructions(dockerfile)) {
    if (/^FROM\s/i.test(instruction)) break;
    const match = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/i.exec(instruction);
    if (match?.[1] && match[2]) args[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return args;
}

interface FromLine {
  /** The image as written, with global ARG defaults substituted. */
  image: string;
  /** The ARG the line names its image by (`FROM ${BASE_IMAGE}`), if any. */
  arg: string | undefined;
  stage: string | undefined;
}

function fromLines(dockerfile: string): FromLine[] {
  const defaults = globalArgs(dockerfile);
  const lines: FromLine[] = [];
  for (const instruction of instructions(dockerfile)) {
    const match = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction);
    if (!match?.[1]) continue;
    const arg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(match[1])?.[1];
    lines.push({ image: arg ? (defaults[arg] ?? match[1]) : match[1], arg, stage: match[2]?.toLowerCase() });
  }
  return lines;
}

/** External images named by FROM lines (stage references such as `FROM build` excluded), in order. */
export function baseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const { image, stage } of fromLines(dockerfile)) {
    if (!stages.has(image.toLowerCase()) && !images.includes(image)) images.push(image);
    if (stage) stages.add(stage);
  }
  return images;
}

/** The ARGs FROM lines take their image from, with the image each defaults to: `{ BASE_IMAGE: 'nginx:1.27-bookworm' }`. */
export function baseImageArgs(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    fromLines(dockerfile).flatMap(({ arg, image }) => (arg ? [[arg, image] as const] : [])),
  );
}
