import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedSplitOf, splitFromName } from '../src/index.js';

describe('expected split of an overlay', () => {
  it('reads splits from their names and scenarios from the split they are built on', () => {
    expect(splitFromName('80-20')).toEqual({ v1: 80, v2: 20 });
    expect(splitFromName('header-routing')).toBeUndefined();
    expect(expectedSplitOf('0-100')).toEqual({ split: { v1: 0, v2: 100 }, via: '0-100' });
    expect(expectedSplitOf('mirroring')).toEqual({ split: { v1: 100, v2: 0 }, via: '100-0' });
    expect(expectedSplitOf('gateway-api')?.via).toBe('80-20');
  });

  const dir = mkdtempSync(join(tmpdir(), 'overlays-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows chains, ignores the base, and stops on cycles', () => {
    const write = (name: string, resources: string[]) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(
        join(dir, name, 'kustomization.yaml'),
        `resources:\n${resources.map((r) => `  - ${r}\n`).join('')}`,
      );
    };
    write('95-5', ['../../base']);
    write('canary', ['../95-5']);
    write('canary-faults', ['../canary']);
    write('loop-a', ['../loop-b']);
    write('loop-b', ['../loop-a']);
    write('on-base', ['../../base']);
    expect(expectedSplitOf('canary-faults', dir)).toEqual({ split: { v1: 95, v2: 5 }, via: '95-5' });
    expect(expectedSplitOf('loop-a', dir)).toBeUndefined();
    expect(expectedSplitOf('on-base', dir)).toBeUndefined();
  });
});
