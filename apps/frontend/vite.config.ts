import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The local gateway (apps/gateway, :8080) strips /api/ and routes by the VirtualService files; /__mesh is its
// status endpoint. Point API_PROXY_TARGET elsewhere (e.g. a backend on :8001) to develop without the gateway.
const apiTarget = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8080';
// The gateway rewrites /api/ to / itself; a bare backend needs the proxy to do it (API_PROXY_STRIP_API=true).
const stripApiPrefix = process.env.API_PROXY_STRIP_API === 'true';
// The gateway forwards `/` to this dev server, so the page usually comes from :8080; the HMR websocket must
// connect back through the same port (Vite falls back to its own port when that fails).
const hmrClientPort = Number(process.env.HMR_CLIENT_PORT ?? 8080);

const proxy = {
  '/api': {
    target: apiTarget,
    changeOrigin: true,
    ...(stripApiPrefix ? { rewrite: (path: string) => path.replace(/^\/api(?=\/|$)/, '') || '/' } : {}),
  },
  '/__mesh': { target: apiTarget, changeOrigin: true },
};

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    hmr: { clientPort: hmrClientPort },
    proxy,
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, proxy },
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
          ],
        },
      },
    },
  },
});
