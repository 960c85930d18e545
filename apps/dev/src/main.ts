/**
 * `pnpm dev`: v1 and v2 of the backend, the Vite UI and the local gateway, as one command that starts and stops
 * like one program. SIGINT, SIGTERM and SIGHUP (and the death of the `pnpm` in front of it) stop every part and
 * exit 0; when a part fails to start or exits on its own, the rest are stopped and its one-line error is printed
 * last, with exit code 1.
 */
import { isListening, PROMETHEUS_HINT } from '@movies/cli-kit';
import { AppError } from '@movies/contracts/errors';
import { type DevConfig, loadDevConfig, type PortVariable } from './config.js';
import { backendSources, stackStages } from './parts.js';
import { type PrometheusPart, prometheusPart } from './prometheus.js';
import { Stack } from './stack.js';

const write = (text: string) => process.stdout.write(text);

function fail(message: string): never {
  process.stderr.write(`dev: ${message}\n`);
  process.exit(1);
}

/** Fails before starting anything when one of the ports is taken, naming the variable that moves it. */
async function assertPortsFree(ports: DevConfig['ports'], withPrometheus: boolean): Promise<void> {
  for (const [variable, port] of Object.entries(ports) as [PortVariable, number][]) {
    if (variable === 'PROMETHEUS_PORT' && !withPrometheus) continue;
    if (await isListening(port))
      fail(`port ${port} is already in use (another pnpm dev?); stop what holds it or set ${variable}`);
  }
}

/** Stops the stack when the process that started us (pnpm, a terminal) goes away without a signal to us. */
function onParentGone(stop: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 250);
  timer.unref();
}

/**
 * On a terminal, Ctrl-C is read as a key instead of raising SIGINT for the whole foreground job: the `pnpm` in
 * front of us would otherwise be interrupted too, and report "[ELIFECYCLE] Command failed" and status 130 however
 * cleanly the stack stopped. Raw mode keeps output newlines as they are (libuv leaves ONLCR on); the terminal is
 * put back on exit.
 */
function onCtrlC(stop: () => void): void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return;
  stdin.setRawMode(true);
  stdin.on('data', (keys: Buffer) => {
    // Ctrl-C, Ctrl-D and Ctrl-\ all mean "stop" here.
    if (keys.includes(0x03) || keys.includes(0x04) || keys.includes(0x1c)) stop();
  });
  process.once('exit', () => stdin.setRawMode(false));
}

async function main(): Promise<void> {
  let config: DevConfig;
  try {
    config = loadDevConfig();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') fail(error.message);
    throw error;
  }
  await assertPortsFree(config.ports, config.prometheusBin !== undefined);
  let prometheus: PrometheusPart | undefined;
  if (config.prometheusBin) {
    prometheus = prometheusPart(config, config.prometheusBin, process.env);
    process.once('exit', () => prometheus?.cleanup());
  } else {
    write(`dev: no prometheus binary, running without Prometheus: ${PROMETHEUS_HINT}\n`);
  }

  const stack = new Stack({
    stages: stackStages(config, process.env, prometheus),
    write,
    colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
    restartOnChange: { dir: backendSources, parts: ['v1', 'v2'] },
  });
  const stop = () => void stack.stop();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  onParentGone(stop);
  onCtrlC(stop);

  const failure = await stack.run(() => {
    const { GATEWAY_PORT, BACKEND_V1_PORT, BACKEND_V2_PORT, VITE_PORT } = config.ports;
    const metrics = prometheus ? `, Prometheus ${prometheus.url}/` : '';
    write(
      `dev: ready. Open http://localhost:${GATEWAY_PORT}/ (backends :${BACKEND_V1_PORT} :${BACKEND_V2_PORT}, ` +
        `Vite :${VITE_PORT}${metrics}). Ctrl-C stops everything.\n`,
    );
  });
  if (failure) fail(failure.message);
  process.exit(0);
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error)));
