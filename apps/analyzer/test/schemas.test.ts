import { findObject, renderedObjects } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';
import { describeSchemaErrors, schemaValidator, strictSchema } from '../src/schemas.js';

function errorsOf(apiVersion: string, kind: string, object: unknown): string[] {
  const validate = schemaValidator(apiVersion, kind);
  if (!validate) throw new Error(`no validator for ${kind}`);
  return validate(object) ? [] : describeSchemaErrors(validate.errors ?? []);
}

describe('strict Istio and Gateway API schemas', () => {
  it('accept the real manifests', async () => {
    const objects = await renderedObjects('mtls-strict');
    for (const object of objects.filter((o) => String(o.apiVersion).includes('istio.io'))) {
      expect(errorsOf(String(object.apiVersion), String(object.kind), object), String(object.kind)).toEqual(
        [],
      );
    }
  });

  it('reject an unknown field at any depth, naming its path', async () => {
    const vs = structuredClone(
      findObject(await renderedObjects('80-20'), 'VirtualService', 'movie-backend'),
    ) as {
      spec: { http: Array<{ route: Array<{ destination: Record<string, unknown> }> }> };
    };
    (vs.spec.http[0]?.route[0]?.destination as Record<string, unknown>).subsett = 'v1';
    expect(errorsOf('networking.istio.io/v1', 'VirtualService', vs)).toEqual([
      '/spec/http/0/route/0/destination: unknown field "subsett"',
    ]);
  });

  it('reject a wrong apiVersion, a missing name and server-side status', () => {
    expect(
      errorsOf('security.istio.io/v1', 'PeerAuthentication', {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'PeerAuthentication',
        metadata: {},
        spec: { mtls: { mode: 'STRICT' } },
        status: {},
      }),
    ).toEqual([
      '/: unknown field "status"',
      '/apiVersion: must be one of "security.istio.io/v1"',
      "/metadata: must have required property 'name'",
    ]);
  });

  it('reject a Gateway API HTTPRoute typo', () => {
    expect(
      errorsOf('gateway.networking.k8s.io/v1', 'HTTPRoute', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'x' },
        spec: { parentRefs: [{ name: 'g' }], rules: [{ backendRefs: [{ name: 's', port: 80, wieght: 1 }] }] },
      }),
    ).toEqual(['/spec/rules/0/backendRefs/0: unknown field "wieght"']);
  });

  it('close every object schema (additionalProperties: false)', () => {
    const schema = JSON.stringify(strictSchema('networking.istio.io/v1', 'VirtualService'));
    expect(schema).toContain('"additionalProperties":false');
  });
});
