import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKubectl, listOverlays, renderedDir, renderOverlay, requireKubectl } from '../src/overlays.js';
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
      const live = await renderOverlay(overlay, { kubectl: requireKubectl() });
      const fallback = await renderOverlay(overlay, { kubectl: false });
      expect(fallback.via).toBe('rendered');
      expect(fallback.yaml).toBe(renderedFileContent(overlay, live.yaml));
      expect(readFileSync(join(renderedDir, `${overlay}.yaml`), 'utf8')).toBe(fallback.yaml);
    }
  });

  it('finds kubectl through PATH alone (no $KUBECTL) and renders with it; says how to provide one when absent', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'kubectl-on-path-'));
    const empty = mkdtempSync(join(tmpdir(), 'no-kubectl-'));
    try {
      symlinkSync(requireKubectl(), join(bin, 'kubectl'));
      const onPath = { PATH: [empty, bin].join(':') };
      expect(findKubectl(onPath)).toBe(join(bin, 'kubectl'));
      const live = await renderOverlay('80-20', { kubectl: requireKubectl(onPath) });
      expect(live.via).toBe('kubectl');
      expect(readFileSync(join(renderedDir, '80-20.yaml'), 'utf8')).toBe(
        renderedFileContent('80-20', live.yaml),
      );

      expect(findKubectl({ PATH: empty })).toBeUndefined();
      expect(() => requireKubectl({ PATH: empty })).toThrow(
        'kubectl is needed to render the overlays (put it on the PATH, or set $KUBECTL)',
      );
      expect(findKubectl({ PATH: empty, KUBECTL: '/opt/k/kubectl' })).toBe('/opt/k/kubectl');
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
