import { describe, expect, it } from 'vitest';
import { prometheusLinkFrom } from '../lib/prometheus-link';

describe('the Prometheus link of /traffic', () => {
  it('links an http(s) URL and nothing else', () => {
    expect(prometheusLinkFrom('http://localhost:9090/graph?g0.expr=up')).toBe(
      'http://localhost:9090/graph?g0.expr=up',
    );
    expect(prometheusLinkFrom(undefined)).toBeNull();
    expect(prometheusLinkFrom('')).toBeNull();
    expect(prometheusLinkFrom('javascript:alert(1)')).toBeNull();
    expect(prometheusLinkFrom('not a url')).toBeNull();
  });
});
