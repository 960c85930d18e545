/**
 * A small parser of the bash that pipeline files hold in `script:` and `run:`: it splits a script into simple
 * commands (at newlines, ; && || | & and parentheses), each a list of words with quotes removed, so the tests
 * can find every call of a repository script and check its arguments. Command substitutions ($(…) and `…`) are
 * parsed as scripts of their own. It understands what our pipelines use (quotes, escapes, line continuations,
 * comments, redirections, if/for/while) and rejects what it does not (here-documents, case), so nothing is
 * skipped silently.
 */

export interface Word {
  /** The word as bash sees it after quote removal; expansions ($VAR, $(…)) are kept as written. */
  value: string;
  /** An expansion outside quotes: bash may split it into several words, so its arguments cannot be known. */
  splits: boolean;
  /** The bodies of the command substitutions in the word. */
  substitutions: string[];
}

export interface SimpleCommand {
  words: Word[];
}

type Token = { kind: 'word'; word: Word } | { kind: 'operator'; text: string };

export class ShellSyntaxError extends Error {
  override name = 'ShellSyntaxError';
}

const OPERATORS = ['&&', '||', ';;', '>>', '<<<', '<<', '&>', '>&', ';', '|', '&', '(', ')', '<', '>', '\n'];
const REDIRECTIONS = new Set(['>>', '<<<', '&>', '>&', '<', '>']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);

function operatorAt(script: string, index: number): string | undefined {
  return OPERATORS.find((op) => script.startsWith(op, index));
}

/** The end (exclusive) of a balanced $( … ) whose "(" is at `open`; quotes inside are honoured. */
function closingParen(script: string, open: number): number {
  let depth = 0;
  for (let i = open; i < script.length; i++) {
    const c = script[i];
    if (c === '\\') i++;
    else if (c === "'") i = script.indexOf("'", i + 1);
    else if (c === '"') i = closingQuote(script, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    if (i === -1) break;
  }
  throw new ShellSyntaxError(`unterminated $( in: ${script.slice(open - 1, open + 40)}`);
}

/** The index of the " that closes the double-quoted string opening at `open`. */
function closingQuote(script: string, open: number): number {
  for (let i = open + 1; i < script.length; i++) {
    const c = script[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '$' && script[i + 1] === '(') i = closingParen(script, i + 1) - 1;
  }
  throw new ShellSyntaxError(`unterminated " in: ${script.slice(open, open + 40)}`);
}

class WordReader {
  value = '';
  splits = false;
  substitutions: string[] = [];

  constructor(private readonly script: string) {}

  /** Reads a $… expansion at `i`; returns the index after it. */
  expansion(i: number, quoted: boolean): number {
    const { script } = this;
    let end = i + 1;
    if (script[i + 1] === '(') {
      end = closingParen(script, i + 1);
      this.substitutions.push(script.slice(i + 2, end - 1));
    } else if (script[i + 1] === '{') {
      end = script.indexOf('}', i) + 1;
      if (end === 0) throw new ShellSyntaxError(`unterminated \${ in: ${script.slice(i, i + 40)}`);
    } else if (/\w/.test(script[end] ?? '')) {
      while (end < script.length && /\w/.test(script[end] as string)) end++;
    } else if (/[?#@*$!-]/.test(script[end] ?? '')) {
      end++; // $? $# $@ …
    }
    if (!quoted && end > i + 1) this.splits = true;
    this.value += script.slice(i, end);
    return end;
  }

  doubleQuoted(open: number): number {
    const close = closingQuote(this.script, open);
    for (let i = open + 1; i < close; ) {
      const c = this.script[i] as string;
      if (c === '\\' && /["\\$`]/.test(this.script[i + 1] ?? '')) {
        this.value += this.script[i + 1];
        i += 2;
      } else if (c === '$') {
        i = this.expansion(i, true);
      } else {
        this.value += c;
        i++;
      }
    }
    return close + 1;
  }
}

/** The index of the `quote` that closes the quoted text opening at `open`. */
function closing(script: string, open: number, quote: string): number {
  const close = script.indexOf(quote, open + 1);
  if (close === -1) throw new ShellSyntaxError(`unterminated ${quote} in: ${script.slice(open, open + 40)}`);
  return close;
}

/** Reads the piece of a word at `i` (an escape, a quoted string, an expansion or one character); returns the index after it. */
function readPiece(reader: WordReader, script: string, i: number): number {
  const c = script[i] as string;
  if (c === '\\') {
    if (script[i + 1] !== '\n') reader.value += script[i + 1] ?? '';
    return i + 2;
  }
  if (c === "'") {
    const close = closing(script, i, "'");
    reader.value += script.slice(i + 1, close);
    return close + 1;
  }
  if (c === '"') return reader.doubleQuoted(i);
  if (c === '$') return reader.expansion(i, false);
  if (c === '`') {
    const close = closing(script, i, '`');
    reader.substitutions.push(script.slice(i + 1, close));
    reader.splits = true;
    reader.value += script.slice(i, close + 1);
    return close + 1;
  }
  reader.value += c;
  return i + 1;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** Reads one word starting at `start`; returns it and the index after it. */
function readWord(script: string, start: number): { word: Word; end: number } {
  const reader = new WordReader(script);
  let i = start;
  while (i < script.length && !isBlank(script[i]) && !operatorAt(script, i)) i = readPiece(reader, script, i);
  const { value, splits, substitutions } = reader;
  return { word: { value, splits, substitutions }, end: i };
}

/** The index after blanks, line continuations and a comment at `i` (i itself when there are none). */
function skipIgnored(script: string, i: number): number {
  let at = i;
  while (isBlank(script[at]) || (script[at] === '\\' && script[at + 1] === '\n'))
    at += script[at] === '\\' ? 2 : 1;
  if (script[at] === '#') {
    const newline = script.indexOf('\n', at);
    return newline === -1 ? script.length : newline;
  }
  return at;
}

export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let i = skipIgnored(script, 0);
  while (i < script.length) {
    const operator = operatorAt(script, i);
    if (operator === '<<')
      throw new ShellSyntaxError('here-documents are not supported: use a file or printf');
    if (operator) {
      tokens.push({ kind: 'operator', text: operator });
      i = skipIgnored(script, i + operator.length);
      continue;
    }
    const { word, end } = readWord(script, i);
    // `2>` and `2>&1`: a file descriptor number directly before a redirection belongs to it.
    const isDescriptor = /^\d+$/.test(word.value) && /^[<>]/.test(script[end] ?? '');
    if (!isDescriptor) tokens.push({ kind: 'word', word });
    i = skipIgnored(script, end);
  }
  return tokens;
}

function isAssignment(word: Word): boolean {
  return /^[A-Za-z_]\w*=/.test(word.value);
}

/** Drops reserved words, `for NAME in …` headers and leading VAR=value assignments from a command's words. */
function commandWords(words: Word[]): Word[] {
  let rest = words;
  while (rest.length > 0 && RESERVED.has((rest[0] as Word).value)) rest = rest.slice(1);
  const first = rest[0]?.value;
  if (first === 'for') return [];
  if (first === 'case' || first === 'select' || first === 'function') {
    throw new ShellSyntaxError(`'${first}' is not supported in pipeline scripts`);
  }
  while (rest.length > 0 && isAssignment(rest[0] as Word)) rest = rest.slice(1);
  return rest;
}

/** Every simple command of a script, those inside command substitutions included (after their enclosing one). */
export function parseCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  const flush = () => {
    const command = commandWords(words);
    if (command.length > 0) commands.push({ words: command });
    for (const word of words) for (const body of word.substitutions) commands.push(...parseCommands(body));
    words = [];
  };
  const tokens = tokenize(script);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'word') {
      words.push(token.word);
    } else if (REDIRECTIONS.has(token.text)) {
      const target = tokens[++i];
      if (target?.kind !== 'word') throw new ShellSyntaxError(`redirection ${token.text} has no target`);
      for (const body of target.word.substitutions) commands.push(...parseCommands(body));
    } else {
      flush();
    }
  }
  flush();
  return commands;
}
