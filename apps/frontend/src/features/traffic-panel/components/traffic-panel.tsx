import { useEffect, useState } from 'react';
import { catalogueStore } from '../../../lib/backend-version-store';
import { useStore } from '../../../lib/create-store';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { historyMs, useMeshTraffic } from '../hooks/use-mesh-traffic';
import { clampRate, type GeneratorMode, useTrafficGenerator } from '../hooks/use-traffic-generator';
import { appendSample, type CounterSample, rollingShares, windowCounts } from '../lib/counter-history';
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

/** /traffic: the configured split against the observed one, per-version counts and errors, live. */
export function TrafficPanel() {
  useDocumentTitle('Traffic');
  const { mesh, history: meshHistory } = useMeshTraffic();
  // The field keeps what the user types; the generator uses the value clamped to 1–50 (shown on blur).
  const [rateText, setRateText] = useState('10');
  const rate = clampRate(Number(rateText));
  const [mode, setMode] = useState<GeneratorMode>('new-visitors');
  const generator = useTrafficGenerator(rate, mode);
  const ownHistory = useOwnHistory(generator.snapshot);
  const catalogues = useStore(catalogueStore);

  // All traffic through the local gateway when it counts it; else only this page's own requests.
  const gateway = mesh?.traffic ?? null;
  const windowSeconds = gateway?.windowSeconds ?? defaultWindowSeconds;
  const history = gateway ? meshHistory : ownHistory;
  const window = gateway ? gateway.window : windowCounts(ownHistory, windowSeconds * 1000);
  const total = gateway ? gateway.total : (generator.snapshot?.counts ?? {});
  const weights = mesh?.weights ?? null;
  const routed = [...new Set([...Object.keys(weights ?? {}), ...(gateway ? [] : Object.keys(total))])]
    .filter((version) => version !== unknownVersion)
    .sort();
  const withUnknown = total[unknownVersion] ? [...routed, unknownVersion] : routed;
  const windowRequests = sumRequests(window, routed);
  const observed = toPercentages(requestsBy(window), routed);
  const points = rollingShares(history, windowSeconds * 1000, routed);
  const hasData = gateway !== null || generator.snapshot !== null;

  return (
    <div className="traffic">
      <div className="page-header">
        <h1>Traffic</h1>
      </div>
      <p className="traffic__intro" data-testid="traffic-source">
        {mesh === undefined
          ? 'Asking the local gateway for its routing…'
          : gateway
            ? `All traffic through the local gateway — this page, other browsers, curl, pnpm traffic — from its /__mesh counters, read every second. Shares are over the last ${windowSeconds} s.`
            : mesh
              ? 'This gateway reports its routing but not its traffic: the counts below are this page’s own requests.'
              : 'No local gateway here (no /__mesh): the counts below are this page’s own requests only.'}
      </p>
      {mesh === null && <ClusterHint />}

      {hasData || weights ? (
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
      ) : null}

      {points.length > 1 && (
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
      )}

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
