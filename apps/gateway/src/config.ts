/** The gateway's environment, validated at start-up: one clear line names every bad variable. */
import { parseEnv, pickShared, variable } from '@movies/contracts/env';
import { ALLOWED_HOSTS_VARIABLE, allowedHostsFrom, TOKEN_VARIABLE } from '@movies/contracts/gateway-access';
import { listOverlays } from '@movies/mesh';
import { z } from 'zod';
import { type AllowedHosts, allowedHostsEnv } from './host-check.js';
import { type UpstreamMap, upstreamEnvShortcuts, upstreamMapSchema } from './upstreams.js';

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

function envSchema(overlays: readonly string[]) {
  return {
    TRAFFIC: variable(
      z
        .string()
        .refine((name) => overlays.includes(name), {
          error: `TRAFFIC must name an overlay under k8s/overlays (${overlays.join(', ') || 'none found'})`,
        })
        .default('80-20'),
    ),
    ...pickShared(
      'GATEWAY_PORT',
      'GATEWAY_HOST',
      'GATEWAY_METRICS_PORT',
      'GATEWAY_METRICS_HOST',
      'MESH_UPSTREAM_V1',
      'MESH_UPSTREAM_V2',
      'MESH_UPSTREAM_FRONTEND',
      TOKEN_VARIABLE,
    ),
    ACCESS_LOG: variable(
      z
        .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'ACCESS_LOG must be on or off' })
        .transform((value) => value === 'on' || value === 'true' || value === '1')
        .default(true),
    ),
    MESH_UPSTREAMS: variable(
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
    [ALLOWED_HOSTS_VARIABLE]: variable(allowedHostsEnv[ALLOWED_HOSTS_VARIABLE]),
  };
}

/** Throws a CONFIG_INVALID AppError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const values = parseEnv(envSchema(listOverlays()), env, { what: 'invalid gateway configuration' });
  const upstreams: UpstreamMap = { ...values.MESH_UPSTREAMS };
  for (const [name, key] of Object.entries(upstreamEnvShortcuts)) {
    const url = values[name as keyof typeof upstreamEnvShortcuts];
    if (url !== undefined) upstreams[key] = url;
  }
  return {
    overlay: values.TRAFFIC,
    port: values.GATEWAY_PORT,
    host: values.GATEWAY_HOST,
    accessLog: values.ACCESS_LOG,
    upstreams,
    allowedHosts: allowedHostsFrom(values),
    token: values[TOKEN_VARIABLE],
    metrics: { port: values.GATEWAY_METRICS_PORT, host: values.GATEWAY_METRICS_HOST },
  };
}
