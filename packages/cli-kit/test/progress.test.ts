import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bar, progressBar } from '../src/progress.js';

/** A stream that records what is written, as a terminal (isTTY) or a log. */
function stream(tty: boolean): NodeJS.WriteStream & { text: () => string } {
  const out = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  Object.assign(out, { isTTY: tty, text: () => text });
  return out;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('bar', () => {
  it('fills cells in proportion, full when there is nothing to do', () => {
    expect(bar(5, 20, 20)).toBe('█████░░░░░░░░░░░░░░░');
    expect(bar(0, 4, 4)).toBe('░░░░');
    expect(bar(9, 4, 4)).toBe('████');
    expect(bar(0, 0, 3)).toBe('███');
  });
});

describe('progressBar', () => {
  it('is silent off a terminal by default', async () => {
    const out = stream(false);
    const progress = progressBar(2, 'rendering', { stream: out });
    progress.start();
    progress.tick('a');
    progress.tick('b');
    progress.finish();
    await settle();
    expect(out.text()).toBe('');
  });

  it("prints one line per step off a terminal with notTty: 'lines'", async () => {
    const out = stream(false);
    const progress = progressBar(2, 'Fetching', { stream: out, notTty: 'lines', width: 4 });
    progress.start();
    progress.tick('page 1');
    progress.tick();
    await settle();
    expect(out.text().split('\n')).toEqual([
      'Fetching ░░░░ 0/2',
      'Fetching ██░░ 1/2 page 1',
      'Fetching ████ 2/2',
      '',
    ]);
  });

  it('redraws in place on a terminal, always draws the last step, and clears the line at finish', async () => {
    const out = stream(true);
    const progress = progressBar(3, 'sending', { stream: out, width: 3 });
    progress.start();
    for (let i = 0; i < 3; i++) progress.tick(`#${i + 1}`);
    progress.finish();
    await settle();
    const text = out.text();
    expect(text.startsWith('\rsending ░░░ 0/3')).toBe(true);
    expect(text).toContain('\rsending ███ 3/3 #3');
    expect(text).not.toContain('\n');
    expect(text.endsWith(`\r${' '.repeat('sending ███ 3/3 #3'.length)}\r`)).toBe(true);
  });

  it('never counts past the total', async () => {
    const out = stream(false);
    const progress = progressBar(1, 'x', { stream: out, notTty: 'lines', width: 2 });
    progress.tick();
    progress.tick();
    await settle();
    expect(out.text()).toBe('x ██ 1/1\nx ██ 1/1\n');
  });
});
