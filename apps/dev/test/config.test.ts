import { defaultPorts } from '@movies/contracts/env';
import { describe, expect, it } from 'vitest';
import { loadDevConfig } from '../src/config.js';

describe('loadDevConfig', () => {
  it('defaults to the pnpm dev layout', () => {
    expect(loadDevConfig({}).ports).toEqual(defaultPorts);
  });

  // The same values, the same message in the gateway and the traffic CLI (@movies/contracts/env).
  it.each(['99999', 'abc'])('refuses GATEWAY_PORT=%s naming it', (value) => {
    expect(() => loadDevConfig({ GATEWAY_PORT: value })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: `invalid pnpm dev configuration: GATEWAY_PORT must be a port number from 0 to 65535 (got "${value}")`,
      }),
    );
  });

  it('refuses port 0: each part is told the others’ ports before it starts', () => {
    expect(() => loadDevConfig({ VITE_PORT: '0' })).toThrow(
      /^VITE_PORT is 0 \(any free port\), but pnpm dev/,
    );
  });

  it('refuses two parts on one port', () => {
    expect(() => loadDevConfig({ VITE_PORT: '8001' })).toThrow(
      'VITE_PORT and BACKEND_V1_PORT are both 8001: each part needs its own port',
    );
  });
});
