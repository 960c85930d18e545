/** `traffic config`: the configured split and routing rules, as a table or JSON. */
import type { RuleSummary } from '@movies/mesh';
import type { Invocation } from '../args.js';
import { type ConfiguredView, requestInfo } from '../mesh-view.js';
import { colourFor, palette, table, weightBars, weightPct } from '../render.js';
import { describeOrigin } from '../target.js';

function extras(rule: RuleSummary): string {
  const parts: string[] = [];
  if (rule.fault?.delay) parts.push(`delay ${rule.fault.delay.fixedDelay} on ${rule.fault.delay.percent} %`);
  if (rule.fault?.abort) parts.push(`abort ${rule.fault.abort.httpStatus} on ${rule.fault.abort.percent} %`);
  if (rule.mirror)
    parts.push(`mirror → ${rule.mirror.subset ?? rule.mirror.host} (${rule.mirror.percent} %)`);
  if (rule.timeout) parts.push(`timeout ${rule.timeout}`);
  if (rule.retries)
    parts.push(
      `retries ${rule.retries.attempts}${rule.retries.perTryTimeout ? ` × ${rule.retries.perTryTimeout}` : ''}`,
    );
  return parts.join('; ');
}

/** The rules as a table; they were checked against the contract when /__mesh (or kubectl's answer) was read. */
export function formatRules(rules: readonly RuleSummary[]): string[] {
  const rows = rules.map((rule, i) => [
    String(i + 1),
    rule.virtualService,
    rule.name ?? `#${rule.index}`,
    rule.match.join('  OR  '),
    rule.rewrite ?? '',
    rule.destinations
      .map((d) => `${d.subset ?? d.host}${rule.destinations.length > 1 ? ` ${weightPct(d.weight)}` : ''}`)
      .join(', '),
    extras(rule),
  ]);
  return table(['#', 'VirtualService', 'rule', 'match', 'rewrite', 'route', 'also'], rows);
}

export function runConfig(
  invocation: Extract<Invocation, { command: 'config' }>,
  view: ConfiguredView,
): number {
  const request = requestInfo(invocation.path, invocation.headers);
  const weights = view.weightsFor(request);
  if (invocation.json) {
    const out = {
      target: view.target.url,
      targetFoundBy: describeOrigin(view.target.origin),
      mode: view.mode,
      source: view.source,
      request: { path: invocation.path, headers: invocation.headers },
      weights: weights ?? null,
      defaultWeights: view.weights,
      rules: view.rules,
      ...(view.counts ? { counts: view.counts } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const c = palette(colourFor(process.stdout));
  const headerText = Object.entries(invocation.headers)
    .map(([k, v]) => ` -H ${k}:${v}`)
    .join('');
  const lines = [
    c.bold(`Routing at ${view.target.url}`) +
      ` (${view.mode === 'local' ? 'local gateway' : 'cluster'}, found by ${describeOrigin(view.target.origin)}): ${view.source}`,
    '',
    `Split for GET ${invocation.path}${headerText}:`,
  ];
  if (!weights) lines.push('  (cannot be determined for this request)');
  else if (Object.keys(weights).length === 0) lines.push('  (no rule matches this request)');
  else {
    lines.push(...weightBars(weights, c));
  }
  if (view.counts && Object.keys(view.counts).length > 0) {
    lines.push(
      `Requests routed since this routing took over: ${Object.entries(view.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
  lines.push('', 'Rules (first matching rule wins; match blocks OR, conditions inside a block AND):');
  lines.push(...formatRules(view.rules));
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
