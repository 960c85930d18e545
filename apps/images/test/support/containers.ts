import { randomBytes } from 'node:crypto';
import { run, runChecked } from '@movies/cli-kit';
import { waitForHttp } from '@movies/testkit';

export interface StartOptions {
  image: string;
  containerPort: number;
  env?: Record<string, string>;
  /** Extra `podman run` flags (e.g. --tmpfs). */
  flags?: string[];
}

export interface RunningContainer {
  name: string;
  baseUrl: string;
  exec(command: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(): Promise<string>;
}

/** Starts containers with podman on an ephemeral 127.0.0.1 port and removes every one of them on cleanUp(). */
export class ContainerPool {
  private readonly names: string[] = [];

  constructor(private readonly program: string) {}

  async start(options: StartOptions): Promise<RunningContainer> {
    const name = `movies-images-test-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.names.push(name);
    const args = ['run', '--detach', '--name', name, '--publish', `127.0.0.1::${options.containerPort}`];
    for (const [key, value] of Object.entries(options.env ?? {})) args.push('--env', `${key}=${value}`);
    args.push(...(options.flags ?? []), options.image);
    await runChecked(this.program, args);
    const port = await runChecked(this.program, ['port', name, `${options.containerPort}/tcp`]);
    const address = port.stdout.trim().split('\n')[0];
    if (!address) throw new Error(`${name} publishes no port for ${options.containerPort}`);
    const container: RunningContainer = {
      name,
      baseUrl: `http://${address}`,
      exec: (command) => run(this.program, ['exec', name, ...command]),
      logs: async () => {
        const result = await run(this.program, ['logs', name]);
        return `${result.stdout}${result.stderr}`;
      },
    };
    await waitUntilAnswering(container, '/healthz');
    return container;
  }

  /** Sends a signal and resolves with the exit code and how long the container took to exit. */
  /** Sends `signal` and waits for the container to exit by itself; the exit code tells how it ended. */
  async signalAndWait(name: string, signal: string): Promise<{ exitCode: number; seconds: number }> {
    const started = Date.now();
    await runChecked(this.program, ['kill', '--signal', signal, name]);
    // `podman wait` blocks until exit: nothing here kills it, so a container that ignores the signal fails by the
    // test's own timeout, and 137 would mean something else killed it.
    const waited = await runChecked(this.program, ['wait', name]);
    return { exitCode: Number(waited.stdout.trim()), seconds: (Date.now() - started) / 1000 };
  }

  run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return run(this.program, args);
  }

  async inspect(name: string, format: string): Promise<string> {
    return (await runChecked(this.program, ['inspect', '--format', format, name])).stdout.trim();
  }

  async cleanUp(): Promise<void> {
    for (const name of this.names.splice(0)) await run(this.program, ['rm', '--force', '--time', '0', name]);
  }
}

function waitUntilAnswering(container: RunningContainer, path: string): Promise<void> {
  return waitForHttp(`${container.baseUrl}${path}`, {
    what: container.name,
    output: () => container.logs(),
    timeoutMs: 60_000,
    intervalMs: 300,
  });
}

/** The real uid of the container's PID 1 (from /proc, so it is what runs, not what the image claims). */
export async function pidOneUid(container: RunningContainer): Promise<number> {
  const status = await container.exec(['cat', '/proc/1/status']);
  const uid = /^Uid:\s+(\d+)/m.exec(status.stdout)?.[1];
  if (uid === undefined)
    throw new Error(`cannot read the uid of PID 1 in ${container.name}: ${status.stderr}`);
  return Number(uid);
}
