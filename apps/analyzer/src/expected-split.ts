import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { overlaysDir, splitFromName } from '@movies/mesh';
import { parse } from 'yaml';

export { splitFromName };

/**
 * The split an overlay promises: its own name for 100-0, 80-20, 50-50, 0-100; for a scenario, the split overlay
 * its kustomization builds on (`resources: [../80-20]`), followed transitively. No second source of truth.
 */
export function expectedSplitOf(
  overlay: string,
  dir = overlaysDir,
  seen = new Set<string>(),
): { split: Record<string, number>; via: string } | undefined {
  const own = splitFromName(overlay);
  if (own) return { split: own, via: overlay };
  if (seen.has(overlay)) return undefined;
  seen.add(overlay);
  const file = join(dir, overlay, 'kustomization.yaml');
  if (!existsSync(file)) return undefined;
  const kustomization = parse(readFileSync(file, 'utf8')) as { resources?: unknown[] } | null;
  for (const resource of kustomization?.resources ?? []) {
    if (typeof resource !== 'string') continue;
    const target = resolve(dir, overlay, resource);
    if (resolve(target, '..') !== resolve(dir)) continue; // only sibling overlays count
    const found = expectedSplitOf(basename(target), dir, seen);
    if (found) return found;
  }
  return undefined;
}
