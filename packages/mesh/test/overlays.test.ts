import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOverlay, CHECKS, formatFinding } from '../src/analyze/index.js';
import { listOverlays, overlaysDir, renderedDir, renderOverlay } from '../src/overlays.js';
import { renderAll, renderedFileContent } from '../src/render.js';

const EXPECTED_OVERLAYS = [
  '100-0',
  '80-20',
  '50-50',
  '0-100',
  'fault-injection',
  'gateway-api',
  'header-routing',
  'mirroring',
  'mtls-strict',
];

describe('k8s overlays', () => {
  it('lists every runnable variant of the contract', () => {
    expect(listOverlays()).toEqual(EXPECTED_OVERLAYS);
  });

  it.each(EXPECTED_OVERLAYS)(
    '%s renders with kubectl kustomize and passes every check',
    async (overlay) => {
      const analysis = await analyzeOverlay(overlay, { kubectl: '/usr/bin/kubectl' });
      expect(analysis.findings.map(formatFinding)).toEqual([]);
      expect(analysis.objects.length).toBeGreaterThanOrEqual(17);
      // A scenario is checked against the split it is built on.
      expect(analysis.splitFrom).toMatch(/^\d+-\d+$/);
    },
    60_000,
  );

  it('says in each scenario kustomization which split it is built on', () => {
    for (const overlay of EXPECTED_OVERLAYS.filter((name) => !/^\d+-\d+$/.test(name))) {
      const text = readFileSync(join(overlaysDir, overlay, 'kustomization.yaml'), 'utf8');
      const builtOn = /resources:\s*\n\s*- \.\.\/(\d+-\d+)/.exec(text)?.[1];
      expect(builtOn, overlay).toBeDefined();
      expect(text.split('\n')[0], overlay).toContain(`built on the ${builtOn} split`);
    }
  });

  it('has 23 checks, each described', () => {
    expect(Object.keys(CHECKS)).toHaveLength(23);
    for (const description of Object.values(CHECKS)) expect(description.length).toBeGreaterThan(10);
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

  it('analyze passes on the committed renders too', async () => {
    const analysis = await analyzeOverlay('header-routing', { kubectl: false });
    expect(analysis.findings).toEqual([]);
  }, 60_000);
});
