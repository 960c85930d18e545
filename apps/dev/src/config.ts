/** `pnpm dev`'s environment, validated before anything starts: one line names every bad variable. */
import { findPrometheus } from '@movies/cli-kit';
import { z } from 'zod';

const port = (name: string, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .regex(/^\d{1,5}$/, `${name} must be a port number from 1 to 65535`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, `${name} must be a port number from 1 to 65535`)
          .max(65535, `${name} must be a port number from 1 to 65535`),
      )
      .default(fallback),
  );

const envSchema = z.object({
  GATEWAY_PORT: port('GATEWAY_PORT', 8080),
  BACKEND_V1_PORT: port('BACKEND_V1_PORT', 8001),
  BACKEND_V2_PORT: port('BACKEND_V2_PORT', 8002),
  VITE_PORT: port('VITE_PORT', 5173),
  GATEWAY_METRICS_PORT: port('GATEWAY_METRICS_PORT', 15090),
  PROMETHEUS_PORT: port('PROMETHEUS_PORT', 9090),
});

export type PortVariable = keyof z.infer<typeof envSchema>;

export interface DevConfig {
  ports: Record<PortVariable, number>;
  /** The backends' log level: LOG_LEVEL when set, else warn, so the dev log is the gateway's access log. */
  backendLogLevel: string;
  /** The Prometheus binary ($PROMETHEUS_BIN, else the PATH); undefined runs the stack without Prometheus. */
  prometheusBin: string | undefined;
}

export class DevConfigError extends Error {
  override name = 'DevConfigError';
}

export function loadDevConfig(env: NodeJS.ProcessEnv = process.env): DevConfig {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.keys(envSchema.shape).map((key) => [key, env[key]])),
  );
  if (!parsed.success) {
    throw new DevConfigError(
      parsed.error.issues
        .map((issue) => `${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`)
        .join('; '),
    );
  }
  const ports = parsed.data;
  const seen = new Map<number, PortVariable>();
  for (const [name, value] of Object.entries(ports) as [PortVariable, number][]) {
    const other = seen.get(value);
    if (other)
      throw new DevConfigError(`${name} and ${other} are both ${value}: each part needs its own port`);
    seen.set(value, name);
  }
  const prometheusBin = findPrometheus(env);
  if (env.PROMETHEUS_BIN?.trim() && !prometheusBin)
    throw new DevConfigError(`PROMETHEUS_BIN names no file (got ${JSON.stringify(env.PROMETHEUS_BIN)})`);
  return { ports, backendLogLevel: env.LOG_LEVEL?.trim() || 'warn', prometheusBin };
}
