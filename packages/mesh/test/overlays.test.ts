import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listOverlays, renderedDir, renderOverlay } from '../src/overlays.js';
import { renderAll, renderedFileContent } from '../src/render.js';
import { EXPECTED_OVERLAYS } from '../src/testing.js';

describe('k8s overlays', () => {
  it('lists every runnable variant of the contract', () => {
    expect(listOverlays()).toEqual(EXPECTED_OVERLAYS);
  });
});

describe('k8s/rendered', () => {
  it('every committed render is identical to a fresh kubectl kustomize (run `pnpm --filter @movies/mesh render`)', async () => {
    const { results, orphans } = await renderAll({ check: true });
    expect(results.filter((result) => result.status !== 'unchanged').map((result) => result.file)).toEqual(
      [],
    );
    expect(orphans).toEqual([]);
    expect(results.map((result) => result.overlay)).toEqual(EXPECTED_OVERLAYS);
  }, 60_000);

  it('the fallback renders (no kubectl) carry the same objects as kubectl renders', async () => {
    for (const overlay of ['80-20', 'gateway-api']) {
      const live = await renderOverlay(overlay, { kubectl: '/usr/bin/kubectl' });
      const fallback = await renderOverlay(overlay, { kubectl: false });
      expect(fallback.via).toBe('rendered');
      expect(fallback.yaml).toBe(renderedFileContent(overlay, live.yaml));
      expect(readFileSync(join(renderedDir, `${overlay}.yaml`), 'utf8')).toBe(fallback.yaml);
    }
  });
});
