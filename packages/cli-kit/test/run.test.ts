import { describe, expect, it } from 'vitest';
import { CommandError, isRunnable, run, runChecked } from '../src/run.js';

const node = process.execPath;

describe('run', () => {
  it('collects stdout and stderr, feeds stdin, and reports every line as it arrives', async () => {
    const lines: string[] = [];
    const result = await run(
      node,
      ['-e', 'process.stdin.pipe(process.stdout); process.stderr.write("warn\\nlast")'],
      { input: 'a\nb', onLine: (line) => lines.push(line) },
    );
    expect(result).toEqual({ code: 0, stdout: 'a\nb', stderr: 'warn\nlast' });
    expect([...lines].sort()).toEqual(['a', 'b', 'last', 'warn']);
  });

  it('resolves with a non-zero exit code instead of rejecting; runChecked rejects naming the command', async () => {
    expect((await run(node, ['-e', 'process.exit(3)'])).code).toBe(3);
    const error = await runChecked(node, ['-e', 'console.error("broken"); process.exit(4)']).catch((e) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toMatch(/exited with code 4:\nbroken$/);
  });

  it('stops a child that outlives timeoutMs and says so', async () => {
    const result = await run(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.code).not.toBe(0);
    const error = await runChecked(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 }).catch(
      (e) => e,
    );
    expect((error as Error).message).toMatch(/timed out/);
  });

  it('isRunnable is false for a missing program or a failing one', async () => {
    expect(await isRunnable(node, ['--version'])).toBe(true);
    expect(await isRunnable('/nonexistent/program', [])).toBe(false);
    expect(await isRunnable(node, ['-e', 'process.exit(1)'])).toBe(false);
  });
});
