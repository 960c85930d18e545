/**
 * The traffic CLI's tokens, from node:util parseArgs (non-strict, with tokens), checked against the option tables of
 * args-spec.ts so every bad input names the command, the flag and the value that is wrong.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  type CommandName,
  commandNames,
  commandOptions,
  globalOptions,
  type OptionSpec,
  UsageError,
} from './args-spec.js';

export interface RawArgs {
  values: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

/** One argument as the CLI reads it: a positional, an option (with its value when parseArgs took one), or `--`. */
type Lexeme =
  | { kind: 'positional'; value: string; index: number }
  | { kind: 'option'; name: string; raw: string; value?: string; inline: boolean; index: number }
  | { kind: 'terminator'; index: number };

/** Negative numbers are values (so `set 105 -5` reaches weight validation), not flags. */
export function looksLikeOption(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !/^-\d/.test(token);
}

function parseArgsOptions(specs: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    specs.map((s) => [s.name, { type: s.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
  );
}

/**
 * parseArgs' tokens, one per argument: a negative number is a positional, and a short option is taken whole
 * (`-hv` is the unknown option -hv, not -h and -v).
 */
export function lex(argv: readonly string[], specs: readonly OptionSpec[]): Lexeme[] {
  const { tokens } = parseArgs({
    args: [...argv],
    options: parseArgsOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const lexemes: Lexeme[] = [];
  let previous = -1;
  for (const token of tokens) {
    if (token.index === previous) continue; // the rest of a short option group
    previous = token.index;
    const raw = argv[token.index] as string;
    if (token.kind === 'option-terminator') lexemes.push({ kind: 'terminator', index: token.index });
    else if (token.kind === 'positional' || !looksLikeOption(raw)) {
      lexemes.push({ kind: 'positional', value: raw, index: token.index });
    } else if (!raw.startsWith('--')) {
      lexemes.push({
        kind: 'option',
        name: raw === '-h' ? 'help' : raw,
        raw,
        inline: false,
        index: token.index,
      });
    } else {
      lexemes.push({
        kind: 'option',
        name: token.name,
        raw,
        value: token.value,
        inline: token.inlineValue === true,
        index: token.index,
      });
    }
  }
  return lexemes;
}

/** The index of the command: the first positional before `--`, reading only --url as taking a value. */
export function findCommandIndex(argv: readonly string[]): number {
  for (const lexeme of lex(argv, globalOptions)) {
    if (lexeme.kind === 'terminator') return -1;
    if (lexeme.kind === 'positional') return lexeme.index;
  }
  return -1;
}

function unknownOption(name: string, command: CommandName | undefined, where: string): UsageError {
  if (!name.startsWith('--')) return new UsageError(`unknown option ${name} ${where}`, command);
  const bare = name.slice(2);
  const elsewhere = commandNames.filter((c) => commandOptions[c].some((s) => s.name === bare));
  let hint = '';
  if (elsewhere.length > 0) {
    hint = command
      ? ` (it is an option of ${elsewhere.join(', ')})`
      : ` (it belongs after the command: ${elsewhere.join(', ')})`;
  }
  return new UsageError(`unknown option ${name} ${where}${hint}`, command);
}

function optionValue(
  lexeme: Extract<Lexeme, { kind: 'option' }>,
  spec: OptionSpec,
  commandIndex: number,
  command: CommandName | undefined,
): string {
  const value = lexeme.value;
  if (lexeme.inline) return value as string;
  if (value === undefined || lexeme.index + 1 === commandIndex || looksLikeOption(value)) {
    throw new UsageError(`option --${spec.name} needs a value (${spec.valueName})`, command);
  }
  return value;
}

function addOption(
  raw: RawArgs,
  lexeme: Extract<Lexeme, { kind: 'option' }>,
  command: CommandName | undefined,
  commandIndex: number,
): void {
  const specs = [...(command ? commandOptions[command] : []), ...globalOptions];
  const where = command ? `for \`${command}\`` : 'before the command';
  const spec =
    lexeme.raw.startsWith('--') || lexeme.name === 'help'
      ? specs.find((s) => s.name === lexeme.name)
      : undefined;
  if (!spec)
    throw unknownOption(lexeme.raw.startsWith('--') ? `--${lexeme.name}` : lexeme.raw, command, where);
  if (spec.kind === 'boolean') {
    if (lexeme.inline) throw new UsageError(`option --${spec.name} takes no value`, command);
    raw.flags.add(spec.name);
    return;
  }
  const value = optionValue(lexeme, spec, commandIndex, command);
  if (spec.kind === 'value' && raw.values.has(spec.name)) {
    throw new UsageError(`option --${spec.name} given more than once`, command);
  }
  raw.values.set(spec.name, [...(raw.values.get(spec.name) ?? []), value]);
}

/** Every argument but the command's, checked against the command's options and the global ones. */
export function tokenize(
  argv: readonly string[],
  command: CommandName | undefined,
  commandIndex: number,
): RawArgs {
  const specs = [...(command ? commandOptions[command] : []), ...globalOptions];
  const raw: RawArgs = { values: new Map(), flags: new Set(), positionals: [] };
  for (const lexeme of lex(argv, specs)) {
    if (lexeme.index === commandIndex) continue;
    if (lexeme.kind === 'terminator') {
      raw.positionals.push(...argv.slice(lexeme.index + 1));
      break;
    }
    if (lexeme.kind === 'positional') raw.positionals.push(lexeme.value);
    else addOption(raw, lexeme, command, commandIndex);
  }
  return raw;
}
