import { screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

const count = (testId: string) => Number(screen.getByTestId(testId).firstChild?.textContent ?? 'NaN');

describe('traffic panel', () => {
  // The panel is a lazy chunk with the chart library; transforming it takes a while the first time.
  beforeAll(async () => {
    await import('../components/traffic-panel');
  }, 60_000);

  it('sends requests at the chosen rate and counts what each version answered', async () => {
    // A 50-50 split, deterministic: versions alternate.
    let turn = 0;
    server.use(...backendHandlers({ pick: () => (turn++ % 2 === 0 ? bollywood : hollywood) }));
    const { user } = renderApp('/traffic');

    const rate = await screen.findByLabelText('Requests per second');
    await user.clear(rate);
    await user.type(rate, '40');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    expect(screen.getByText('Sending 40 requests per second')).toBeInTheDocument();

    await waitFor(() => {
      expect(count('count-v1')).toBeGreaterThanOrEqual(3);
      expect(count('count-v2')).toBeGreaterThanOrEqual(3);
    });
    expect(count('count-errors')).toBe(0);
    expect(screen.getByTestId('latency-p50')).toHaveTextContent(/\d ms/);
    expect(screen.getByTestId('latency-p99')).toHaveTextContent(/\d ms/);

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.getByText('Stopped')).toBeInTheDocument();
    const total = count('count-total');
    expect(total).toBe(count('count-v1') + count('count-v2'));
    // Stopped means stopped: nothing more is sent or counted.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(count('count-total')).toBe(total);
  });

  it('counts failed requests as errors', async () => {
    server.use(http.get('*/api/', () => new HttpResponse('no healthy upstream', { status: 503 })));
    const { user } = renderApp('/traffic');
    await user.click(await screen.findByRole('button', { name: 'Start' }));
    await waitFor(() => expect(count('count-errors')).toBeGreaterThanOrEqual(2));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.queryByTestId('count-v1')).toBeNull();
  });

  it('draws the target weights when the local gateway reports them', async () => {
    server.use(
      http.get('*/__mesh', () =>
        HttpResponse.json({
          source: '80-20',
          weights: { v1: 80, v2: 20 },
          rules: [],
          counts: {},
          updatedAt: '',
        }),
      ),
    );
    renderApp('/traffic');
    expect(
      await screen.findByText(/Target from the local gateway \(80-20\): v1 80%, v2 20%/),
    ).toBeInTheDocument();
  });

  it('works without a target when /__mesh is not there', async () => {
    renderApp('/traffic');
    expect(await screen.findByText(/No target weights available/)).toBeInTheDocument();
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
