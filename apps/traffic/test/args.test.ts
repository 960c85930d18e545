import { describe, expect, it } from 'vitest';
import { commandNames, helpText, parseInvocation, UsageError } from '../src/args.js';

const context = { overlays: ['100-0', '80-20', '50-50', '0-100', 'header-routing'] };
const parse = (...argv: string[]) => parseInvocation(argv, context);

function usageError(argv: string[]): UsageError {
  try {
    parseInvocation(argv, context);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for: ${argv.join(' ')}`);
}

describe('parseInvocation: good input', () => {
  it('applies the documented defaults to test', () => {
    expect(parse('test')).toEqual({
      command: 'test',
      url: undefined,
      requests: 100,
      concurrency: 10,
      alpha: 0.001,
      json: false,
      progress: true,
      path: '/api/',
      headers: {},
      timeoutMs: 10_000,
    });
  });

  it('reads every test option, in either --flag value or --flag=value form, global options anywhere', () => {
    expect(
      parse(
        '--url',
        'localhost:8080',
        'test',
        '2000',
        '--concurrency=25',
        '--path',
        '/api/movies',
        '--header',
        'X-User-Type: premium',
        '--header=x-trace:1',
        '--alpha',
        '0.01',
        '--json',
        '--no-progress',
        '--timeout',
        '5000',
      ),
    ).toMatchObject({
      command: 'test',
      url: 'localhost:8080',
      requests: 2000,
      concurrency: 25,
      path: '/api/movies',
      headers: { 'x-user-type': 'premium', 'x-trace': '1' },
      alpha: 0.01,
      json: true,
      progress: false,
      timeoutMs: 5000,
    });
    expect(parse('test', '--url=http://gw:80')).toMatchObject({ url: 'http://gw:80' });
  });

  it('reads monitor, config and set', () => {
    expect(
      parse('monitor', '--rate', '50', '--window', '5', '--interval', '250', '--duration', '2'),
    ).toMatchObject({
      command: 'monitor',
      rate: 50,
      windowS: 5,
      intervalMs: 250,
      durationS: 2,
    });
    expect(parse('monitor')).toMatchObject({ rate: 20, windowS: 10, intervalMs: 1000 });
    expect(parse('monitor')).not.toHaveProperty('durationS');
    expect(parse('config', '--json', '--header', 'x-user-type:premium')).toMatchObject({
      command: 'config',
      json: true,
      headers: { 'x-user-type': 'premium' },
    });
    expect(parse('set', '50-50')).toEqual({ command: 'set', url: undefined, change: { overlay: '50-50' } });
    expect(parse('set', '95', '5')).toMatchObject({ change: { weights: { v1: 95, v2: 5 } } });
    expect(parse('set', 'v1=70', 'v2=30')).toMatchObject({ change: { weights: { v1: 70, v2: 30 } } });
    // The sum is validateWeights' job (checked before anything is sent); each weight's range is checked here.
    expect(parse('set', '90', '5')).toMatchObject({ change: { weights: { v1: 90, v2: 5 } } });
    // A subset left out gets 0 (the gateway keeps its destination): `set 100` means `set v1=100`.
    expect(parse('set', '100')).toMatchObject({ change: { weights: { v1: 100 } } });
    expect(parse('set', 'v1=100')).toMatchObject({ change: { weights: { v1: 100 } } });
    expect(parse('test', '--visitors', '400', '--per-visitor', '5')).toMatchObject({
      requests: 2000,
      visitors: { count: 400, perVisitor: 5 },
    });
    // A negative number is read as a weight (and refused by its range, naming it), not as an option.
    expect(() => parse('set', '105', '-5')).toThrow(
      'weight for v1 must be a whole number from 0 to 100, got "105"',
    );
    expect(() => parse('set', '95', '-5')).toThrow(
      'weight for v2 must be a whole number from 0 to 100, got "-5"',
    );
  });

  it('answers --help, -h and help for the CLI and each command', () => {
    expect(parse('--help')).toEqual({ command: 'help', topic: undefined });
    expect(parse('help')).toEqual({ command: 'help', topic: undefined });
    expect(parse('help', 'monitor')).toEqual({ command: 'help', topic: 'monitor' });
    for (const command of commandNames) {
      expect(parse(command, '--help')).toEqual({ command: 'help', topic: command });
      expect(parse(command, '-h')).toEqual({ command: 'help', topic: command });
      expect(helpText(command)).toContain(`pnpm traffic ${command}`);
    }
    expect(helpText()).toMatch(/test \[options\] \[N\][\s\S]*monitor[\s\S]*config[\s\S]*set/);
    expect(helpText('test')).toContain('--concurrency <C>');
  });
});

describe('parseInvocation: every bad input names what is wrong', () => {
  const cases: Array<[argv: string[], message: RegExp]> = [
    [[], /a command is needed/],
    [['tset'], /unknown command "tset"/],
    [['help', 'nope'], /no help for "nope"/],
    [['test', '--verbose'], /unknown option --verbose for `test`/],
    [['test', '-v'], /unknown option -v for `test`/],
    [['--json'], /unknown option --json before the command \(it belongs after the command: test, config\)/],
    [['config', '--rate', '5'], /unknown option --rate for `config` \(it is an option of monitor\)/],
    [['test', 'many'], /N \(the number of requests\) must be a whole number from 1 to 1000000, got "many"/],
    [['test', '0'], /N .* from 1 to 1000000, got "0"/],
    [['test', '1e3'], /got "1e3"/],
    [['test', '10', '20'], /unexpected argument "20" for `test`/],
    [['test', '--concurrency'], /option '--concurrency <C>' argument missing/],
    [['test', '--concurrency', '--json'], /option --concurrency needs a value/],
    [['test', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 1000, got "0"/],
    [['test', '--concurrency', '2.5'], /--concurrency .* got "2.5"/],
    [['test', '--concurrency', '1', '--concurrency', '2'], /--concurrency given more than once/],
    [['test', '--alpha', '0'], /--alpha must be a number above 0 and at most 0.5 .* got "0"/],
    [['test', '--alpha', '0.9'], /--alpha .* got "0.9"/],
    [['test', '--alpha', 'abc'], /--alpha .* got "abc"/],
    [['test', '--path', 'api/'], /--path must start with \/ .* got "api\/"/],
    [['test', '--path', '/a b'], /--path .* got "\/a b"/],
    [['test', '--header', 'x-user-type'], /--header expects NAME:VALUE .* got "x-user-type"/],
    [['test', '--header', ':premium'], /--header expects NAME:VALUE .* got ":premium"/],
    [['test', '--header', 'bad name:1'], /--header expects NAME:VALUE .* got "bad name:1"/],
    [['test', '--header', 'x-a:'], /got "x-a:"/],
    [['test', '--json=yes'], /option --json takes no value/],
    [['test', '--timeout', '0'], /--timeout must be a whole number from 1/],
    [['monitor', '--rate', '0'], /--rate must be a whole number from 1 to 1000, got "0"/],
    [['monitor', '--interval', '10'], /--interval must be a whole number from 100 to 60000, got "10"/],
    [['monitor', '--duration', 'forever'], /--duration must be a whole number .* got "forever"/],
    [['monitor', '--window', '-1'], /--window must be a whole number from 1 to 3600, got "-1"/],
    [['monitor', 'extra'], /unexpected argument "extra" for `monitor`/],
    [['config', 'extra'], /unexpected argument "extra" for `config`/],
    [['set'], /set needs an overlay name or weights/],
    [['test', '100', '--visitors', '5'], /give either N requests or --visitors V, not both/],
    [['test', '--per-visitor', '5'], /--per-visitor needs --visitors/],
    [['test', '--visitors', '0'], /--visitors must be a whole number from 1 to 100000/],
    [['set', '75-25'], /unknown overlay "75-25" \(available: 100-0, 80-20, 50-50, 0-100, header-routing\)/],
    [['set', '95', 'five'], /set takes one overlay name or numeric weights, got "95 five"/],
    [['set', 'v1=95', 'v2=x'], /weight for v2 must be a whole number from 0 to 100, got "x"/],
    [['set', 'v1=50', 'v1=50'], /subset v1 given twice/],
    [['set', '--weights', '1'], /unknown option --weights for `set`/],
  ];
  it.each(cases)('%j → %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
  });

  it('keeps the command on the error so the CLI can point at its --help', () => {
    expect(usageError(['monitor', '--rate', 'x']).command).toBe('monitor');
    expect(usageError(['nope']).command).toBeUndefined();
  });
});
