import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, frontendDir } from './harness/paths';

type Report = {
  chunks: Array<{ file: string; raw: number; gzip: number; initial: boolean }>;
  initialGzip: number;
  budgetBytes: number;
  withinBudget: boolean;
};

const script = join(frontendDir, 'scripts', 'bundle-size.mjs');
const runScript = (...args: string[]) =>
  spawnSync(process.execPath, [script, '--dist', distDir, ...args], { encoding: 'utf8' });

describe('bundle budget (production build)', () => {
  it('keeps the initial route at most 120 kB gzip, with the traffic panel and recharts in a lazy chunk', () => {
    const result = runScript('--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    console.log(`[size] initial-route JS ${(report.initialGzip / 1000).toFixed(2)} kB gzip (budget 120 kB)`);
    expect(report.budgetBytes).toBe(120_000);
    expect(report.withinBudget).toBe(true);
    expect(report.initialGzip).toBeLessThanOrEqual(120_000);

    const traffic = report.chunks.find((chunk) => /^assets\/traffic-.*\.js$/.test(chunk.file));
    expect(traffic, 'a separate traffic chunk').toBeDefined();
    expect(traffic?.initial).toBe(false);
    // recharts alone is far bigger than this; its chunk must not be part of the initial route.
    const initialFiles = report.chunks.filter((chunk) => chunk.initial).map((chunk) => chunk.file);
    expect(initialFiles.some((file) => file.includes('traffic'))).toBe(false);
  });

  it('prints every chunk and fails when over budget', () => {
    const ok = runScript();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/initial-route JS: .* gzip .* budget 120\.00 kB gzip: OK/);
    expect(ok.stdout).toMatch(/assets\/vendor-.*\.js/);

    const over = runScript('--budget-kb', '10');
    expect(over.status).toBe(1);
    expect(over.stdout).toContain('OVER BUDGET');

    const bad = runScript('--budget-kb', 'lots');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--budget-kb must be a positive number');
  });
});
