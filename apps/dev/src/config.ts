/** `pnpm dev`'s environment, validated before anything starts: one line names every bad variable. */
import { findPrometheus } from '@movies/cli-kit';
import { parseEnv, pickShared, refuseAnyPort } from '@movies/contracts/env';
import { AppError } from '@movies/contracts/errors';

const envShape = pickShared(
  'GATEWAY_PORT',
  'BACKEND_V1_PORT',
  'BACKEND_V2_PORT',
  'VITE_PORT',
  'GATEWAY_METRICS_PORT',
  'PROMETHEUS_PORT',
);

export type PortVariable = keyof typeof envShape;

export interface DevConfig {
  ports: Record<PortVariable, number>;
  /** The backends' log level: LOG_LEVEL when set, else warn, so the dev log is the gateway's access log. */
  backendLogLevel: string;
  /** The Prometheus binary ($PROMETHEUS_BIN, else the PATH); undefined runs the stack without Prometheus. */
  prometheusBin: string | undefined;
}

function assertDistinct(ports: Record<PortVariable, number>): void {
  const seen = new Map<number, PortVariable>();
  for (const [name, value] of Object.entries(ports) as [PortVariable, number][]) {
    const other = seen.get(value);
    if (other)
      throw new AppError(
        'CONFIG_INVALID',
        `${name} and ${other} are both ${value}: each part needs its own port`,
      );
    seen.set(value, name);
  }
}

/** Throws a CONFIG_INVALID AppError naming the bad variables. */
export function loadDevConfig(env: NodeJS.ProcessEnv = process.env): DevConfig {
  const ports: Record<PortVariable, number> = parseEnv(envShape, env, {
    what: 'invalid pnpm dev configuration',
  });
  refuseAnyPort(ports, 'pnpm dev tells each part the others’ ports before it starts them');
  assertDistinct(ports);
  const prometheusBin = findPrometheus(env);
  if (env.PROMETHEUS_BIN?.trim() && !prometheusBin)
    throw new AppError(
      'CONFIG_INVALID',
      `PROMETHEUS_BIN names no file (got ${JSON.stringify(env.PROMETHEUS_BIN)})`,
    );
  return { ports, backendLogLevel: env.LOG_LEVEL?.trim() || 'warn', prometheusBin };
}
