/** Where a cluster shows the split, when there is no local gateway to ask (no GET /__mesh). */
export function ClusterHint() {
  return (
    <section className="traffic__hint" aria-labelledby="cluster-hint" data-testid="cluster-hint">
      <h2 id="cluster-hint">On a cluster, the split is in Kiali and Grafana</h2>
      <p>
        This page is not behind the local gateway (<code>pnpm dev</code>), so it cannot see the configured
        weights or the traffic of other clients. Look here instead:
      </p>
      <ul>
        <li>
          <strong>Kiali</strong>: <code>istioctl dashboard kiali</code>, then Graph → namespace{' '}
          <code>movies</code> → “Versioned app graph”: live request shares of v1 and v2.
        </li>
        <li>
          <strong>Grafana</strong>: the “Movie backend: traffic split” dashboard (ConfigMap{' '}
          <code>grafana-dashboard-movie-backend</code>): <code>istioctl dashboard grafana</code>, then{' '}
          <code>/d/movie-backend-split</code>. Request rate, share, success rate and p99 per version.
        </li>
        <li>
          <strong>Terminal</strong>: <code>pnpm traffic monitor</code> (the split over the last 10 s) and{' '}
          <code>pnpm traffic config</code> (the weights the VirtualService sets).
        </li>
      </ul>
      <p>Below, the panel counts only the requests it sends itself.</p>
    </section>
  );
}
