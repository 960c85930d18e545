import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { backendEntry } from './paths';

export type BackendProcess = { url: string; port: number; version: string; stop: () => Promise<void> };

/**
 * Starts the real built backend (`node apps/backend/dist/server.js`) on a free port and resolves once it logs
 * "listening". Extra env selects the catalogue, the version and demo faults.
 */
export async function startBackend(env: Record<string, string> = {}): Promise<BackendProcess> {
  const child = spawn(process.execPath, [backendEntry], {
    // A temporary cwd so a developer's .env (dotenv) cannot switch the backend to TMDB mode during tests.
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`backend did not start in 20 s: ${stderr.join('')}`)),
      20_000,
    );
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a JSON log line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code} before listening: ${stderr.join('')}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    version: env.SERVICE_VERSION ?? 'v1',
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
