/**
 * Who may talk to the local gateway (apps/gateway), agreed by every process that needs to know (no zod here, so
 * the UI's vite.config.ts imports it into the image build too):
 *   - the Host names it answers: the gateway and the Vite dev server behind it (which sees the same Host header,
 *     the gateway forwards it) both allow localhost, *.localhost and IP addresses, plus the names below;
 *   - the token that changes the routing (PUT /__mesh) when the gateway listens beyond loopback, which
 *     `pnpm traffic set` and `canary.sh --local` send from $GATEWAY_TOKEN.
 */

/** Extra Host names, in Vite's server.allowedHosts syntax: comma-separated, ".example.com" for it and its subdomains, "true" for any. */
export const ALLOWED_HOSTS_VARIABLE = 'GATEWAY_ALLOWED_HOSTS';
/** The admin token: the gateway's when set there (else it makes one), the CLIs' to send. */
export const TOKEN_VARIABLE = 'GATEWAY_TOKEN';

/** A host name or ".domain": letters, digits, hyphens and dots; no port, no scheme, no wildcard. */
const HOST_PATTERN = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/**
 * The Host names allowed beyond localhost, *.localhost and IP addresses, as Vite's server.allowedHosts takes them:
 * the gateway's own listen name (GATEWAY_HOST, when it is a name) and GATEWAY_ALLOWED_HOSTS; `true` allows any
 * Host (GATEWAY_ALLOWED_HOSTS=true), which opens the gateway and the dev server to DNS rebinding.
 * Throws an Error naming the variable on an entry that is not a host name.
 */
export function allowedHostsFrom(env: {
  GATEWAY_HOST?: string | undefined;
  GATEWAY_ALLOWED_HOSTS?: string | undefined;
}): string[] | true {
  const listed = (env.GATEWAY_ALLOWED_HOSTS ?? '').trim();
  if (listed === 'true') return true;
  const hosts = listed
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const bad = hosts.filter((entry) => !HOST_PATTERN.test(entry));
  if (bad.length > 0)
    throw new Error(
      `${ALLOWED_HOSTS_VARIABLE} must be host names separated by commas, such as mybox.lan,.example.test, or true (got ${bad.map((entry) => JSON.stringify(entry)).join(', ')})`,
    );
  const own = env.GATEWAY_HOST?.trim().toLowerCase();
  // An address needs no entry (every IP address is allowed); a name does.
  const ownName = own && HOST_PATTERN.test(own) && !/^[\d.]+$/.test(own) ? own : undefined;
  return ownName && !hosts.includes(ownName) ? [ownName, ...hosts] : hosts;
}

/** The header a client sends the admin token in. */
export function authorizationFor(token: string): string {
  return `Bearer ${token}`;
}
