import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '../../testing/server';
import { ApiError, apiGet, toApiError } from '../api-client';
import { backendVersionStore } from '../backend-version-store';
import { setPremiumUser } from '../premium-store';

describe('api-client', () => {
  it('returns data with the backend that served it and records it for the badge', async () => {
    const result = await apiGet<{ version: string }>('/');
    expect(result.data.version).toBe('v1');
    expect(result.servedBy).toEqual({ version: 'v1', catalogue: 'bollywood' });
    expect(backendVersionStore.get()).toMatchObject({ version: 'v1', catalogue: 'bollywood' });
  });

  it('records the version of error responses too', async () => {
    await expect(apiGet('/movies/999999')).rejects.toThrow();
    expect(backendVersionStore.get()).toMatchObject({ version: 'v1', catalogue: 'bollywood' });
  });

  it('sends x-user-type: premium only while the premium toggle is on', async () => {
    const seen: Array<string | null> = [];
    server.use(
      http.get('*/api/', ({ request }) => {
        seen.push(request.headers.get('x-user-type'));
        return HttpResponse.json({ version: 'v1' });
      }),
    );
    await apiGet('/');
    setPremiumUser(true);
    await apiGet('/');
    setPremiumUser(false);
    await apiGet('/');
    expect(seen).toEqual([null, 'premium', null]);
  });

  it('turns the backend error shape into a readable ApiError', async () => {
    server.use(
      http.get('*/api/movies', () =>
        HttpResponse.json(
          { error: { code: 'bad_request', message: 'page must be a positive integer' } },
          { status: 400, headers: { 'x-backend-version': 'v2', 'x-catalogue': 'hollywood' } },
        ),
      ),
    );
    const error = toApiError(await apiGet('/movies').catch((caught: unknown) => caught));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'page must be a positive integer',
      servedBy: { version: 'v2', catalogue: 'hollywood' },
    });
  });

  it('reports an Envoy-style plain-text 503 and a network failure', async () => {
    server.use(http.get('*/api/home', () => new HttpResponse('no healthy upstream', { status: 503 })));
    const unavailable = toApiError(await apiGet('/home').catch((caught: unknown) => caught));
    expect(unavailable).toMatchObject({
      status: 503,
      message: 'no healthy upstream',
      servedBy: { version: null },
    });

    server.use(http.get('*/api/home', () => HttpResponse.error()));
    const offline = toApiError(await apiGet('/home').catch((caught: unknown) => caught));
    expect(offline).toMatchObject({ status: null, message: 'The API could not be reached.' });
  });
});
