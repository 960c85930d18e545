import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';
import { allowedHostsFrom } from '../../packages/contracts/src/gateway-access.js';

// The local gateway (apps/gateway, :8080) strips /api/ and routes by the VirtualService files; /__mesh is its
// status endpoint. Point API_PROXY_TARGET elsewhere (e.g. a backend on :8001) to develop without the gateway.
const apiTarget = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8080';
// The gateway rewrites /api/ to / itself; a bare backend needs the proxy to do it (API_PROXY_STRIP_API=true).
const stripApiPrefix = process.env.API_PROXY_STRIP_API === 'true';
// The gateway forwards `/` to this dev server, so the page usually comes from :8080; the HMR websocket must
// connect back through the same port (Vite falls back to its own port when that fails).
const hmrClientPort = Number(process.env.HMR_CLIENT_PORT ?? 8080);
// The gateway forwards the browser's Host header unchanged, and both refuse a foreign one (DNS rebinding): this
// server allows the names the gateway allows (GATEWAY_HOST when a name, GATEWAY_ALLOWED_HOSTS), so a page the
// gateway lets through is served, and a rebound page is refused by both (apps/gateway README, Security). The
// rule is imported by a relative path so that Vite bundles it into the config: through the package name, plain
// Node would load it and fail on TypeScript.
const allowedHosts = allowedHostsFrom(process.env);

const proxy = {
  '/api': {
    target: apiTarget,
    changeOrigin: true,
    ...(stripApiPrefix ? { rewrite: (path: string) => path.replace(/^\/api(?=\/|$)/, '') || '/' } : {}),
  },
  '/__mesh': { target: apiTarget, changeOrigin: true },
};

/**
 * The only remote host the UI loads anything from: TMDB's image CDN, or the host VITE_TMDB_IMAGE_BASE names
 * (none when it is empty: placeholders only). docker/nginx/security-headers.conf allows the default host.
 */
export function imageOrigin(base: string | undefined): string | null {
  const value = (base ?? 'https://image.tmdb.org/t/p').trim();
  return value ? new URL(value).origin : null;
}

/** The dev server's CSP: nginx's, plus what Vite's dev mode needs (its inline React preamble and HMR socket). */
export function devContentSecurityPolicy(origin: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data:${origin ? ` ${origin}` : ''}`,
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    allowedHosts,
    hmr: { clientPort: hmrClientPort },
    proxy,
    headers: {
      'Content-Security-Policy': devContentSecurityPolicy(
        imageOrigin(loadEnv(mode, process.cwd(), 'VITE_').VITE_TMDB_IMAGE_BASE),
      ),
    },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, allowedHosts, proxy },
  build: {
    outDir: 'dist',
    // scripts/bundle-size.mjs reads the manifest to find what the initial route loads.
    manifest: true,
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The libraries every page needs, in one long-cacheable chunk; recharts stays in the traffic chunk.
          groups: [
            {
              name: 'vendor',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|axios)[\\/]/,
            },
            {
              // zod parses the local gateway's /__mesh, loaded with it on first use; a cluster's pages never need it.
              name: 'mesh-parser',
              test: /[\\/]node_modules[\\/]zod[\\/]/,
            },
          ],
        },
      },
    },
  },
}));
