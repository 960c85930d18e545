import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { overlaysDir, requireKubectl } from '@movies/mesh';
import { EXPECTED_OVERLAYS } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';
import { analyzeOverlay, CHECKS, formatFinding } from '../src/index.js';

describe('k8s overlays', () => {
  it.each(EXPECTED_OVERLAYS)(
    '%s renders with kubectl kustomize and passes every check',
    async (overlay) => {
      const analysis = await analyzeOverlay(overlay, { kubectl: requireKubectl() });
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
  it('analyze passes on the committed renders too', async () => {
    const analysis = await analyzeOverlay('header-routing', { kubectl: false });
    expect(analysis.findings).toEqual([]);
  }, 60_000);
});
