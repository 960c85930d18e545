/** The gateway's environment, validated at start-up: one clear line names every bad variable. */
import { AppError } from '@movies/contracts/errors';
import { allowedHostsFrom } from '@movies/contracts/gateway-access';
import { listOverlays } from '@movies/mesh';
import { z } from 'zod';
import { tokenEnv } from './admin-auth.js';
import { type AllowedHosts, allowedHostsEnv } from './host-check.js';
import { type UpstreamMap, upstreamEnvShortcuts, upstreamMapSchema, upstreamUrlSchema } from './upstreams.js';

export interface GatewayConfig {
  overlay: string;
  port: number;
  host: string;
  accessLog: boolean;
  upstreams: UpstreamMap;
  /** GATEWAY_HOST when a name, plus GATEWAY_ALLOWED_HOSTS (./host-check.ts). */
  allowedHosts: AllowedHosts;
  /** GATEWAY_TOKEN (./admin-auth.ts). */
  token: string | undefined;
  /** GATEWAY_METRICS_PORT and GATEWAY_METRICS_HOST: where Istio's metrics are served (./metrics-server.ts). */
  metrics: { port: number; host: string };
}

export class ConfigError extends AppError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Blank values (e.g. `TRAFFIC= pnpm dev`) mean "not set", so the default applies. */
const unsetIfBlank = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const portSchema = (name: string, fallback: number) =>
  z.preprocess(
    unsetIfBlank,
    z
      .string()
      .regex(/^\d{1,5}$/, `${name} must be a port number from 0 to 65535`)
      .transform(Number)
      .pipe(z.number().max(65535, `${name} must be a port number from 0 to 65535`))
      .default(fallback),
  );

const hostSchema = (name: string) =>
  z.preprocess(
    unsetIfBlank,
    z
      .string()
      .regex(/^[\w.:-]+$/, `${name} must be an address or host name such as 127.0.0.1 or 0.0.0.0`)
      .default('127.0.0.1'),
  );

function envSchema(overlays: readonly string[]) {
  return z.object({
    TRAFFIC: z.preprocess(
      unsetIfBlank,
      z
        .string()
        .refine((name) => overlays.includes(name), {
          error: `TRAFFIC must name an overlay under k8s/overlays (${overlays.join(', ') || 'none found'})`,
        })
        .default('80-20'),
    ),
    GATEWAY_PORT: portSchema('GATEWAY_PORT', 8080),
    GATEWAY_HOST: hostSchema('GATEWAY_HOST'),
    // Envoy's own Prometheus port (15090); loopback unless asked, as metrics are for the person at the machine.
    GATEWAY_METRICS_PORT: portSchema('GATEWAY_METRICS_PORT', 15090),
    GATEWAY_METRICS_HOST: hostSchema('GATEWAY_METRICS_HOST'),
    ACCESS_LOG: z.preprocess(
      unsetIfBlank,
      z
        .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'ACCESS_LOG must be on or off' })
        .transform((value) => value === 'on' || value === 'true' || value === '1')
        .default(true),
    ),
    MESH_UPSTREAMS: z.preprocess(
      unsetIfBlank,
      z
        .string()
        .transform((text, context) => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            context.addIssue({
              code: 'custom',
              message: 'MESH_UPSTREAMS must be JSON such as {"movie-backend/v1":"http://127.0.0.1:9001"}',
            });
            return z.NEVER;
          }
        })
        .pipe(upstreamMapSchema)
        .optional(),
    ),
    ...Object.fromEntries(
      Object.entries({ ...allowedHostsEnv, ...tokenEnv }).map(([name, schema]) => [
        name,
        z.preprocess(unsetIfBlank, schema),
      ]),
    ),
    ...Object.fromEntries(
      Object.keys(upstreamEnvShortcuts).map((name) => [
        name,
        z.preprocess(unsetIfBlank, upstreamUrlSchema.optional()),
      ]),
    ),
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const schema = envSchema(listOverlays());
  const parsed = schema.safeParse(
    Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key]])),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const shown = env[variable] === undefined ? '' : ` (got ${JSON.stringify(env[variable])})`;
      const where = issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
      const message = issue.message.startsWith(variable)
        ? issue.message
        : `${variable}: ${where}${issue.message}`;
      return `${message}${shown}`;
    });
    throw new ConfigError(`invalid gateway configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data as z.infer<ReturnType<typeof envSchema>> & Record<string, unknown>;
  const upstreams: UpstreamMap = { ...values.MESH_UPSTREAMS };
  for (const [variable, key] of Object.entries(upstreamEnvShortcuts)) {
    const url = values[variable];
    if (typeof url === 'string') upstreams[key] = url;
  }
  return {
    overlay: values.TRAFFIC,
    port: values.GATEWAY_PORT,
    host: values.GATEWAY_HOST,
    accessLog: values.ACCESS_LOG,
    upstreams,
    allowedHosts: allowedHostsFrom(values),
    token: typeof values.GATEWAY_TOKEN === 'string' ? values.GATEWAY_TOKEN : undefined,
    metrics: { port: values.GATEWAY_METRICS_PORT, host: values.GATEWAY_METRICS_HOST },
  };
}
