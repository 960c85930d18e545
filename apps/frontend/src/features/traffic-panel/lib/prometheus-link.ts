/**
 * The local Prometheus graph of the split, when `pnpm dev` runs Prometheus: it passes the link in
 * VITE_PROMETHEUS_GRAPH_URL (apps/dev). Only an http(s) URL is linked; anything else (or nothing) shows no link.
 */
export function prometheusLinkFrom(setting: string | undefined): string | null {
  if (!setting) return null;
  try {
    const url = new URL(setting);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export const prometheusGraphUrl = prometheusLinkFrom(import.meta.env.VITE_PROMETHEUS_GRAPH_URL);
