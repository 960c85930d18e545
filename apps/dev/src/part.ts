/**
 * One supervised process of the local stack: started in the supervisor's process group (so a signal to the
 * group reaches it too), its output prefixed line by line, ready once its HTTP probe answers, stopped with
 * SIGTERM and, past a bound, SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { waitForHttp } from '@movies/cli-kit';

export interface PartSpec {
  /** Short label shown before each of its lines: v1, v2, ui, gateway. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Polled until it answers with a status below 500. */
  readyUrl: string;
}

export type Write = (text: string) => void;

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 5_000;

/** A part of `pnpm dev` that failed. Not an AppError: it ends dev as its last line, never mapped to a status. */
export class PartFailure extends Error {
  override name = 'PartFailure';
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(`${part}: ${message}`);
  }
}

/** Splits a stream into lines and hands each complete one to `onLine`. */
function eachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream?.on('end', () => {
    if (pending) onLine(pending);
  });
}

export class Part {
  private child: ChildProcess | undefined;
  private exit: Promise<string> | undefined;
  /** The last line it wrote that says something (its one-line error, when it fails). */
  private lastLine = '';

  constructor(
    readonly spec: PartSpec,
    private readonly write: Write,
    private readonly label: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with a description of how it ended ("exited with code 1: …"), whenever it ends. */
  get exited(): Promise<string> {
    return this.exit ?? Promise.resolve('never started');
  }

  start(): void {
    const { command, args, cwd, env } = this.spec;
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.lastLine = '';
    const show = (line: string) => {
      // Strip terminal control sequences (colours, Vite's screen clearing) before judging the line.
      const plain = stripVTControlCharacters(line).trim();
      if (plain) this.lastLine = plain;
      this.write(`${this.label}${line}\n`);
    };
    eachLine(child.stdout, show);
    eachLine(child.stderr, show);
    this.exit = new Promise((resolve) => {
      child.once('error', (error) => resolve(`could not start ${command}: ${error.message}`));
      child.once('close', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve(this.lastLine ? `${how}: ${this.lastLine}` : how);
      });
    });
  }

  /** Waits until its probe answers; fails when it exits first or takes longer than any start should. */
  async waitReady(): Promise<void> {
    const { name, readyUrl } = this.spec;
    try {
      await waitForHttp(readyUrl, {
        what: name,
        child: this.child,
        ready: (status) => status < 500,
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 100,
      });
    } catch (error) {
      // Exited: say how (its last line) rather than the wait's generic message.
      if (!this.running && this.child) throw new PartFailure(name, await this.exited);
      throw new PartFailure(name, (error as Error).message);
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after the bound; resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(killer);
  }
}
