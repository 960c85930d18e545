/**
 * Running a local Prometheus, shared by `pnpm dev` (its Prometheus part) and the tests (@movies/testkit's
 * startPrometheus): where the binary is, and the flags that keep it on loopback with its data in a given folder.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How to get the binary, for the line printed when it is missing. */
export const PROMETHEUS_HINT =
  'install it (Debian/Ubuntu: apt-get install prometheus; or a release from https://prometheus.io/download/) or set PROMETHEUS_BIN';

/** $PROMETHEUS_BIN, else `prometheus` on the PATH; undefined when neither is there. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.PROMETHEUS_BIN?.trim();
  if (named) return existsSync(named) ? named : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'prometheus'))) return join(dir, 'prometheus');
  }
  return undefined;
}

/** Flags for a Prometheus on 127.0.0.1:port that keeps its data in dataDir. */
export function prometheusArgs(options: { configFile: string; dataDir: string; port: number }): string[] {
  return [
    `--config.file=${options.configFile}`,
    `--storage.tsdb.path=${options.dataDir}`,
    `--web.listen-address=127.0.0.1:${options.port}`,
    // Its own start-up chatter would drown the dev log; warnings and errors still show.
    '--log.level=warn',
  ];
}
