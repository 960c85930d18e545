/**
 * The environment variables more than one process reads or sets, with one rule and one message each, so
 * `GATEWAY_PORT=99999` gets the same answer from the gateway, `pnpm dev` and the traffic CLI. Each app builds its
 * schema from these and its own variables and parses it with `parseEnv`.
 *
 * Ports: every port variable is a whole number from 0 to 65535. 0 asks the OS for any free port; it means something
 * only to a process that listens and reports the port it got (the gateway, the backend), so a process that must
 * know a port beforehand (`pnpm dev` wiring its parts, the traffic CLI dialling the gateway) refuses it with
 * `refuseAnyPort`. Blank values (`GATEWAY_PORT= pnpm dev`, an empty line in .env) mean "not set".
 *
 * Full zod (not zod/mini, as the UI's shapes): only Node processes read an environment.
 */
import { z } from 'zod';
import { AppError } from './errors.js';
import { TOKEN_VARIABLE } from './gateway-access.js';

/** Empty strings mean "not set", so defaults apply. */
export function blankAsUnset(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** A variable's rule, with blank meaning unset. */
export function variable<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUnset, schema);
}

/** A whole number from min to max; the message names the variable. */
export function integerVariable(name: string, min: number, max: number, fallback: number) {
  const message = `${name} must be an integer from ${min} to ${max}`;
  return variable(
    z
      .string()
      .regex(/^\d+$/, message)
      .transform(Number)
      .pipe(z.number().int().min(min, message).max(max, message))
      .default(fallback),
  );
}

/** A TCP port: 0 (any free port, see above) to 65535. */
export function portVariable(name: string, fallback: number) {
  const message = `${name} must be a port number from 0 to 65535`;
  return variable(
    z
      .string()
      .regex(/^\d{1,5}$/, message)
      .transform(Number)
      .pipe(z.number().max(65535, message))
      .default(fallback),
  );
}

/** An address or host name to listen on, 127.0.0.1 unless set. */
export function hostVariable(name: string) {
  return variable(
    z
      .string()
      .regex(/^[\w.:-]+$/, `${name} must be an address or host name such as 127.0.0.1 or 0.0.0.0`)
      .default('127.0.0.1'),
  );
}

/** An http(s) origin such as http://127.0.0.1:8001 (a trailing slash is dropped; paths are not allowed). */
export const originUrlSchema = z.string().transform((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: 'custom', message: `"${value}" is not a URL (e.g. http://127.0.0.1:8001)` });
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    context.addIssue({ code: 'custom', message: `"${value}" must be an http:// or https:// URL` });
    return z.NEVER;
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    context.addIssue({ code: 'custom', message: `"${value}" must be an origin only, without a path` });
    return z.NEVER;
  }
  return url.origin;
});

/**
 * The `pnpm dev` layout's ports: the gateway, backend v1 and v2, the Vite dev server, the gateway's Istio metrics
 * (Envoy's own Prometheus port) and the Prometheus `pnpm dev` runs.
 */
export const defaultPorts = {
  GATEWAY_PORT: 8080,
  BACKEND_V1_PORT: 8001,
  BACKEND_V2_PORT: 8002,
  VITE_PORT: 5173,
  GATEWAY_METRICS_PORT: 15090,
  PROMETHEUS_PORT: 9090,
} as const;

/**
 * The shared variables. Ports: the gateway's (the gateway listens on it, `pnpm dev` starts it there, the traffic
 * CLI dials it), the backends', the Vite dev server's, the gateway's metrics and Prometheus' (`pnpm dev`). Upstreams: where the gateway sends each
 * subset (`pnpm dev` sets them from the ports). GATEWAY_HOST and GATEWAY_METRICS_HOST are what the gateway binds; GATEWAY_TOKEN its admin token,
 * which `pnpm traffic set` sends.
 */
export const sharedEnv = {
  GATEWAY_PORT: portVariable('GATEWAY_PORT', defaultPorts.GATEWAY_PORT),
  BACKEND_V1_PORT: portVariable('BACKEND_V1_PORT', defaultPorts.BACKEND_V1_PORT),
  BACKEND_V2_PORT: portVariable('BACKEND_V2_PORT', defaultPorts.BACKEND_V2_PORT),
  VITE_PORT: portVariable('VITE_PORT', defaultPorts.VITE_PORT),
  GATEWAY_METRICS_PORT: portVariable('GATEWAY_METRICS_PORT', defaultPorts.GATEWAY_METRICS_PORT),
  PROMETHEUS_PORT: portVariable('PROMETHEUS_PORT', defaultPorts.PROMETHEUS_PORT),
  GATEWAY_HOST: hostVariable('GATEWAY_HOST'),
  // Loopback unless asked, as metrics are for the person at the machine.
  GATEWAY_METRICS_HOST: hostVariable('GATEWAY_METRICS_HOST'),
  MESH_UPSTREAM_V1: variable(originUrlSchema.optional()),
  MESH_UPSTREAM_V2: variable(originUrlSchema.optional()),
  MESH_UPSTREAM_FRONTEND: variable(originUrlSchema.optional()),
  [TOKEN_VARIABLE]: variable(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._~+/=-]{16,512}$/,
        `${TOKEN_VARIABLE} must be 16 to 512 letters, digits or ._~+/=- (e.g. the output of \`openssl rand -hex 24\`)`,
      )
      .optional(),
  ),
} as const;

export type SharedVariable = keyof typeof sharedEnv;

/** Some of the shared variables, to spread into an app's schema beside its own. */
export function pickShared<K extends SharedVariable>(...names: K[]): Pick<typeof sharedEnv, K> {
  return Object.fromEntries(names.map((name) => [name, sharedEnv[name]])) as Pick<typeof sharedEnv, K>;
}

export interface ParseEnvOptions {
  /** Starts the message: "invalid gateway configuration". */
  what: string;
  /** Variables whose value is never echoed (keys, tokens). */
  secret?: readonly string[];
}

/**
 * The schema's variables read from env. Throws one CONFIG_INVALID AppError whose message is a single line naming
 * each bad variable with the value it had (secrets excepted).
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv,
  options: ParseEnvOptions,
): z.infer<z.ZodObject<Shape>> {
  const schema = z.object(shape);
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(shape).map((key) => [key, env[key]])));
  if (parsed.success) return parsed.data;
  const secret = new Set([TOKEN_VARIABLE, ...(options.secret ?? [])]);
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const got = env[name];
    const shown = secret.has(name) || got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
    const where = issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
    const message = issue.message.startsWith(name) ? issue.message : `${name}: ${where}${issue.message}`;
    return `${message}${shown}`;
  });
  throw new AppError('CONFIG_INVALID', `${options.what}: ${problems.join('; ')}`);
}

/** Refuses port 0 where the port must be known in advance; `why` finishes "… is 0 (any free port), but …". */
export function refuseAnyPort(ports: Record<string, number>, why: string): void {
  const zero = Object.keys(ports).filter((name) => ports[name] === 0);
  if (zero.length > 0)
    throw new AppError(
      'CONFIG_INVALID',
      `${zero.join(', ')} ${zero.length > 1 ? 'are' : 'is'} 0 (any free port), but ${why}`,
    );
}
