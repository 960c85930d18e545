import { useId } from 'react';
import { type GeneratorMode, maxRate, minRate, requestsPerVisitor } from '../hooks/use-traffic-generator';
import type { TrafficSnapshot, VisitorStats } from '../lib/traffic-recorder';

function formatMs(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

const modes: Array<{ value: GeneratorMode; label: string; hint: string }> = [
  {
    value: 'new-visitors',
    label: 'New visitors',
    hint: 'No cookie: every request is drawn by the weights, as with curl — the per-request split.',
  },
  {
    value: 'visitors',
    label: 'Visitors',
    hint: `${requestsPerVisitor} requests each, with their own movie-version cookie, one visitor after another (this tab’s own pin is set aside while they run).`,
  },
];

export type GeneratorProps = {
  rateText: string;
  onRateText: (text: string) => void;
  rate: number;
  mode: GeneratorMode;
  onMode: (mode: GeneratorMode) => void;
  running: boolean;
  onStart: () => void;
  onStop: () => void;
  snapshot: TrafficSnapshot | null;
  visitors: VisitorStats;
};

function VisitorResults({ visitors }: { visitors: VisitorStats }) {
  const landed = Object.entries(visitors.byVersion)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([version, count]) =>
        `${version} ${count} (${visitors.visitors ? Math.round((100 * count) / visitors.visitors) : 0} %)`,
    )
    .join(', ');
  return (
    <p className="generator__visitors" data-testid="visitor-results">
      {visitors.visitors} visitors{landed ? ` landed on ${landed}` : ''};{' '}
      <strong data-testid="visitors-switched">{visitors.switched}</strong> switched version mid-visit.
    </p>
  );
}

/** The page's own traffic: rate, how the requests go out, and what came back to them. */
export function GeneratorControls(props: GeneratorProps) {
  const { rateText, onRateText, rate, mode, onMode, running, snapshot, visitors } = props;
  const rateId = useId();
  return (
    <section aria-labelledby="generator" className="generator">
      <h2 id="generator">Send traffic from this page</h2>
      <fieldset className="generator__modes" disabled={running}>
        <legend>Send as</legend>
        {modes.map((option) => (
          <label key={option.value} className="generator__mode">
            <input
              type="radio"
              name="generator-mode"
              value={option.value}
              checked={mode === option.value}
              onChange={() => onMode(option.value)}
            />
            <span>
              <strong>{option.label}</strong> — {option.hint}
            </span>
          </label>
        ))}
      </fieldset>
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
            onChange={(event) => onRateText(event.target.value)}
            onBlur={() => onRateText(String(rate))}
          />
          <span id={`${rateId}-hint`} className="field__hint">
            1 to {maxRate}
          </span>
        </div>
        {running ? (
          <button type="button" className="button button--stop" onClick={props.onStop}>
            Stop
          </button>
        ) : (
          <button type="button" className="button" onClick={props.onStart}>
            Start
          </button>
        )}
        <span className="traffic__state" role="status">
          {running ? `Sending ${rate} requests per second` : snapshot ? 'Stopped' : 'Idle'}
        </span>
      </div>
      {snapshot && (
        <dl className="generator__results">
          <div>
            <dt>Sent</dt>
            <dd data-testid="own-sent">{snapshot.sent}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd data-testid="own-errors">{snapshot.errors}</dd>
          </div>
          <div>
            <dt>Latency p50</dt>
            <dd data-testid="latency-p50">{formatMs(snapshot.p50)}</dd>
          </div>
          <div>
            <dt>Latency p99</dt>
            <dd data-testid="latency-p99">{formatMs(snapshot.p99)}</dd>
          </div>
        </dl>
      )}
      {snapshot && mode === 'visitors' && <VisitorResults visitors={visitors} />}
    </section>
  );
}
