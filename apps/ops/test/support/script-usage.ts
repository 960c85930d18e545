/**
 * What a repository command accepts, read from its own --help (never a hard-coded list), and the check of one
 * call against it. Reads the help layout every script here uses:
 *   Usage: NAME [options] | NAME V1 V2 | NAME [--yes] [--keep-namespace]
 *   a "Commands:" (or "…command:") section of two-space-indented entries, e.g. `  apply OVERLAY   description`,
 *     alternatives separated by " | " (`  set <overlay> | set <weight> <weight> …`)
 *   options as two-space-indented lines starting with a dash: `  --steps LIST   description`, `  -h, --help`
 *   "Overlays: 0-100 100-0 …" (deploy.sh): the values an OVERLAY argument may take
 * When the help says "<command> --help", each command's own help adds that command's options.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Word } from './shell-words.js';

const execFileAsync = promisify(execFile);

export interface Placeholder {
  name: string;
  optional: boolean;
  /** Takes any number of values (`…`), or any arguments at all (`[FLAGS]`). */
  rest: boolean;
}

export interface Usage {
  /** Option name → whether it takes a value. */
  options: Map<string, boolean>;
  positionals: Placeholder[];
  /** Command name → its alternative argument lists; undefined when the program has no commands. */
  commands: Map<string, Placeholder[][]> | undefined;
  overlays: string[] | undefined;
  commandHelp: boolean;
}

const OPTION_LINE =
  /^ {2}((?:-[A-Za-z0-9]|--[A-Za-z0-9][\w-]*)(?:,? (?:-[A-Za-z0-9]|--[A-Za-z0-9][\w-]*))*)(?: (\S+))?(?: {2,}|$)/;

function placeholder(token: string): Placeholder | undefined {
  const optional = token.startsWith('[');
  const bare = token.replace(/[[\]<>]/g, '');
  if (/^(options|flags)$/i.test(bare) || bare.startsWith('-')) return undefined;
  // commander's variadic argument: `[name...]`
  const variadic = bare.length > 3 && bare.endsWith('...');
  const name = variadic ? bare.slice(0, -3) : bare;
  const rest = variadic || /^flags$/i.test(name) || name === '…' || name === '...';
  return { name, optional, rest };
}

function placeholders(tokens: string[]): Placeholder[] {
  const list: Placeholder[] = [];
  for (const token of tokens) {
    if (token === '…' || token === '...') {
      const last = list.at(-1);
      if (last) last.rest = true;
      continue;
    }
    if (/^\[(flags|FLAGS)\]$/.test(token)) {
      list.push({ name: 'FLAGS', optional: true, rest: true });
      continue;
    }
    const item = placeholder(token);
    if (item) list.push(item);
  }
  return list;
}

/** `Usage: pnpm traffic <command> [options]   (or …)` → the argument tokens after the program's name. */
function usageTokens(help: string): string[] {
  const line = help.split('\n').find((l) => l.startsWith('Usage:')) ?? '';
  const tokens =
    line
      .replace(/^Usage:\s*/, '')
      .split(/ {2,}/)[0]
      ?.split(/\s+/) ?? [];
  let start = 0;
  while (start < tokens.length && /^[a-z][\w.-]*$/.test(tokens[start] as string)) start++;
  return tokens.slice(start);
}

/** `apply OVERLAY` or `set <overlay> | set <weight> <weight> …`: each alternative's argument list under its name. */
function addCommandEntry(commands: Map<string, Placeholder[][]>, entry: string): void {
  for (const alternative of entry.split(' | ')) {
    const [name, ...args] = alternative.trim().split(/\s+/);
    if (!name) continue;
    commands.set(name, [...(commands.get(name) ?? []), placeholders(args)]);
  }
}

function parseCommandSection(lines: string[]): Map<string, Placeholder[][]> | undefined {
  const header = lines.findIndex((l) => /commands?:\s*$/i.test(l));
  if (header === -1) return undefined;
  const commands = new Map<string, Placeholder[][]>();
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '' && commands.size > 0) break;
    const entry = /^ {2}(\S.*?)(?: {2,}.*)?$/.exec(line)?.[1];
    if (entry && !entry.startsWith('-')) addCommandEntry(commands, entry);
  }
  return commands;
}

export function parseUsage(help: string): Usage {
  const lines = help.split('\n');
  const options = new Map<string, boolean>([
    ['-h', false],
    ['--help', false],
  ]);
  for (const line of lines) {
    const match = OPTION_LINE.exec(line);
    if (!match) continue;
    for (const flag of (match[1] as string).split(/,? /)) options.set(flag, match[2] !== undefined);
  }
  const tokens = usageTokens(help);
  for (const token of tokens) {
    const flag = /^\[(--?[\w-]+)\]$/.exec(token)?.[1];
    if (flag) options.set(flag, false);
  }
  const commands = parseCommandSection(lines);
  const overlayLine = lines.find((l) => l.startsWith('Overlays:'));
  return {
    options,
    positionals: commands ? [] : placeholders(tokens),
    commands,
    overlays: overlayLine?.replace('Overlays:', '').trim().split(/\s+/),
    commandHelp: /<command> --help/.test(help),
  };
}

export interface Program {
  /** How to run it, e.g. ['/repo/scripts/canary.sh'] or ['pnpm', 'images']. */
  argv: string[];
  cwd: string;
}

const helps = new Map<string, Promise<string>>();

/** The program's --help output (cached per program and command); a failing --help is an error. */
export function helpOf(program: Program, command?: string): Promise<string> {
  const args = [...program.argv.slice(1), ...(command ? [command] : []), '--help'];
  const key = [program.argv[0], ...args].join(' ');
  let help = helps.get(key);
  if (!help) {
    help = execFileAsync(program.argv[0] as string, args, {
      cwd: program.cwd,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    }).then(({ stdout }) => {
      const start = stdout.indexOf('Usage:');
      if (start === -1) throw new Error(`${key} printed no "Usage:" line`);
      return stdout.slice(start);
    });
    helps.set(key, help);
  }
  return help;
}

function fits(values: Word[], spec: Placeholder[], overlays: string[] | undefined): string | undefined {
  const required = spec.filter((p) => !p.optional).length;
  const open = spec.some((p) => p.rest);
  const names = spec.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ') || 'no arguments';
  if (values.length < required || (!open && values.length > spec.length)) {
    return `takes ${names}, got ${values.length} argument(s): ${values.map((v) => v.value).join(' ') || 'none'}`;
  }
  for (const [index, value] of values.entries()) {
    const name = spec[Math.min(index, spec.length - 1)]?.name ?? '';
    if (
      /^<?overlay>?$/i.test(name) &&
      overlays &&
      !value.value.includes('$') &&
      !overlays.includes(value.value)
    ) {
      return `${name} '${value.value}' is not one of: ${overlays.join(' ')}`;
    }
  }
  return undefined;
}

/** Splits a call's arguments into options (checked) and positionals; returns the errors. */
function checkOptions(args: Word[], options: Map<string, boolean>, positionals: Word[]): string[] {
  const errors: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Word;
    if (arg.splits) {
      errors.push(`unquoted expansion ${arg.value} may split into several arguments: quote it`);
      continue;
    }
    if (!arg.value.startsWith('-') || arg.value === '-') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.value.split(/=(.*)/s);
    const takesValue = options.get(name as string);
    if (takesValue === undefined) errors.push(`unknown option ${name}`);
    else if (takesValue && inline === undefined && ++i >= args.length) errors.push(`${name} needs a value`);
    else if (!takesValue && inline !== undefined) errors.push(`${name} takes no value`);
  }
  return errors;
}

/** The errors of one call (empty when the program accepts it). */
export async function checkCall(program: Program, args: Word[]): Promise<string[]> {
  const usage = parseUsage(await helpOf(program));
  if (!usage.commands) {
    const positionals: Word[] = [];
    const errors = checkOptions(args, usage.options, positionals);
    const misfit = fits(positionals, usage.positionals, usage.overlays);
    return misfit ? [...errors, misfit] : errors;
  }
  const [command, ...rest] = args;
  if (!command || command.value.startsWith('-')) {
    return [`needs a command (${[...usage.commands.keys()].join(', ')})`];
  }
  const alternatives = usage.commands.get(command.value);
  if (!alternatives) return [`unknown command '${command.value}'`];
  if (alternatives.some((spec) => spec.some((p) => p.name === 'FLAGS'))) return [];
  const options = new Map(usage.options);
  if (usage.commandHelp) {
    for (const [flag, takesValue] of parseUsage(await helpOf(program, command.value)).options) {
      options.set(flag, takesValue);
    }
  }
  const positionals: Word[] = [];
  const errors = checkOptions(rest, options, positionals);
  const misfits = alternatives.map((spec) => fits(positionals, spec, usage.overlays));
  if (misfits.every((m) => m !== undefined)) errors.push(`${command.value} ${misfits[0]}`);
  return errors;
}
