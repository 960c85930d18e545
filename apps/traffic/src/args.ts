/**
 * Command-line parsing for the traffic CLI. Hand-written rather than node:util's parseArgs so that every bad input
 * gets a message naming the command, the flag and the value that is wrong, and the right `--help` to read.
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

type OptionKind = 'boolean' | 'value' | 'list';

interface OptionSpec {
  name: string;
  kind: OptionKind;
  valueName?: string;
  description: string;
}

const globalOptions: OptionSpec[] = [
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

const commandOptions: Record<CommandName, OptionSpec[]> = {
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
      'Environment: GATEWAY_URL, KUBECTL (kubectl binary), NAMESPACE (of the VirtualServices, default movies).',
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

export interface RequestShape {
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export type WeightChange = { overlay: string } | { weights: Record<string, number> };

export type Invocation =
  | { command: 'help'; topic?: CommandName }
  | ({
      command: 'test';
      url?: string;
      requests: number;
      /** Set for a visitors run: how many visitors, and the requests each makes. */
      visitors?: { count: number; perVisitor: number };
      concurrency: number;
      alpha: number;
      json: boolean;
      progress: boolean;
    } & RequestShape)
  | ({
      command: 'monitor';
      url?: string;
      rate: number;
      windowS: number;
      intervalMs: number;
      durationS?: number;
    } & RequestShape)
  | { command: 'config'; url?: string; json: boolean; path: string; headers: Record<string, string> }
  | { command: 'set'; url?: string; change: WeightChange };

interface RawArgs {
  values: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

function isCommand(token: string): token is CommandName {
  return (commandNames as readonly string[]).includes(token);
}

/** Negative numbers are values (so `set 105 -5` reaches weight validation), not flags. */
function looksLikeOption(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !/^-\d/.test(token);
}

function tokenize(argv: readonly string[], command: CommandName | undefined, commandIndex: number): RawArgs {
  const specs = [...(command ? commandOptions[command] : []), ...globalOptions];
  const raw: RawArgs = { values: new Map(), flags: new Set(), positionals: [] };
  const where = command ? `for \`${command}\`` : 'before the command';
  for (let i = 0; i < argv.length; i++) {
    if (i === commandIndex) continue;
    const token = argv[i] as string;
    if (token === '--') {
      raw.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeOption(token)) {
      raw.positionals.push(token);
      continue;
    }
    if (token === '-h') {
      raw.flags.add('help');
      continue;
    }
    if (!token.startsWith('--')) throw new UsageError(`unknown option ${token} ${where}`, command);
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      const elsewhere = commandNames.filter((c) => commandOptions[c].some((s) => s.name === name));
      const hint =
        elsewhere.length > 0 && !command
          ? ` (it belongs after the command: ${elsewhere.join(', ')})`
          : elsewhere.length > 0
            ? ` (it is an option of ${elsewhere.join(', ')})`
            : '';
      throw new UsageError(`unknown option --${name} ${where}${hint}`, command);
    }
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`, command);
      raw.flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = token.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || i + 1 === commandIndex || looksLikeOption(next)) {
        throw new UsageError(`option --${name} needs a value (${spec.valueName})`, command);
      }
      value = next;
      i++;
    }
    if (spec.kind === 'value' && raw.values.has(name)) {
      throw new UsageError(`option --${name} given more than once`, command);
    }
    raw.values.set(name, [...(raw.values.get(name) ?? []), value]);
  }
  return raw;
}

function integerOption(
  raw: RawArgs,
  name: string,
  min: number,
  max: number,
  fallback: number,
  command: CommandName,
): number {
  const value = raw.values.get(name)?.[0];
  if (value === undefined) return fallback;
  return parseInteger(value, `--${name}`, min, max, command);
}

function parseInteger(value: string, what: string, min: number, max: number, command: CommandName): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${value}"`, command);
  }
  return n;
}

const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function requestShape(raw: RawArgs, command: CommandName): RequestShape {
  const path = raw.values.get('path')?.[0] ?? '/api/';
  if (!path.startsWith('/') || /[\s#]/.test(path)) {
    throw new UsageError(
      `--path must start with / and hold no spaces or #, e.g. /api/ — got "${path}"`,
      command,
    );
  }
  const headers: Record<string, string> = {};
  for (const header of raw.values.get('header') ?? []) {
    const colon = header.indexOf(':');
    const name = colon === -1 ? '' : header.slice(0, colon).trim().toLowerCase();
    const value = colon === -1 ? '' : header.slice(colon + 1).trim();
    if (!name || !headerNamePattern.test(name) || value === '' || /[\r\n]/.test(value)) {
      throw new UsageError(
        `--header expects NAME:VALUE such as x-user-type:premium, got "${header}"`,
        command,
      );
    }
    headers[name] = value;
  }
  const timeoutMs =
    command === 'config' ? 10_000 : integerOption(raw, 'timeout', 1, 600_000, 10_000, command);
  return { path, headers, timeoutMs };
}

function parseWeightChange(positionals: string[], overlays: readonly string[]): WeightChange {
  const example = 'e.g. `set 50-50` or `set 95 5`';
  if (positionals.length === 0)
    throw new UsageError(`set needs an overlay name or weights, ${example}`, 'set');
  const named = positionals.every((p) => p.includes('='));
  if (named) {
    const weights: Record<string, number> = {};
    for (const p of positionals) {
      const [subset = '', value = ''] = p.split('=', 2);
      if (!/^[a-z0-9][a-z0-9-]*$/.test(subset)) throw new UsageError(`bad subset name in "${p}"`, 'set');
      if (subset in weights) throw new UsageError(`subset ${subset} given twice`, 'set');
      weights[subset] = parseWeight(value, subset);
    }
    return { weights };
  }
  const numeric = positionals.every((p) => /^[+-]?\d+(\.\d+)?$/.test(p));
  if (numeric) {
    // Weights in subset order; subsets left out get 0, so `set 100` is `set v1=100` is `set 100 0`.
    const weights: Record<string, number> = {};
    positionals.forEach((p, i) => {
      weights[`v${i + 1}`] = parseWeight(p, `v${i + 1}`);
    });
    return { weights };
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `set takes one overlay name or numeric weights, got "${positionals.join(' ')}"`,
      'set',
    );
  }
  const overlay = positionals[0] as string;
  if (!overlays.includes(overlay)) {
    throw new UsageError(
      `unknown overlay "${overlay}" (available: ${overlays.join(', ') || 'none'}); for custom weights use \`set 95 5\``,
      'set',
    );
  }
  return { overlay };
}

function parseWeight(value: string, subset: string): number {
  if (!/^[+-]?\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(`weight for ${subset} must be a whole number from 0 to 100, got "${value}"`, 'set');
  }
  // Range and sum are checked by @movies/mesh validateWeights, the one definition of a valid split.
  return Number(value);
}

export interface ParseContext {
  /** Overlay names `set` accepts (k8s/overlays directories). */
  overlays: readonly string[];
}

export function parseInvocation(argv: readonly string[], context: ParseContext): Invocation {
  // The command is the first token that is neither an option nor the value of --url.
  let commandIndex = -1;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token === '--url') {
      i++;
      continue;
    }
    if (!looksLikeOption(token)) {
      commandIndex = i;
      break;
    }
  }
  const commandToken = commandIndex === -1 ? undefined : (argv[commandIndex] as string);
  if (commandToken !== undefined && commandToken !== 'help' && !isCommand(commandToken)) {
    throw new UsageError(`unknown command "${commandToken}" (commands: ${commandNames.join(', ')})`);
  }
  if (commandToken === 'help') {
    const topic = argv[commandIndex + 1];
    if (topic !== undefined && !isCommand(topic))
      throw new UsageError(`no help for "${topic}": not a command`);
    return { command: 'help', topic };
  }
  const command = commandToken as CommandName | undefined;
  const raw = tokenize(argv, command, commandIndex);
  if (raw.flags.has('help')) return { command: 'help', topic: command };
  if (!command) throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
  const url = raw.values.get('url')?.[0];

  const extraPositionals = (allowed: number) => {
    if (raw.positionals.length > allowed) {
      throw new UsageError(`unexpected argument "${raw.positionals[allowed]}" for \`${command}\``, command);
    }
  };

  switch (command) {
    case 'test': {
      extraPositionals(1);
      const n = raw.positionals[0];
      const visitorsText = raw.values.get('visitors')?.[0];
      if (visitorsText !== undefined && n !== undefined) {
        throw new UsageError(`give either N requests or --visitors V, not both (got "${n}")`, command);
      }
      if (visitorsText === undefined && raw.values.has('per-visitor')) {
        throw new UsageError('--per-visitor needs --visitors', command);
      }
      const visitors =
        visitorsText === undefined
          ? undefined
          : {
              count: parseInteger(visitorsText, '--visitors', 1, 100_000, command),
              perVisitor: integerOption(raw, 'per-visitor', 1, 1000, 5, command),
            };
      const requests =
        n === undefined ? 100 : parseInteger(n, 'N (the number of requests)', 1, 1_000_000, command);
      const alphaText = raw.values.get('alpha')?.[0];
      const alpha = alphaText === undefined ? 0.001 : Number(alphaText);
      if (
        alphaText !== undefined &&
        (!/^\d*\.?\d+(e-?\d+)?$/i.test(alphaText) || !(alpha > 0 && alpha <= 0.5))
      ) {
        throw new UsageError(
          `--alpha must be a number above 0 and at most 0.5 (e.g. 0.001), got "${alphaText}"`,
          command,
        );
      }
      return {
        command,
        url,
        requests: visitors ? visitors.count * visitors.perVisitor : requests,
        ...(visitors ? { visitors } : {}),
        concurrency: integerOption(raw, 'concurrency', 1, 1000, 10, command),
        alpha,
        json: raw.flags.has('json'),
        progress: !raw.flags.has('no-progress'),
        ...requestShape(raw, command),
      };
    }
    case 'monitor': {
      extraPositionals(0);
      const duration = raw.values.get('duration')?.[0];
      return {
        command,
        url,
        rate: integerOption(raw, 'rate', 1, 1000, 20, command),
        windowS: integerOption(raw, 'window', 1, 3600, 10, command),
        intervalMs: integerOption(raw, 'interval', 100, 60_000, 1000, command),
        ...(duration === undefined
          ? {}
          : { durationS: parseInteger(duration, '--duration', 1, 86_400, command) }),
        ...requestShape(raw, command),
      };
    }
    case 'config': {
      extraPositionals(0);
      const { path, headers } = requestShape(raw, command);
      return { command, url, json: raw.flags.has('json'), path, headers };
    }
    case 'set':
      return { command, url, change: parseWeightChange(raw.positionals, context.overlays) };
  }
}
