/** A backend VirtualService in namespace movies, bound to istio-gateway, with the given HTTP rules. */
import { parseVirtualService, type VirtualService } from '../src/virtual-service.js';

export function virtualService(http: unknown[], name = 'movie-backend'): VirtualService {
  return parseVirtualService({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'movies' },
    spec: { hosts: ['*'], gateways: ['istio-gateway'], http },
  });
}
