/**
 * Command-line parsing for the traffic CLI: node:util parseArgs reads the tokens (args-lex.ts), against the option
 * tables of args-spec.ts; this file turns them into an Invocation. Every bad input gets a message naming the
 * command, the flag and the value that is wrong, and the right `--help` to read.
 */
import { findCommandIndex, type RawArgs, tokenize } from './args-lex.js';
import { type CommandName, commandNames, UsageError } from './args-spec.js';

export { type CommandName, commandNames, helpText, UsageError } from './args-spec.js';

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

function isCommand(token: string): token is CommandName {
  return (commandNames as readonly string[]).includes(token);
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

type TestInvocation = Extract<Invocation, { command: 'test' }>;

function extraPositionals(raw: RawArgs, allowed: number, command: CommandName): void {
  if (raw.positionals.length > allowed) {
    throw new UsageError(`unexpected argument "${raw.positionals[allowed]}" for \`${command}\``, command);
  }
}

function visitorsOption(raw: RawArgs, n: string | undefined): TestInvocation['visitors'] {
  const visitorsText = raw.values.get('visitors')?.[0];
  if (visitorsText !== undefined && n !== undefined) {
    throw new UsageError(`give either N requests or --visitors V, not both (got "${n}")`, 'test');
  }
  if (visitorsText === undefined) {
    if (raw.values.has('per-visitor')) throw new UsageError('--per-visitor needs --visitors', 'test');
    return undefined;
  }
  return {
    count: parseInteger(visitorsText, '--visitors', 1, 100_000, 'test'),
    perVisitor: integerOption(raw, 'per-visitor', 1, 1000, 5, 'test'),
  };
}

function alphaOption(raw: RawArgs): number {
  const alphaText = raw.values.get('alpha')?.[0];
  if (alphaText === undefined) return 0.001;
  const alpha = Number(alphaText);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(alphaText) || !(alpha > 0 && alpha <= 0.5)) {
    throw new UsageError(
      `--alpha must be a number above 0 and at most 0.5 (e.g. 0.001), got "${alphaText}"`,
      'test',
    );
  }
  return alpha;
}

function testInvocation(raw: RawArgs, url: string | undefined): TestInvocation {
  const command = 'test';
  extraPositionals(raw, 1, command);
  const n = raw.positionals[0];
  const visitors = visitorsOption(raw, n);
  const requests =
    n === undefined ? 100 : parseInteger(n, 'N (the number of requests)', 1, 1_000_000, command);
  return {
    command,
    url,
    requests: visitors ? visitors.count * visitors.perVisitor : requests,
    ...(visitors ? { visitors } : {}),
    concurrency: integerOption(raw, 'concurrency', 1, 1000, 10, command),
    alpha: alphaOption(raw),
    json: raw.flags.has('json'),
    progress: !raw.flags.has('no-progress'),
    ...requestShape(raw, command),
  };
}

function monitorInvocation(raw: RawArgs, url: string | undefined): Invocation {
  const command = 'monitor';
  extraPositionals(raw, 0, command);
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

function configInvocation(raw: RawArgs, url: string | undefined): Invocation {
  extraPositionals(raw, 0, 'config');
  const { path, headers } = requestShape(raw, 'config');
  return { command: 'config', url, json: raw.flags.has('json'), path, headers };
}

/** `help [COMMAND]`, or the command named by the first positional (undefined when there is none). */
function readCommand(argv: readonly string[], commandIndex: number): Invocation | CommandName | undefined {
  const commandToken = commandIndex === -1 ? undefined : (argv[commandIndex] as string);
  if (commandToken === 'help') {
    const topic = argv[commandIndex + 1];
    if (topic !== undefined && !isCommand(topic))
      throw new UsageError(`no help for "${topic}": not a command`);
    return { command: 'help', topic };
  }
  if (commandToken !== undefined && !isCommand(commandToken)) {
    throw new UsageError(`unknown command "${commandToken}" (commands: ${commandNames.join(', ')})`);
  }
  return commandToken;
}

export function parseInvocation(argv: readonly string[], context: ParseContext): Invocation {
  const commandIndex = findCommandIndex(argv);
  const command = readCommand(argv, commandIndex);
  if (typeof command === 'object') return command;
  const raw = tokenize(argv, command, commandIndex);
  if (raw.flags.has('help')) return { command: 'help', topic: command };
  if (!command) throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
  const url = raw.values.get('url')?.[0];
  switch (command) {
    case 'test':
      return testInvocation(raw, url);
    case 'monitor':
      return monitorInvocation(raw, url);
    case 'config':
      return configInvocation(raw, url);
    case 'set':
      return { command, url, change: parseWeightChange(raw.positionals, context.overlays) };
  }
}
