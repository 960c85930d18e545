/**
 * What the traffic CLI accepts: its commands, their options and the help text built from them. The parser
 * (args.ts, over node:util parseArgs) reads the same tables, so help and parsing cannot drift apart.
 */

export const commandNames = ['test', 'monitor', 'config', 'set'] as const;
export type CommandName = (typeof commandNames)[number];

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

export type OptionKind = 'boolean' | 'value' | 'list';

export interface OptionSpec {
  name: string;
  kind: OptionKind;
  valueName?: string;
  description: string;
}

export const globalOptions: OptionSpec[] = [
  {
    name: 'url',
    kind: 'value',
    valueName: 'URL',
    description: 'gateway to use (default: $GATEWAY_URL, else the istio-ingressgateway, else :8080)',
  },
  { name: 'help', kind: 'boolean', description: 'show help' },
];

const requestOptions: OptionSpec[] = [
  { name: 'path', kind: 'value', valueName: 'PATH', description: 'request path (default /api/)' },
  {
    name: 'header',
    kind: 'list',
    valueName: 'NAME:VALUE',
    description: 'send this header on every request; repeatable (e.g. x-user-type:premium)',
  },
  { name: 'timeout', kind: 'value', valueName: 'MS', description: 'per-request timeout (default 10000)' },
];

export const commandOptions: Record<CommandName, OptionSpec[]> = {
  test: [
    { name: 'concurrency', kind: 'value', valueName: 'C', description: 'requests in flight (default 10)' },
    {
      name: 'visitors',
      kind: 'value',
      valueName: 'V',
      description: 'simulate V visitors with their own cookie jars instead of N plain requests',
    },
    {
      name: 'per-visitor',
      kind: 'value',
      valueName: 'K',
      description: 'requests each visitor makes, one after another (default 5)',
    },
    ...requestOptions,
    {
      name: 'alpha',
      kind: 'value',
      valueName: 'A',
      description: 'significance level of the chi-square test (default 0.001)',
    },
    { name: 'json', kind: 'boolean', description: 'print one JSON object instead of the report' },
    { name: 'no-progress', kind: 'boolean', description: 'hide the progress bar' },
  ],
  monitor: [
    { name: 'rate', kind: 'value', valueName: 'R', description: 'requests per second (default 20)' },
    { name: 'window', kind: 'value', valueName: 'S', description: 'rolling window in seconds (default 10)' },
    { name: 'interval', kind: 'value', valueName: 'MS', description: 'screen refresh period (default 1000)' },
    {
      name: 'duration',
      kind: 'value',
      valueName: 'S',
      description: 'stop after S seconds (default: Ctrl-C)',
    },
    ...requestOptions,
  ],
  config: [
    {
      name: 'path',
      kind: 'value',
      valueName: 'PATH',
      description: 'show the split for this path (default /api/)',
    },
    {
      name: 'header',
      kind: 'list',
      valueName: 'NAME:VALUE',
      description: 'show the split for a request with this header; repeatable',
    },
    { name: 'json', kind: 'boolean', description: 'print one JSON object' },
  ],
  set: [],
};

const commandSummaries: Record<CommandName, { usage: string; summary: string; details: string[] }> = {
  test: {
    usage: 'test [N]',
    summary: 'send N requests (default 100) and check the split against the configured weights',
    details: [
      'Counts answers per version (from the x-backend-version header, else the JSON body), unknown answers and',
      'errors; compares the split with the configured weights by a chi-square goodness-of-fit test and shows a',
      '95 % Wilson interval per version, the success rate and latency p50/p90/p99.',
      'With --visitors V: V visitors, each with its own cookie jar, make K requests one after another (C at a',
      'time); the report compares visitors per version with the weights and counts visitors who switched version',
      'mid-visit, which sticky sessions make 0 (exit 1 otherwise). Without --visitors no cookie is kept: every',
      'request is a new visitor and sees the per-request split.',
      'Exit status: 0 split matches and no errors, 1 split does not match, 2 errors or unknown answers, 64 usage.',
    ],
  },
  monitor: {
    usage: 'monitor',
    summary: 'live view of the split over a rolling window, under a steady modest load',
    details: [
      'Refreshes in place on a terminal (plain lines otherwise); re-reads the configured weights every few',
      'seconds, so a `traffic set` in another terminal shows up. Stop with Ctrl-C or --duration.',
    ],
  },
  config: {
    usage: 'config',
    summary: 'show the configured weights and routing rules',
    details: [
      'Locally from the gateway (GET /__mesh); in a cluster from `kubectl get virtualservice -n $NAMESPACE`.',
    ],
  },
  set: {
    usage: 'set <overlay> | set <weight> <weight> …',
    summary: 'switch the local gateway to an overlay (e.g. 50-50) or to weights (e.g. 95 5 → v1 95, v2 5)',
    details: [
      'Weights are whole numbers from 0 to 100 that sum to 100, given in subset order (v1, v2, …) or as',
      'v1=95 v2=5; a subset left out gets 0 (`set 100` = `set v1=100` = `set 100 0`). Names are checked against',
      "the DestinationRule's subsets, so a subset at 0 can always come back. Sticky pin rules follow the weights.",
      'Local gateway only: in a cluster use scripts/shift-traffic.sh or `kubectl apply -k k8s/overlays/<name>`.',
    ],
  },
};

function optionLines(options: OptionSpec[]): string[] {
  const left = (o: OptionSpec) => `--${o.name}${o.valueName ? ` ${o.valueName}` : ''}`;
  const width = Math.max(...options.map((o) => left(o).length));
  return options.map((o) => `  ${left(o).padEnd(width)}  ${o.description}`);
}

export function helpText(command?: CommandName): string {
  if (command) {
    const { usage, summary, details } = commandSummaries[command];
    const options = [...commandOptions[command], ...globalOptions];
    return [
      `Usage: pnpm traffic ${usage} [options]`,
      '',
      `${summary[0]?.toUpperCase()}${summary.slice(1)}.`,
      ...details,
      '',
      'Options:',
      ...optionLines(options),
      '',
      'Environment: GATEWAY_URL, KUBECTL (kubectl binary), NAMESPACE (of the VirtualServices, default movies), GATEWAY_TOKEN (sent by set: the admin token of a gateway bound beyond loopback).',
    ].join('\n');
  }
  const width = Math.max(...commandNames.map((c) => commandSummaries[c].usage.length));
  return [
    'Usage: pnpm traffic <command> [options]     (or scripts/test-traffic.sh <command> [options])',
    '',
    'Measure and shift the v1/v2 traffic split of the movie backend, on the local gateway or a real Istio mesh.',
    '',
    'Commands:',
    ...commandNames.map(
      (c) => `  ${commandSummaries[c].usage.padEnd(width)}  ${commandSummaries[c].summary}`,
    ),
    '',
    'Options:',
    ...optionLines(globalOptions),
    '',
    'Target: --url, else $GATEWAY_URL, else the istio-ingressgateway found with kubectl, else http://localhost:8080.',
    'Run `pnpm traffic <command> --help` for the options of a command.',
  ].join('\n');
}
