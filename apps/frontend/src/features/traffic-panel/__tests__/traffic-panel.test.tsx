import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPin, writePin } from '../../../lib/visitor-pin';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';
import { meshStatusHandler, stickyMesh } from '../../../testing/sticky-mesh';

const number = (testId: string) => Number(screen.getByTestId(testId).textContent ?? 'NaN');

type Counters = Record<string, { requests: number; errors: number }>;

/** /__mesh of a local gateway at 80-20 whose counters the test moves, as traffic from curl would. */
function gatewayAt8020() {
  const state: { window: Counters; total: Counters; polls: number } = {
    window: { v1: { requests: 0, errors: 0 }, v2: { requests: 0, errors: 0 } },
    total: { v1: { requests: 0, errors: 0 }, v2: { requests: 0, errors: 0 } },
    polls: 0,
  };
  const handler = meshStatusHandler(() => {
    state.polls += 1;
    return {
      source: '80-20',
      weights: { v1: 80, v2: 20 },
      traffic: { windowSeconds: 10, window: state.window, total: state.total },
    };
  });
  return { state, handler };
}

describe('traffic panel', () => {
  // The panel is a lazy chunk with the chart library; transforming it takes a while the first time.
  beforeAll(async () => {
    await import('../components/traffic-panel');
  }, 60_000);

  it('shows all traffic the gateway counts: configured against observed split, requests and errors per version', async () => {
    const gateway = gatewayAt8020();
    server.use(gateway.handler);
    renderApp('/traffic');
    expect(await screen.findByTestId('configured-split-values')).toHaveTextContent('v1 80 %, v2 20 %');
    expect(screen.getByTestId('observed-split')).toHaveTextContent('no requests in the last 10 s');
    expect(screen.getByTestId('traffic-source')).toHaveTextContent('All traffic through the local gateway');

    // Someone else's traffic (curl) arrives at the gateway: the page shows it on its next poll.
    gateway.state.window = { v1: { requests: 41, errors: 0 }, v2: { requests: 9, errors: 3 } };
    gateway.state.total = { v1: { requests: 141, errors: 0 }, v2: { requests: 39, errors: 3 } };
    await waitFor(() =>
      expect(screen.getByTestId('observed-split-values')).toHaveTextContent('v1 82 %, v2 18 %'),
    );
    expect(screen.getByTestId('observed-split')).toHaveTextContent('50 requests');
    expect(number('window-requests-v2')).toBe(9);
    expect(number('window-errors-v2')).toBe(3);
    expect(screen.getByTestId('window-error-rate-v2')).toHaveTextContent('33.3 %');
    expect(number('total-requests-v1')).toBe(141);
    expect(screen.getByText(/in total since the gateway started/)).toBeInTheDocument();
    expect(screen.queryByTestId('cluster-hint')).toBeNull();
  });

  it('sends its own requests as new visitors: no cookie goes out and the tab’s pin stays', async () => {
    const gateway = gatewayAt8020();
    const credentials: string[] = [];
    server.use(
      gateway.handler,
      http.get('*/api/', ({ request }) => {
        credentials.push(request.credentials);
        return undefined;
      }),
      ...backendHandlers({ pick: () => (credentials.length % 2 ? bollywood : hollywood) }),
    );
    writePin('v2');
    const { user } = renderApp('/traffic');
    const rate = await screen.findByLabelText('Requests per second');
    await user.clear(rate);
    await user.type(rate, '40');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByText('Sending 40 requests per second')).toBeInTheDocument();
    await waitFor(() => expect(number('own-sent')).toBeGreaterThanOrEqual(6));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.getByText('Stopped')).toBeInTheDocument();
    expect(number('own-errors')).toBe(0);
    expect(screen.getByTestId('latency-p50')).toHaveTextContent(/\d ms/);
    expect(credentials.length).toBeGreaterThanOrEqual(6);
    expect(new Set(credentials)).toEqual(new Set(['omit']));
    expect(readPin()).toBe('v2');
  });

  it('stops sending when stopped', async () => {
    const gateway = gatewayAt8020();
    server.use(gateway.handler);
    const { user } = renderApp('/traffic');
    await user.click(await screen.findByRole('button', { name: 'Start' }));
    await waitFor(() => expect(number('own-sent')).toBeGreaterThanOrEqual(2));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    const sentAtStop = number('own-sent');
    let afterStop = 0;
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname === '/api/') afterStop += 1;
    });
    // Wait for three more polls of /__mesh: time enough for the 10 req/s generator to have sent more.
    const polls = gateway.state.polls;
    await waitFor(() => expect(gateway.state.polls).toBeGreaterThanOrEqual(polls + 3), { timeout: 10_000 });
    expect(afterStop).toBe(0);
    expect(number('own-sent')).toBe(sentAtStop);
  });

  it('runs as visitors: each keeps its version for all its requests, and the tab gets its own pin back', async () => {
    const mesh = stickyMesh({ weights: { v1: 50, v2: 50 }, seed: 3 });
    server.use(...mesh.handlers, gatewayAt8020().handler);
    writePin('v1');
    const { user } = renderApp('/traffic');
    await user.click(await screen.findByRole('radio', { name: /^Visitors/ }));
    const rate = screen.getByLabelText('Requests per second');
    await user.clear(rate);
    await user.type(rate, '50');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(
      () => expect(screen.getByTestId('visitor-results')).toHaveTextContent(/^([4-9]|\d\d+) visitors/),
      {
        timeout: 15_000,
      },
    );
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(number('visitors-switched')).toBe(0);
    expect(screen.getByTestId('visitor-results')).toHaveTextContent(/landed on v1 \d+ \(\d+ %\), v2 \d+/);
    // Every visitor's first request went without a cookie; the rest carried the pin that first one got.
    const firsts = mesh.log.filter((entry) => entry.pin === null);
    expect(firsts.length).toBeGreaterThanOrEqual(4);
    await waitFor(() => expect(readPin()).toBe('v1'));
  });

  it('counts failed requests as errors of an unknown version when no backend answered', async () => {
    server.use(http.get('*/api/', () => new HttpResponse('no healthy upstream', { status: 503 })));
    const { user } = renderApp('/traffic');
    await user.click(await screen.findByRole('button', { name: 'Start' }));
    await waitFor(() => expect(number('own-errors')).toBeGreaterThanOrEqual(2));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(number('total-errors-unknown')).toBe(number('own-errors'));
  });

  it('on a cluster (no /__mesh) says where to look instead of drawing an empty frame', async () => {
    renderApp('/traffic');
    const hint = await screen.findByTestId('cluster-hint');
    expect(hint).toHaveTextContent('istioctl dashboard kiali');
    expect(hint).toHaveTextContent('Movie backend: traffic split');
    expect(screen.getByTestId('traffic-source')).toHaveTextContent('No local gateway here');
    expect(screen.queryByTestId('observed-split')).toBeNull();
    expect(screen.queryByRole('figure')).toBeNull();
    expect(screen.getByRole('button', { name: 'Start' })).toBeEnabled();
  });

  it('keeps the rate within 1–50 per second', async () => {
    const { user } = renderApp('/traffic');
    const rate = await screen.findByLabelText('Requests per second');
    await user.clear(rate);
    await user.type(rate, '500');
    await user.tab();
    expect(rate).toHaveValue(50);
    await user.clear(rate);
    await user.type(rate, '0');
    await user.tab();
    expect(rate).toHaveValue(1);
  });
});
