import { useEffect, useId, useState } from 'react';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { getMeshStatus, type MeshStatus } from '../api/get-mesh-status';
import { clampRate, maxRate, minRate, useTrafficGenerator } from '../hooks/use-traffic-generator';
import { versionColour } from '../lib/version-colours';
import { TrafficShareChart } from './traffic-share-chart';

const meshRefreshMs = 5_000;

function formatMs(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function useMeshStatus(): MeshStatus | null {
  const [status, setStatus] = useState<MeshStatus | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    // Weights can be switched live (PUT /__mesh), so poll.
    const load = () =>
      void getMeshStatus(controller.signal).then((next) => !controller.signal.aborted && setStatus(next));
    load();
    const timer = setInterval(load, meshRefreshMs);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, []);
  return status;
}

/** /traffic: send GET /api/ at a chosen rate and watch how the mesh splits it between versions. */
export function TrafficPanel() {
  useDocumentTitle('Traffic');
  const rateId = useId();
  // The field keeps what the user types; the generator uses the value clamped to 1–50 (shown on blur).
  const [rateText, setRateText] = useState('10');
  const rate = clampRate(Number(rateText));
  const { running, start, stop, snapshot, inFlight } = useTrafficGenerator(rate);
  const mesh = useMeshStatus();
  const versions = snapshot?.versions ?? [];

  return (
    <div className="traffic">
      <div className="page-header">
        <h1>Traffic</h1>
      </div>
      <p className="traffic__intro">
        Sends <code>GET /api/</code> at the chosen rate and reads which version answered each request from its{' '}
        <code>x-backend-version</code> header.
      </p>

      <div className="traffic__controls">
        <div className="field field--inline">
          <label htmlFor={rateId}>Requests per second</label>
          <input
            id={rateId}
            type="number"
            min={minRate}
            max={maxRate}
            step={1}
            value={rateText}
            aria-describedby={`${rateId}-hint`}
            onChange={(event) => setRateText(event.target.value)}
            onBlur={() => setRateText(String(rate))}
          />
          <span id={`${rateId}-hint`} className="field__hint">
            1 to {maxRate}
          </span>
        </div>
        {running ? (
          <button type="button" className="button button--stop" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="button" className="button" onClick={start}>
            Start
          </button>
        )}
        <span className="traffic__state" role="status">
          {running ? `Sending ${rate} requests per second` : snapshot ? 'Stopped' : 'Idle'}
          {running && inFlight > 20 ? ` — ${inFlight} requests waiting for an answer` : ''}
        </span>
      </div>

      <section aria-labelledby="traffic-counts" className="traffic__counts">
        <h2 id="traffic-counts">Running counts</h2>
        <dl className="stats">
          <div className="stat">
            <dt>Requests</dt>
            <dd data-testid="count-total">{snapshot?.total ?? 0}</dd>
          </div>
          {versions.map((version, index) => (
            <div className="stat" key={version} style={{ borderColor: versionColour(version, index) }}>
              <dt>{version}</dt>
              <dd data-testid={`count-${version}`}>
                {snapshot?.byVersion[version] ?? 0}
                {snapshot && snapshot.total > 0 && (
                  <span className="stat__share">
                    {' '}
                    ({Math.round((100 * (snapshot.byVersion[version] ?? 0)) / snapshot.total)}%)
                  </span>
                )}
              </dd>
            </div>
          ))}
          <div className="stat stat--errors">
            <dt>Errors</dt>
            <dd data-testid="count-errors">{snapshot?.errors ?? 0}</dd>
          </div>
          <div className="stat">
            <dt>Latency p50</dt>
            <dd data-testid="latency-p50">{formatMs(snapshot?.p50 ?? null)}</dd>
          </div>
          <div className="stat">
            <dt>Latency p99</dt>
            <dd data-testid="latency-p99">{formatMs(snapshot?.p99 ?? null)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="traffic-chart" className="traffic__chart">
        <h2 id="traffic-chart">Share per version over time</h2>
        <p className="traffic__target" data-testid="mesh-target">
          {mesh
            ? `Target from the local gateway (${mesh.source ?? 'custom'}): ${Object.entries(mesh.weights)
                .map(([version, weight]) => `${version} ${weight}%`)
                .join(', ')} — drawn as dashed lines.`
            : 'No target weights available (the local gateway’s /__mesh endpoint is not reachable); showing measured shares only.'}
        </p>
        <figure className="chart">
          <TrafficShareChart
            buckets={snapshot?.buckets ?? []}
            versions={versions}
            weights={mesh?.weights ?? null}
          />
          <figcaption className="visually-hidden">
            Line chart of the percentage of responses served by each version per second of the last minute.
          </figcaption>
        </figure>
      </section>
    </div>
  );
}
