import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { resolveUpstreams, UpstreamError } from '../src/upstreams.js';

describe('loadConfig', () => {
  it('defaults to overlay 80-20 on 127.0.0.1:8080 with the access log on, metrics on 127.0.0.1:15090', () => {
    expect(loadConfig({})).toEqual({
      overlay: '80-20',
      port: 8080,
      host: '127.0.0.1',
      accessLog: true,
      upstreams: {},
      allowedHosts: [],
      token: undefined,
      metrics: { port: 15090, host: '127.0.0.1' },
    });
  });

  it('reads GATEWAY_METRICS_PORT and GATEWAY_METRICS_HOST', () => {
    expect(loadConfig({ GATEWAY_METRICS_PORT: '0', GATEWAY_METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('reads the Host allow-list (GATEWAY_HOST when a name, then GATEWAY_ALLOWED_HOSTS) and GATEWAY_TOKEN', () => {
    expect(
      loadConfig({
        GATEWAY_HOST: 'MyBox.lan',
        GATEWAY_ALLOWED_HOSTS: ' .example.test , other.lan ',
        GATEWAY_TOKEN: 'abcdefghijklmnop',
      }),
    ).toMatchObject({ allowedHosts: ['mybox.lan', '.example.test', 'other.lan'], token: 'abcdefghijklmnop' });
    expect(loadConfig({ GATEWAY_HOST: '0.0.0.0' }).allowedHosts).toEqual([]);
    expect(loadConfig({ GATEWAY_ALLOWED_HOSTS: 'true' }).allowedHosts).toBe(true);
  });

  it('reads TRAFFIC, GATEWAY_PORT, ACCESS_LOG and the upstream variables (shortcuts win over MESH_UPSTREAMS)', () => {
    const config = loadConfig({
      TRAFFIC: 'header-routing',
      GATEWAY_PORT: '9090',
      GATEWAY_METRICS_PORT: '19090',
      ACCESS_LOG: 'off',
      MESH_UPSTREAMS:
        '{"movie-backend/v1":"http://127.0.0.1:9001","movie-frontend":"http://127.0.0.1:4173/"}',
      MESH_UPSTREAM_V1: 'http://10.0.0.1:8000',
    });
    expect(config).toEqual({
      overlay: 'header-routing',
      port: 9090,
      host: '127.0.0.1',
      accessLog: false,
      upstreams: { 'movie-backend/v1': 'http://10.0.0.1:8000', 'movie-frontend': 'http://127.0.0.1:4173' },
      allowedHosts: [],
      token: undefined,
      metrics: { port: 19090, host: '127.0.0.1' },
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ TRAFFIC: ' ', GATEWAY_PORT: '' })).toMatchObject({ overlay: '80-20', port: 8080 });
  });

  it.each([
    [{ TRAFFIC: '../base' }, 'TRAFFIC must name an overlay under k8s/overlays'],
    [{ GATEWAY_PORT: '-1' }, 'GATEWAY_PORT must be a port number from 0 to 65535 (got "-1")'],
    // The same values, the same message in pnpm dev and the traffic CLI (@movies/contracts/env).
    [{ GATEWAY_PORT: '99999' }, 'GATEWAY_PORT must be a port number from 0 to 65535 (got "99999")'],
    [{ GATEWAY_PORT: 'abc' }, 'GATEWAY_PORT must be a port number from 0 to 65535 (got "abc")'],
    [
      { GATEWAY_METRICS_PORT: '70000' },
      'GATEWAY_METRICS_PORT must be a port number from 0 to 65535 (got "70000")',
    ],
    [{ ACCESS_LOG: 'maybe' }, 'ACCESS_LOG must be on or off (got "maybe")'],
    [
      { GATEWAY_ALLOWED_HOSTS: 'mybox.lan,http://evil.example,*' },
      'GATEWAY_ALLOWED_HOSTS must be host names separated by commas, such as mybox.lan,.example.test, or true (got "http://evil.example", "*")',
    ],
    [{ GATEWAY_TOKEN: 'short' }, 'GATEWAY_TOKEN must be 16 to 512 letters, digits or ._~+/=-'],
    [{ MESH_UPSTREAMS: '{"movie-backend/v1": 8001' }, 'MESH_UPSTREAMS must be JSON'],
    [
      { MESH_UPSTREAMS: '{"movie-backend/v1": "http://h:1/path"}' },
      'movie-backend/v1: "http://h:1/path" must be an origin only',
    ],
    [{ MESH_UPSTREAMS: '{"Not A Key": "http://h:1"}' }, '"Not A Key" is not an upstream key'],
    [
      { MESH_UPSTREAM_FRONTEND: 'ftp://h' },
      'MESH_UPSTREAM_FRONTEND: "ftp://h" must be an http:// or https:// URL',
    ],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('resolveUpstreams', () => {
  it('overlays the given mapping on the pnpm dev defaults', () => {
    expect(resolveUpstreams({ 'movie-backend/v2': 'http://127.0.0.1:9002' })).toEqual({
      'movie-backend/v1': 'http://127.0.0.1:8001',
      'movie-backend/v2': 'http://127.0.0.1:9002',
      'movie-frontend': 'http://127.0.0.1:5173',
    });
    expect(() => resolveUpstreams({ 'movie-backend/v3': 'nope' })).toThrow(UpstreamError);
  });
});
