/**
 * k8s/tracing: the optional mesh-wide Telemetry of Istio's Jaeger task (issue 20: without it, the Jaeger addon shows
 * no traces, since Istio 1.22 turns no tracer on by default). Rendered for real with `kubectl kustomize`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKubectl, k8sDir, parseManifests } from '../src/overlays.js';

describe('k8s/tracing', () => {
  it('renders one Telemetry mesh-default in istio-system that turns on the jaeger provider', () => {
    const kubectl = findKubectl();
    if (!kubectl) throw new Error('kubectl is not on the PATH (nor $KUBECTL): the manifest tests need it');
    const yaml = execFileSync(kubectl, ['kustomize', join(k8sDir, 'tracing')], { encoding: 'utf8' });
    const objects = parseManifests(yaml, 'k8s/tracing');
    expect(objects).toEqual([
      {
        apiVersion: 'telemetry.istio.io/v1',
        kind: 'Telemetry',
        metadata: { name: 'mesh-default', namespace: 'istio-system' },
        spec: { tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 100 }] },
      },
    ]);
  });
});
