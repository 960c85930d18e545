import { formatPercent, formatSplit } from '@movies/mesh/split-format';
import { versionLabel } from '../../../lib/backend-version-store';
import { createStore, useStore } from '../../../lib/create-store';
import { type Draw, drawNewVisitor } from '../api/draw-visitor';

/** The last draw, shared by the header button and the notice under the header. */
export const drawStore = createStore<Draw | null>(null);

async function draw(): Promise<void> {
  drawStore.set({ status: 'drawing' });
  drawStore.set(await drawNewVisitor());
}

/** Header button: forget this visitor's pin and be drawn again by the weights, like someone arriving now. */
export function NewVisitorButton() {
  const current = useStore(drawStore);
  return (
    <button
      type="button"
      className="new-visitor"
      onClick={() => void draw()}
      disabled={current?.status === 'drawing'}
      title="Clear the movie-version cookie and let the mesh draw a version again"
    >
      New visitor
    </button>
  );
}

function landedText(draw: Extract<Draw, { status: 'landed' }>): string {
  const where = versionLabel(draw.version, draw.catalogue);
  const share = draw.weights?.[draw.version];
  const split = draw.weights ? formatSplit(draw.weights) : '';
  const odds =
    share === undefined
      ? 'The configured split is not visible from here (no /__mesh: on a cluster, see Kiali or the Grafana dashboard).'
      : `${formatPercent(share)} of new visitors land there (the gateway’s split${draw.source ? ` ${draw.source}` : ''}: ${split}).`;
  const stickiness = draw.pinned
    ? 'The movie-version cookie keeps you there while its weight is above 0.'
    : 'No movie-version cookie came back, so every request is drawn again (sticky sessions are off).';
  return `New visitor: you landed on ${where}. ${odds} ${stickiness}`;
}

/** Says where the new visitor landed and what share of new visitors land there. */
export function VisitorNotice() {
  const current = useStore(drawStore);
  if (!current) return null;
  return (
    <div className="header-notice header-notice--visitor" role="status" data-testid="visitor-notice">
      <p>
        {current.status === 'drawing' && 'Drawing a version for a new visitor…'}
        {current.status === 'failed' && `New visitor: no version could be drawn. ${current.message}`}
        {current.status === 'landed' && landedText(current)}
      </p>
      {current.status !== 'drawing' && (
        <button type="button" className="header-notice__close" onClick={() => drawStore.set(null)}>
          <span aria-hidden="true">×</span>
          <span className="visually-hidden">Dismiss</span>
        </button>
      )}
    </div>
  );
}
