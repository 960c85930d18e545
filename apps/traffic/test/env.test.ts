import { describe, expect, it } from 'vitest';
import { readEnv } from '../src/target.js';
import { runCli } from './support/run-cli.js';

describe('readEnv', () => {
  it('targets the local gateway on GATEWAY_PORT', () => {
    expect(readEnv({ GATEWAY_PORT: '9090', KUBECTL: '/nonexistent/kubectl' })).toMatchObject({
      gatewayUrl: undefined,
      localGatewayUrl: 'http://localhost:9090',
      namespace: 'movies',
    });
  });

  // The same values, the same message in the gateway and pnpm dev (@movies/contracts/env).
  it.each(['99999', 'abc'])('refuses GATEWAY_PORT=%s naming it', (value) => {
    expect(() => readEnv({ GATEWAY_PORT: value })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: `invalid environment: GATEWAY_PORT must be a port number from 0 to 65535 (got "${value}")`,
      }),
    );
  });

  it('refuses port 0, which no gateway listens on', () => {
    expect(() => readEnv({ GATEWAY_PORT: '0' })).toThrow(/^GATEWAY_PORT is 0 \(any free port\)/);
  });
});

describe('the CLI with a bad environment', () => {
  it('exits 78 with the message on stderr', async () => {
    const result = await runCli(['test', '10'], { env: { GATEWAY_PORT: '99999' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(
      'traffic: invalid environment: GATEWAY_PORT must be a port number from 0 to 65535 (got "99999")\n',
    );
  });
});
