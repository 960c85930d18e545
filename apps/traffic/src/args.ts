/**
 * The traffic CLI's command line, on commander: its commands, options, help and every usage error. Commander parses
 * (subcommands, options before or after the command, `--flag=value`, negative numbers as values such as
 * `set 105 -5`); the parsers here check ranges and refuse a repeated option, and each error names the command, the
 * option and the value that is wrong, so the CLI can point at the right `--help` and exit 64.
 */
import { UsageError } from '@movies/contracts/errors';
import { isWeightText, parseWeight as parseMeshWeight, WeightsError } from '@movies/mesh';
import { Command, type CommanderError } from 'commander';

export const commandNames = ['test', 'monitor', 'config', 'set'] as const;
export type CommandName = (typeof commandNames)[number];

export { UsageError };

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

export interface ParseContext {
  /** Overlay names `set` accepts (k8s/overlays directories). */
  overlays: readonly string[];
}

type Parser<T> = (value: string, previous: T | undefined) => T;

/** A single-valued option: refused when given twice, then checked by `check`. */
function once<T>(name: string, command: CommandName | undefined, check: (value: string) => T): Parser<T> {
  return (value, previous) => {
    if (previous !== undefined) throw new UsageError(`option --${name} given more than once`, command);
    if (value.startsWith('--'))
      throw new UsageError(`option --${name} needs a value, got the option ${value}`, command);
    return check(value);
  };
}

function wholeNumber(what: string, min: number, max: number, command: CommandName) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${value}"`, command);
    }
    return n;
  };
}

const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function header(command: CommandName): Parser<Record<string, string>> {
  return (text, previous = {}) => {
    const colon = text.indexOf(':');
    const name = colon === -1 ? '' : text.slice(0, colon).trim().toLowerCase();
    const value = colon === -1 ? '' : text.slice(colon + 1).trim();
    if (!name || !headerNamePattern.test(name) || value === '' || /[\r\n]/.test(value)) {
      throw new UsageError(`--header expects NAME:VALUE such as x-user-type:premium, got "${text}"`, command);
    }
    return { ...previous, [name]: value };
  };
}

function requestPath(command: CommandName) {
  return (path: string): string => {
    if (!path.startsWith('/') || /[\s#]/.test(path)) {
      throw new UsageError(
        `--path must start with / and hold no spaces or #, e.g. /api/ — got "${path}"`,
        command,
      );
    }
    return path;
  };
}

function alpha(text: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(text) || !(value > 0 && value <= 0.5)) {
    throw new UsageError(
      `--alpha must be a number above 0 and at most 0.5 (e.g. 0.001), got "${text}"`,
      'test',
    );
  }
  return value;
}

/** @movies/mesh parseWeight, the rule every tool shares, with the refusal as the `set` command's usage error. */
function parseWeight(value: string, subset: string): number {
  try {
    return parseMeshWeight(value, subset);
  } catch (error) {
    if (error instanceof WeightsError) throw new UsageError(error.message, 'set');
    throw error;
  }
}

function namedWeights(positionals: readonly string[]): WeightChange {
  const weights: Record<string, number> = {};
  for (const p of positionals) {
    const [subset = '', value = ''] = p.split('=', 2);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(subset)) throw new UsageError(`bad subset name in "${p}"`, 'set');
    if (subset in weights) throw new UsageError(`subset ${subset} given twice`, 'set');
    weights[subset] = parseWeight(value, subset);
  }
  return { weights };
}

function parseWeightChange(positionals: readonly string[], overlays: readonly string[]): WeightChange {
  if (positionals.length === 0)
    throw new UsageError('set needs an overlay name or weights, e.g. `set 50-50` or `set 95 5`', 'set');
  if (positionals.every((p) => p.includes('='))) return namedWeights(positionals);
  if (positionals.every(isWeightText)) {
    // Weights in subset order; subsets left out get 0, so `set 100` is `set v1=100` is `set 100 0`.
    return {
      weights: Object.fromEntries(positionals.map((p, i) => [`v${i + 1}`, parseWeight(p, `v${i + 1}`)])),
    };
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

const requestDetails = {
  path: 'request path (default /api/)',
  header: 'send this header on every request; repeatable (e.g. x-user-type:premium)',
};

function addRequestOptions(command: Command, name: CommandName): Command {
  return command
    .option('--path <PATH>', requestDetails.path, once('path', name, requestPath(name)))
    .option('--header <NAME:VALUE>', requestDetails.header, header(name))
    .option(
      '--timeout <MS>',
      'per-request timeout (default 10000)',
      once('timeout', name, wholeNumber('--timeout', 1, 600_000, name)),
    );
}

type Options = Record<string, unknown>;
type Capture = (invocation: Invocation) => void;

function requestShape(options: Options): RequestShape {
  return {
    path: (options.path as string | undefined) ?? '/api/',
    headers: (options.header as Record<string, string> | undefined) ?? {},
    timeoutMs: (options.timeout as number | undefined) ?? 10_000,
  };
}

function testCommand(capture: Capture, url: () => string | undefined): Command {
  const name = 'test';
  const positive = (option: string, max: number) =>
    once(option, name, wholeNumber(`--${option}`, 1, max, name));
  const command = new Command(name)
    .summary('send N requests (default 100) and check the split against the configured weights')
    .argument('[N]', 'requests to send (default 100)')
    .option('--concurrency <C>', 'requests in flight (default 10)', positive('concurrency', 1000))
    .option(
      '--visitors <V>',
      'simulate V visitors with their own cookie jars instead of N plain requests',
      positive('visitors', 100_000),
    )
    .option(
      '--per-visitor <K>',
      'requests each visitor makes, one after another (default 5)',
      positive('per-visitor', 1000),
    )
    .option(
      '--alpha <A>',
      'significance level of the chi-square test (default 0.001)',
      once('alpha', name, alpha),
    )
    .option('--json', 'print one JSON object instead of the report')
    .option('--no-progress', 'hide the progress bar');
  return addRequestOptions(command, name).action((n: string | undefined, options: Options) => {
    const visitors = visitorsOf(n, options);
    const requests = n === undefined ? 100 : wholeNumber('N (the number of requests)', 1, 1_000_000, name)(n);
    capture({
      command: name,
      url: url(),
      requests: visitors ? visitors.count * visitors.perVisitor : requests,
      ...(visitors ? { visitors } : {}),
      concurrency: (options.concurrency as number | undefined) ?? 10,
      alpha: (options.alpha as number | undefined) ?? 0.001,
      json: options.json === true,
      progress: options.progress !== false,
      ...requestShape(options),
    });
  });
}

function visitorsOf(
  n: string | undefined,
  options: Options,
): { count: number; perVisitor: number } | undefined {
  const count = options.visitors as number | undefined;
  if (count !== undefined && n !== undefined) {
    throw new UsageError(`give either N requests or --visitors V, not both (got "${n}")`, 'test');
  }
  if (count === undefined) {
    if (options.perVisitor !== undefined) throw new UsageError('--per-visitor needs --visitors', 'test');
    return undefined;
  }
  return { count, perVisitor: (options.perVisitor as number | undefined) ?? 5 };
}

function monitorCommand(capture: Capture, url: () => string | undefined): Command {
  const name = 'monitor';
  const range = (option: string, min: number, max: number) =>
    once(option, name, wholeNumber(`--${option}`, min, max, name));
  const command = new Command(name)
    .summary('live view of the split over a rolling window, under a steady modest load')
    .option('--rate <R>', 'requests per second (default 20)', range('rate', 1, 1000))
    .option('--window <S>', 'rolling window in seconds (default 10)', range('window', 1, 3600))
    .option('--interval <MS>', 'screen refresh period (default 1000)', range('interval', 100, 60_000))
    .option('--duration <S>', 'stop after S seconds (default: Ctrl-C)', range('duration', 1, 86_400));
  return addRequestOptions(command, name).action((options: Options) => {
    const durationS = options.duration as number | undefined;
    capture({
      command: name,
      url: url(),
      rate: (options.rate as number | undefined) ?? 20,
      windowS: (options.window as number | undefined) ?? 10,
      intervalMs: (options.interval as number | undefined) ?? 1000,
      ...(durationS === undefined ? {} : { durationS }),
      ...requestShape(options),
    });
  });
}

function configCommand(capture: Capture, url: () => string | undefined): Command {
  const name = 'config';
  return new Command(name)
    .summary('show the configured weights and routing rules')
    .option(
      '--path <PATH>',
      'show the split for this path (default /api/)',
      once('path', name, requestPath(name)),
    )
    .option(
      '--header <NAME:VALUE>',
      'show the split for a request with this header; repeatable',
      header(name),
    )
    .option('--json', 'print one JSON object')
    .action((options: Options) => {
      const { path, headers } = requestShape(options);
      capture({ command: name, url: url(), json: options.json === true, path, headers });
    });
}

function setCommand(capture: Capture, url: () => string | undefined, context: ParseContext): Command {
  return new Command('set')
    .summary('switch the local gateway to an overlay (e.g. 50-50) or to weights (e.g. 95 5 → v1 95, v2 5)')
    .usage('<overlay> | <weight> <weight> … [options]')
    .argument('[overlay-or-weights...]')
    .action((positionals: string[]) => {
      capture({ command: 'set', url: url(), change: parseWeightChange(positionals, context.overlays) });
    });
}

const details: Record<CommandName, string> = {
  test: `Counts answers per version (from the x-backend-version header, else the JSON body), unknown answers and
errors; compares the split with the configured weights by a chi-square goodness-of-fit test and shows a
95 % Wilson interval per version, the success rate and latency p50/p90/p99.
With --visitors V: V visitors, each with its own cookie jar, make K requests one after another (C at a
time); the report compares visitors per version with the weights and counts visitors who switched version
mid-visit, which sticky sessions make 0 (exit 1 otherwise). Without --visitors no cookie is kept: every
request is a new visitor and sees the per-request split.
Exit status: 0 split matches and no errors, 1 split does not match, 2 errors or unknown answers, 64 usage.`,
  monitor: `Refreshes in place on a terminal (plain lines otherwise); re-reads the configured weights every few
seconds, so a \`traffic set\` in another terminal shows up. Stop with Ctrl-C or --duration.`,
  config:
    'Locally from the gateway (GET /__mesh); in a cluster from `kubectl get virtualservice -n $NAMESPACE`.',
  set: `Weights are whole numbers from 0 to 100 that sum to 100, given in subset order (v1, v2, …) or as
v1=95 v2=5; a subset left out gets 0 (\`set 100\` = \`set v1=100\` = \`set 100 0\`). Names are checked against
the DestinationRule's subsets, so a subset at 0 can always come back. Sticky pin rules follow the weights.
Local gateway only: in a cluster use scripts/shift-traffic.sh or \`kubectl apply -k k8s/overlays/<name>\`.`,
};

const environment =
  'Environment: GATEWAY_URL, KUBECTL (kubectl binary), NAMESPACE (of the VirtualServices, default movies), ' +
  'GATEWAY_TOKEN (sent by set: the admin token of a gateway bound beyond loopback).';

/** The commands that do have an unknown `--option`: a hint for the user. */
function unknownOptionHint(flag: string, command: Command, name: CommandName | undefined): string {
  const root = command.parent ?? command;
  const owners = root.commands
    .filter((c) => c.options.some((option) => option.long === flag))
    .map((c) => c.name());
  if (!flag.startsWith('--') || owners.length === 0) return '';
  return name
    ? ` (it is an option of ${owners.join(', ')})`
    : ` (it belongs after the command: ${owners.join(', ')})`;
}

/** Commander's own errors (unknown option or command, missing value, extra argument) in the CLI's words. */
function usageErrorOf(error: CommanderError, command: Command, name: CommandName | undefined): UsageError {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const where = name ? `for \`${name}\`` : 'before the command';
  switch (error.code) {
    case 'commander.unknownOption': {
      const [flag = quoted] = quoted.split('=', 1);
      if (
        quoted.includes('=') &&
        command.options.some((option) => option.long === flag && !option.required)
      ) {
        return new UsageError(`option ${flag} takes no value`, name);
      }
      return new UsageError(
        `unknown option ${quoted} ${where}${unknownOptionHint(quoted, command, name)}`,
        name,
      );
    }
    case 'commander.unknownCommand':
      return new UsageError(`unknown command "${quoted}" (commands: ${commandNames.join(', ')})`);
    case 'commander.excessArguments': {
      const extra = command.args[command.registeredArguments.length] ?? '';
      return new UsageError(`unexpected argument "${extra}" ${where}`, name);
    }
    case 'commander.optionMissingArgument': {
      const [flag, value] = quoted.split(' ');
      return new UsageError(`option ${flag} needs a value (${value?.replace(/[<>]/g, '')})`, name);
    }
    default:
      return new UsageError(error.message.replace(/^error: /, ''), name);
  }
}

const helpCodes = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Thrown out of commander when it would print help: parseInvocation turns it into a help invocation. */
class HelpRequest extends Error {
  constructor(readonly topic: CommandName | undefined) {
    super('help');
  }
}

function program(context: ParseContext, capture: Capture): Command {
  const root = new Command('pnpm traffic')
    .description(
      'Measure and shift the v1/v2 traffic split of the movie backend, on the local gateway or a real Istio mesh.',
    )
    .usage('<command> [options]     (or scripts/test-traffic.sh <command> [options])')
    .option(
      '--url <URL>',
      'gateway to use (default: $GATEWAY_URL, else the istio-ingressgateway, else :8080)',
      once('url', undefined, String),
    )
    .addHelpText(
      'after',
      '\nTarget: --url, else $GATEWAY_URL, else the istio-ingressgateway found with kubectl, else http://localhost:8080.\n' +
        'Run `pnpm traffic <command> --help` for the options of a command.',
    );
  const url = () => root.opts().url as string | undefined;
  const commands = [
    testCommand(capture, url),
    monitorCommand(capture, url),
    configCommand(capture, url),
    setCommand(capture, url, context),
  ];
  for (const command of commands) {
    const name = command.name() as CommandName;
    command.addHelpText('after', `\n${details[name]}\n\n${environment}`);
    root.addCommand(command);
  }
  for (const command of [root, ...commands]) {
    const name = command === root ? undefined : (command.name() as CommandName);
    command
      .configureOutput({ writeOut: () => {}, writeErr: () => {} })
      .showSuggestionAfterError(false)
      .exitOverride((error) => {
        if (helpCodes.has(error.code) && (error.exitCode === 0 || name)) throw new HelpRequest(name);
        if (error.code === 'commander.help')
          throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
        throw usageErrorOf(error, command, name);
      });
  }
  return root;
}

export function parseInvocation(argv: readonly string[], context: ParseContext): Invocation {
  if (argv[0] === 'help' && argv[1] !== undefined && !(commandNames as readonly string[]).includes(argv[1])) {
    throw new UsageError(`no help for "${argv[1]}": not a command`);
  }
  let invocation: Invocation | undefined;
  try {
    program(context, (captured) => {
      invocation = captured;
    }).parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof HelpRequest) return { command: 'help', topic: error.topic };
    throw error;
  }
  if (!invocation) throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
  return invocation;
}

/** The help of the CLI, or of one command, as `--help` prints it. */
export function helpText(command?: CommandName): string {
  const root = program({ overlays: [] }, () => {});
  const target = command ? root.commands.find((c) => c.name() === command) : root;
  let text = '';
  target?.configureOutput({ writeOut: (chunk) => (text += chunk) }).outputHelp();
  return text.trimEnd();
}
