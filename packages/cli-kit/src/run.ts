/** One way to run a child process in the CLIs: no shell, output collected (and streamed by line), a timeout. */
import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the child's stdin, then closed. */
  input?: string;
  /** Called with every output line (stdout and stderr interleaved) as it arrives. */
  onLine?: (line: string) => void;
  /** Stop the child (SIGTERM) after this long; the result then says timedOut. */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when timeoutMs stopped the child. */
  timedOut?: boolean;
}

/** A child program that failed, with its output's tail; not an AppError: the caller decides what that failure means. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const tail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    const how = result.timedOut ? 'timed out' : `exited with code ${result.code}`;
    super(`\`${command}\` ${how}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Runs a program (no shell) and resolves with its exit code and output; never rejects on a non-zero exit. */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs);
    let stdout = '';
    let stderr = '';
    const pending = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stream === 'stdout') stdout += text;
      else stderr += text;
      if (!options.onLine) return;
      const lines = (pending[stream] + text).split(/\r?\n/);
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
    child.stdout?.on('data', collect('stdout'));
    child.stderr?.on('data', collect('stderr'));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const rest of [pending.stdout, pending.stderr]) if (rest && options.onLine) options.onLine(rest);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ...(timedOut ? { timedOut } : {}) });
    });
    if (options.input !== undefined && child.stdin) child.stdin.end(options.input);
  });
}

/** Like run(), but rejects with a CommandError naming the command when it exits non-zero. */
export async function runChecked(
  program: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await run(program, args, options);
  if (result.code !== 0) throw new CommandError([program, ...args].join(' '), result);
  return result;
}

/** True when `program` can be started at all (found on PATH and executable). */
export async function isRunnable(
  program: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<boolean> {
  try {
    const result = await run(program, args, options);
    return result.code === 0 && !result.timedOut;
  } catch {
    return false;
  }
}
