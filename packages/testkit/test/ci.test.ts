import { describe, expect, it, vi } from 'vitest';
import { isCI, toolGate } from '../src/ci.js';

describe('isCI', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['TRUE', true],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('CI=%s is %s', (value, expected) => {
    expect(isCI(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

describe('toolGate', () => {
  it('runs a suite whose tool is there, in CI or not', () => {
    expect(toolGate('chromium', true, 'the browser suite', {}).run).toBe(true);
    expect(() =>
      toolGate('chromium', true, 'the browser suite', { CI: 'true' }).assertAvailable(),
    ).not.toThrow();
  });

  it('skips outside CI when the tool is missing, and says so once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const gate = toolGate('podman', false, 'the image checks', {});
    expect(gate.run).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      'SKIPPED the image checks: podman is not available here (CI requires it).',
    );
    warn.mockRestore();
  });

  it('runs and fails in CI when the tool is missing', () => {
    const gate = toolGate('podman', false, 'the image checks', { CI: '1' });
    expect(gate.run).toBe(true);
    expect(() => gate.assertAvailable()).toThrow('CI requires podman for the image checks');
  });
});
