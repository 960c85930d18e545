import { useEffect, useState } from 'react';
import { catalogueStore } from '../../../lib/backend-version-store';
import { useStore } from '../../../lib/create-store';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { historyMs, useMeshTraffic } from '../hooks/use-mesh-traffic';
import { clampRate, type GeneratorMode, useTrafficGenerator } from '../hooks/use-traffic-generator';
import { appendSample, type CounterSample, rollingShares, windowCounts } from '../lib/counter-history';
import { prometheusGraphUrl } from '../lib/prometheus-link';
import { type Counts, type TrafficSnapshot, unknownVersion } from '../lib/traffic-recorder';
import { ClusterHint } from './cluster-hint';
import { GeneratorControls } from './generator-controls';
import { SplitBar, toPercentages } from './split-bar';
import { TrafficShareChart } from './traffic-share-chart';
import { VersionStats } from './version-stats';

/** The window when the gateway does not say (its /__mesh reports its own). */
const defaultWindowSeconds = 10;

/** The panel's own counters over time, for when there is no gateway to count (a cluster). */
function useOwnHistory(snapshot: TrafficSnapshot | null): CounterSample[] {
  const [history, setHistory] = useState<CounterSample[]>([]);
  useEffect(() => {
    if (snapshot)
      setHistory((previous) => appendSample(previous, { at: Date.now(), total: snapshot.counts }, historyMs));
  }, [snapshot]);
  return history;
}

const sumRequests = (counts: Counts, versions: readonly string[]) =>
  versions.reduce((sum, version) => sum + (counts[version]?.requests ?? 0), 0);

const requestsBy = (counts: Counts) =>
  Object.fromEntries(Object.entries(counts).map(([version, entry]) => [version, entry.requests]));

type MeshTraffic = ReturnType<typeof useMeshTraffic>['mesh'];
type Generator = ReturnType<typeof useTrafficGenerator>;

/** The versions routed: the configured ones, plus (without a gateway) whichever this page has seen; sorted. */
function routedVersions(weights: Readonly<Record<string, number>> | null, seen: readonly string[]): string[] {
  return [...new Set([...Object.keys(weights ?? {}), ...seen])]
    .filter((version) => version !== unknownVersion)
    .sort();
}

/**
 * What the panel shows: all traffic through the local gateway when it counts it; else only this page's own
 * requests.
 */
function useTrafficView(
  { mesh, history: meshHistory }: ReturnType<typeof useMeshTraffic>,
  generator: Generator,
) {
  const ownHistory = useOwnHistory(generator.snapshot);
  const gateway = mesh?.traffic ?? null;
  const windowSeconds = gateway?.windowSeconds ?? defaultWindowSeconds;
  const own = {
    history: ownHistory,
    window: windowCounts(ownHistory, windowSeconds * 1000),
    total: generator.snapshot?.counts ?? {},
  };
  const source = gateway ? { history: meshHistory, window: gateway.window, total: gateway.total } : own;
  const weights = mesh?.weights ?? null;
  const routed = routedVersions(weights, gateway ? [] : Object.keys(source.total));
  return {
    mesh,
    gateway,
    windowSeconds,
    ...source,
    weights,
    routed,
    withUnknown: source.total[unknownVersion] ? [...routed, unknownVersion] : routed,
    points: rollingShares(source.history, windowSeconds * 1000, routed),
    hasData: gateway !== null || generator.snapshot !== null,
  };
}

type TrafficView = ReturnType<typeof useTrafficView>;

function sourceText(mesh: MeshTraffic, gateway: TrafficView['gateway'], windowSeconds: number): string {
  if (mesh === undefined) return 'Asking the local gateway for its routing…';
  if (gateway)
    return `All traffic through the local gateway — this page, other browsers, curl, pnpm traffic — from its /__mesh counters, read every second. Shares are over the last ${windowSeconds} s.`;
  if (mesh)
    return 'This gateway reports its routing but not its traffic: the counts below are this page’s own requests.';
  return 'No local gateway here (no /__mesh): the counts below are this page’s own requests only.';
}

function SplitSection({ view }: { view: TrafficView }) {
  const { mesh, gateway, windowSeconds, window, total, weights, routed, withUnknown } = view;
  const catalogues = useStore(catalogueStore);
  const windowRequests = sumRequests(window, routed);
  const observed = toPercentages(requestsBy(window), routed);
  return (
    <section aria-labelledby="split-heading" className="traffic__split">
      <h2 id="split-heading">Configured and observed split</h2>
      <SplitBar
        testId="configured-split"
        label="Configured"
        detail={weights ? `${mesh?.source ?? 'custom'} weights of the /api/ route` : 'not known here'}
        parts={weights ? routed.map((version) => ({ version, percent: weights[version] ?? 0 })) : null}
        versions={routed}
      />
      <SplitBar
        testId="observed-split"
        label={`Observed, last ${windowSeconds} s`}
        detail={
          windowRequests > 0 ? `${windowRequests} requests` : `no requests in the last ${windowSeconds} s`
        }
        parts={observed}
        versions={routed}
      />
      <p className="traffic__note">
        Per version: the last {windowSeconds} s, and in total since{' '}
        {gateway ? 'the gateway started' : 'Start was pressed'}. An error is an answer of 500 or above
        {gateway ? ', the gateway’s own 503 and 504 included' : ', or none at all'}.
      </p>
      <VersionStats
        versions={withUnknown}
        window={window}
        total={total}
        windowSeconds={windowSeconds}
        totalLabel="Total"
        catalogueOf={(version) => catalogues[version] ?? null}
      />
    </section>
  );
}

function ChartSection({ view }: { view: TrafficView }) {
  const { points, routed, weights, windowSeconds } = view;
  return (
    <section aria-labelledby="traffic-chart" className="traffic__chart">
      <h2 id="traffic-chart">Share per version, last {windowSeconds} s at each moment</h2>
      <figure className="chart">
        <TrafficShareChart
          points={points}
          versions={routed}
          weights={weights}
          windowSeconds={windowSeconds}
          spanSeconds={historyMs / 1000}
        />
        <figcaption className="visually-hidden">
          Line chart of each version's share of the requests of the last {windowSeconds} seconds, over the
          last minute; dashed lines are the configured weights.
        </figcaption>
      </figure>
    </section>
  );
}

/** /traffic: the configured split against the observed one, per-version counts and errors, live. */
export function TrafficPanel() {
  useDocumentTitle('Traffic');
  const meshTraffic = useMeshTraffic();
  // The field keeps what the user types; the generator uses the value clamped to 1–50 (shown on blur).
  const [rateText, setRateText] = useState('10');
  const rate = clampRate(Number(rateText));
  const [mode, setMode] = useState<GeneratorMode>('new-visitors');
  const generator = useTrafficGenerator(rate, mode);
  const view = useTrafficView(meshTraffic, generator);

  return (
    <div className="traffic">
      <div className="page-header">
        <h1>Traffic</h1>
      </div>
      <p className="traffic__intro" data-testid="traffic-source">
        {sourceText(view.mesh, view.gateway, view.windowSeconds)}
      </p>
      {view.mesh === null && <ClusterHint />}
      {view.gateway && prometheusGraphUrl && (
        <p className="traffic__note" data-testid="prometheus-link">
          The same split as a mesh reports it, from the gateway&rsquo;s Istio metrics:{' '}
          <a href={prometheusGraphUrl} target="_blank" rel="noreferrer">
            Prometheus graph of istio_requests_total per version
          </a>
          .
        </p>
      )}

      {view.hasData || view.weights ? <SplitSection view={view} /> : null}

      {view.points.length > 1 && <ChartSection view={view} />}

      <GeneratorControls
        rateText={rateText}
        onRateText={setRateText}
        rate={rate}
        mode={mode}
        onMode={setMode}
        running={generator.running}
        onStart={generator.start}
        onStop={generator.stop}
        snapshot={generator.snapshot}
        visitors={generator.visitors}
      />
    </div>
  );
}
