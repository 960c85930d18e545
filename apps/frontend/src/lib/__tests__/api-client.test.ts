import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { describeApiError } from '../../components/query-states';
import { server } from '../../testing/server';
import { ApiError, apiGet, toApiError } from '../api-client';
import { catalogueOf, learnCatalogue } from '../backend-version-store';
import { setPremiumUser } from '../premium-store';
import { writePin } from '../visitor-pin';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (caught: unknown) => toApiError(caught),
  );

describe('api-client', () => {
  it('returns data with the backend that served it and learns which catalogue each version serves', async () => {
    const result = await apiGet<{ version: string }>('/');
    expect(result.data.version).toBe('v1');
    expect(result.servedBy).toEqual({ version: 'v1', catalogue: 'bollywood' });
    expect(catalogueOf('v1')).toBe('bollywood');
    expect(JSON.parse(localStorage.getItem('movies.catalogues') ?? '{}')).toEqual({ v1: 'bollywood' });
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

  it('turns the backend error shape into an ApiError that names the version that answered', async () => {
    server.use(
      http.get('*/api/movies', () =>
        HttpResponse.json(
          { error: { code: 'bad_request', message: 'page must be a positive integer' } },
          { status: 400, headers: { 'x-backend-version': 'v2', 'x-catalogue': 'hollywood' } },
        ),
      ),
    );
    const error = await failure(apiGet('/movies'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'page must be a positive integer',
      version: 'v2',
      servedBy: { version: 'v2', catalogue: 'hollywood' },
    });
    expect(describeApiError(error as ApiError)).toBe(
      'v2 (Hollywood) answered 400: page must be a positive integer',
    );
  });

  it('names the pinned version and what the mesh said when no backend answered', async () => {
    learnCatalogue({ version: 'v2', catalogue: 'hollywood' });
    writePin('v2');
    server.use(http.get('*/api/home', () => new HttpResponse('no healthy upstream', { status: 503 })));
    expect(await failure(apiGet('/home'))).toMatchObject({
      status: 503,
      version: 'v2',
      message: 'v2 (Hollywood) is not answering: the gateway returned 503 no healthy upstream.',
    });

    server.use(http.get('*/api/home', () => new HttpResponse('upstream request timeout', { status: 504 })));
    expect((await failure(apiGet('/home')))?.message).toBe(
      'v2 (Hollywood) did not answer in time: the gateway returned 504 upstream request timeout.',
    );

    // A fault the mesh injects is not the version's doing.
    server.use(http.get('*/api/home', () => new HttpResponse('fault filter abort', { status: 503 })));
    expect((await failure(apiGet('/home')))?.message).toBe(
      'The mesh injected this fault: the gateway returned 503 fault filter abort (no version was asked).',
    );
  });

  it('uses the subset the local gateway names (x-mesh-subset) when there is no pin', async () => {
    server.use(
      http.get(
        '*/api/home',
        () => new HttpResponse('oops', { status: 502, headers: { 'x-mesh-subset': 'v1' } }),
      ),
    );
    expect((await failure(apiGet('/home')))?.message).toBe(
      'v1 is not answering: the gateway returned 502 oops.',
    );
  });

  it('says which version a timeout waited for, and when that is not known', async () => {
    // jsdom's XHR under MSW never fires its timeout; the fetch adapter (absolute URL for Node's fetch) does.
    const slowHome = () => apiGet(`${location.origin}/api/home`, { timeout: 1_000, adapter: 'fetch' });
    server.use(
      http.get('*/api/home', async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    expect(await failure(slowHome())).toMatchObject({
      status: null,
      version: null,
      message:
        'No answer within 1 s. This visitor had no version yet, so which one the mesh chose is not known.',
    });
    learnCatalogue({ version: 'v1', catalogue: 'bollywood' });
    writePin('v1');
    expect(await failure(slowHome())).toMatchObject({
      version: 'v1',
      message: 'v1 (Bollywood) did not answer within 1 s.',
    });
  });

  it('reports a network failure', async () => {
    server.use(http.get('*/api/home', () => HttpResponse.error()));
    expect(await failure(apiGet('/home'))).toMatchObject({
      status: null,
      message: 'The gateway could not be reached.',
    });
  });
});
