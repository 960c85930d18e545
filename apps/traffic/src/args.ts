/**
 * The traffic CLI's command line, on commander: its commands, options, help and every usage error. Commander parses
 * (subcommands, options before or after the command, `--flag=value`, negative numbers as values such as
 * `set 105 -5`); the parsers here check ranges and refuse a repeated option, and each error names the command, the
 * option and the value that is wrong, so the CLI can point at the right `--help` and exit 64.
 */
import { UsageError } from '@movies/contracts/errors';
import { isWeightText, parseWeight, WeightsError } from '@movies/mesh';
import { Command, CommanderError, Option } from 'commander';

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

/**
 * A single-valued option checked by `check`, refused when given twice (commander would keep the last one) or when
 * its value is another option (commander would take `--json` as the value of `--concurrency --json`).
 */
function single<T>(flags: string, description: string, check: (value: string, flag: string) => T): Option {
  const flag = flags.split(' ')[0] as string;
  return new Option(flags, description).argParser((value: string, previous: T | undefined) => {
    if (previous !== undefined) throw new UsageError(`option ${flag} given more than once`);
    if (value.startsWith('--')) throw new UsageError(`option ${flag} needs a value, got the option ${value}`);
    return check(value, flag);
  });
}

const whole = (min: number, max: number) => (value: string, what: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
};

/** Whole-number options, each a row of flags, description and range. */
function addCounts(command: Command, rows: Array<[string, string, number, number]>): Command {
  for (const [flags, description, min, max] of rows)
    command.addOption(single(flags, description, whole(min, max)));
  return command;
}

const pathOption = (description: string) =>
  single('--path <PATH>', description, (path) => {
    if (path.startsWith('/') && !/[\s#]/.test(path)) return path;
    throw new UsageError(`--path must start with / and hold no spaces or #, e.g. /api/ — got "${path}"`);
  });

const headerOption = (description: string) =>
  new Option('--header <NAME:VALUE>', description).argParser(
    (text: string, previous: Record<string, string> = {}) => {
      const colon = text.indexOf(':');
      const name = colon === -1 ? '' : text.slice(0, colon).trim().toLowerCase();
      const value = colon === -1 ? '' : text.slice(colon + 1).trim();
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === '' || /[\r\n]/.test(value)) {
        throw new UsageError(`--header expects NAME:VALUE such as x-user-type:premium, got "${text}"`);
      }
      return { ...previous, [name]: value };
    },
  );

function alpha(text: string): number {
  const value = Number(text);
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(text) || !(value > 0 && value <= 0.5)) {
    throw new UsageError(`--alpha must be a number above 0 and at most 0.5 (e.g. 0.001), got "${text}"`);
  }
  return value;
}

function namedWeights(positionals: readonly string[]): WeightChange {
  const weights: Record<string, number> = {};
  for (const p of positionals) {
    const [subset = '', value = ''] = p.split('=', 2);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(subset)) throw new UsageError(`bad subset name in "${p}"`);
    if (subset in weights) throw new UsageError(`subset ${subset} given twice`);
    weights[subset] = parseWeight(value, subset);
  }
  return { weights };
}

/** `set`'s arguments; each weight by @movies/mesh parseWeight, the rule every tool shares. */
function weightChange(positionals: readonly string[], overlays: readonly string[]): WeightChange {
  if (positionals.length === 0)
    throw new UsageError('set needs an overlay name or weights, e.g. `set 50-50` or `set 95 5`');
  if (positionals.every((p) => p.includes('='))) return namedWeights(positionals);
  // Weights in subset order; subsets left out get 0, so `set 100` is `set v1=100` is `set 100 0`.
  if (positionals.every(isWeightText))
    return {
      weights: Object.fromEntries(positionals.map((p, i) => [`v${i + 1}`, parseWeight(p, `v${i + 1}`)])),
    };
  if (positionals.length > 1)
    throw new UsageError(`set takes one overlay name or numeric weights, got "${positionals.join(' ')}"`);
  const overlay = positionals[0] as string;
  if (overlays.includes(overlay)) return { overlay };
  throw new UsageError(
    `unknown overlay "${overlay}" (available: ${overlays.join(', ') || 'none'}); for custom weights use \`set 95 5\``,
  );
}

/** The options' values as the parsers above leave them; commander names `--per-visitor` perVisitor. */
type TestOptions = { concurrency?: number; visitors?: number; perVisitor?: number; alpha?: number };
type MonitorOptions = { rate?: number; window?: number; interval?: number; duration?: number };
type RequestOptions = { path?: string; header?: Record<string, string>; timeout?: number };
type Options = TestOptions & MonitorOptions & RequestOptions & { json?: boolean; progress?: boolean };

function withRequestOptions(command: Command): Command {
  return command
    .addOption(pathOption('request path (default /api/)'))
    .addOption(headerOption('send this header on every request; repeatable (e.g. x-user-type:premium)'))
    .addOption(single('--timeout <MS>', 'per-request timeout (default 10000)', whole(1, 600_000)));
}

const requestShape = (options: Options): RequestShape => ({
  path: options.path ?? '/api/',
  headers: options.header ?? {},
  timeoutMs: options.timeout ?? 10_000,
});

function visitorsOf(n: string | undefined, { visitors, perVisitor }: Options) {
  if (visitors !== undefined && n !== undefined)
    throw new UsageError(`give either N requests or --visitors V, not both (got "${n}")`);
  if (visitors === undefined && perVisitor !== undefined)
    throw new UsageError('--per-visitor needs --visitors');
  return visitors === undefined ? undefined : { count: visitors, perVisitor: perVisitor ?? 5 };
}

type Capture = (invocation: Exclude<Invocation, { command: 'help' }>) => void;

function addTest(root: Command, capture: Capture): void {
  const test = root
    .command('test')
    .summary('send N requests (default 100) and check the split against the configured weights')
    .argument('[N]', 'requests to send (default 100)');
  addCounts(test, [
    ['--concurrency <C>', 'requests in flight (default 10)', 1, 1000],
    ['--visitors <V>', 'simulate V visitors with their own cookie jars instead of N plain requests', 1, 1e5],
    ['--per-visitor <K>', 'requests each visitor makes, one after another (default 5)', 1, 1000],
  ])
    .addOption(single('--alpha <A>', 'significance level of the chi-square test (default 0.001)', alpha))
    .option('--json', 'print one JSON object instead of the report')
    .option('--no-progress', 'hide the progress bar');
  withRequestOptions(test).action((n: string | undefined, options: Options) => {
    const visitors = visitorsOf(n, options);
    const requests = n === undefined ? 100 : whole(1, 1_000_000)(n, 'N (the number of requests)');
    capture({
      command: 'test',
      requests: visitors ? visitors.count * visitors.perVisitor : requests,
      ...(visitors ? { visitors } : {}),
      concurrency: options.concurrency ?? 10,
      alpha: options.alpha ?? 0.001,
      json: options.json === true,
      progress: options.progress !== false,
      ...requestShape(options),
    });
  });
}

function addMonitor(root: Command, capture: Capture): void {
  const monitor = root
    .command('monitor')
    .summary('live view of the split over a rolling window, under a steady modest load');
  addCounts(monitor, [
    ['--rate <R>', 'requests per second (default 20)', 1, 1000],
    ['--window <S>', 'rolling window in seconds (default 10)', 1, 3600],
    ['--interval <MS>', 'screen refresh period (default 1000)', 100, 60_000],
    ['--duration <S>', 'stop after S seconds (default: Ctrl-C)', 1, 86_400],
  ]);
  withRequestOptions(monitor).action((options: Options) => {
    capture({
      command: 'monitor',
      rate: options.rate ?? 20,
      windowS: options.window ?? 10,
      intervalMs: options.interval ?? 1000,
      ...(options.duration === undefined ? {} : { durationS: options.duration }),
      ...requestShape(options),
    });
  });
}

function addConfigAndSet(root: Command, capture: Capture, context: ParseContext): void {
  root
    .command('config')
    .summary('show the configured weights and routing rules')
    .addOption(pathOption('show the split for this path (default /api/)'))
    .addOption(headerOption('show the split for a request with this header; repeatable'))
    .option('--json', 'print one JSON object')
    .action((options: Options) => {
      const { path, headers } = requestShape(options);
      capture({ command: 'config', json: options.json === true, path, headers });
    });
  root
    .command('set')
    .summary('switch the local gateway to an overlay (e.g. 50-50) or to weights (e.g. 95 5 → v1 95, v2 5)')
    .usage('<overlay> | <weight> <weight> … [options]')
    .argument('[overlay-or-weights...]')
    .action((positionals: string[]) => {
      capture({ command: 'set', change: weightChange(positionals, context.overlays) });
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

/**
 * Commander's errors where the CLI says more: which commands an unknown option belongs to, the extra argument,
 * the commands there are. The rest (such as "option '--rate <R>' argument missing") keep commander's words.
 */
function usageErrorOf(error: CommanderError, root: Command, name: CommandName | undefined): UsageError {
  const command = root.commands.find((c) => c.name() === name) ?? root;
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const where = name ? `for \`${name}\`` : 'before the command';
  if (error.code === 'commander.unknownCommand')
    return new UsageError(`unknown command "${quoted}" (commands: ${commandNames.join(', ')})`);
  if (error.code === 'commander.excessArguments') {
    const extra = command.args[command.registeredArguments.length];
    return new UsageError(`unexpected argument "${extra}" ${where}`);
  }
  if (error.code !== 'commander.unknownOption') return new UsageError(error.message.replace(/^error: /, ''));
  const [flag = quoted] = quoted.split('=', 1);
  if (quoted.includes('=') && command.options.some((option) => option.long === flag && !option.required))
    return new UsageError(`option ${flag} takes no value`);
  // A hint for the user: the commands that do have this option.
  const owners = root.commands.filter((c) => c.options.some((option) => option.long === quoted));
  const hint = name ? 'it is an option of' : 'it belongs after the command:';
  const list = owners.length ? ` (${hint} ${owners.map((c) => c.name()).join(', ')})` : '';
  return new UsageError(`unknown option ${quoted} ${where}${list}`);
}

/** The CLI; `current()` names the command being parsed, for the errors its parsers and action throw. */
function program(context: ParseContext, capture: Capture) {
  let name: CommandName | undefined;
  const exit = (error: CommanderError): never => {
    // Help asked for goes back to parseInvocation as is; `pnpm traffic` alone is a usage error.
    if (error.code.startsWith('commander.help') && error.exitCode === 0) throw error;
    if (error.code === 'commander.help')
      throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
    throw usageErrorOf(error, root, name);
  };
  const root = new Command('pnpm traffic')
    .description(
      'Measure and shift the v1/v2 traffic split of the movie backend, on the local gateway or a real Istio mesh.',
    )
    .usage('<command> [options]     (or scripts/test-traffic.sh <command> [options])')
    .addOption(
      single(
        '--url <URL>',
        'gateway to use (default: $GATEWAY_URL, else the istio-ingressgateway, else :8080)',
        String,
      ),
    )
    .addHelpText(
      'after',
      '\nTarget: --url, else $GATEWAY_URL, else the istio-ingressgateway found with kubectl, else http://localhost:8080.\n' +
        'Run `pnpm traffic <command> --help` for the options of a command.',
    )
    // Set before the commands are added: root.command() copies them to each.
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .showSuggestionAfterError(false)
    .exitOverride(exit)
    .hook('preSubcommand', (_root, command) => {
      name = command.name() as CommandName;
    });
  // Every command's invocation carries the root's --url.
  const withUrl: Capture = (invocation) =>
    capture({ ...invocation, url: root.opts().url as string | undefined });
  addTest(root, withUrl);
  addMonitor(root, withUrl);
  addConfigAndSet(root, withUrl, context);
  // `help set` shows set's help without entering set (no preSubcommand): the command names itself.
  for (const command of root.commands) {
    command.addHelpText('after', `\n${details[command.name() as CommandName]}\n\n${environment}`);
    command.exitOverride((error) => {
      name = command.name() as CommandName;
      exit(error);
    });
  }
  return { root, current: () => name };
}

export function parseInvocation(argv: readonly string[], context: ParseContext): Invocation {
  if (argv[0] === 'help' && argv[1] !== undefined && !(commandNames as readonly string[]).includes(argv[1])) {
    throw new UsageError(`no help for "${argv[1]}": not a command`);
  }
  let invocation: Invocation | undefined;
  const { root, current } = program(context, (captured) => {
    invocation = captured;
  });
  try {
    root.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { command: 'help', topic: current() };
    // A parser's or an action's refusal (a weight's by @movies/mesh, the rule every tool shares): name the command.
    if (error instanceof WeightsError || (error instanceof UsageError && !error.command))
      throw new UsageError(error.message, current());
    throw error;
  }
  if (!invocation) throw new UsageError(`a command is needed (${commandNames.join(', ')})`);
  return invocation;
}

/** The help of the CLI, or of one command, as `--help` prints it. */
export function helpText(command?: CommandName): string {
  const { root } = program({ overlays: [] }, () => {});
  const target = command ? root.commands.find((c) => c.name() === command) : root;
  let text = '';
  target?.configureOutput({ writeOut: (chunk) => (text += chunk) }).outputHelp();
  return text.trimEnd();
}
