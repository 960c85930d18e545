/**
 * The command lines' progress bar (traffic, analyzer, renders, data:refresh, image builds): `label ████░░░░ 5/20
 * detail` on one line of stderr, redrawn in place on a terminal (at most ten times a second, and always for the last
 * step). Off a terminal it stays silent by default, so CI logs stay clean; `notTty: 'lines'` prints one plain line
 * per step instead, for a log to follow.
 */

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Off a terminal: nothing (default), or one line per step. */
  notTty?: 'silent' | 'lines';
  /** On a terminal, at finish(): clear the line (default) or keep it as the last word. */
  keep?: boolean;
  /** Bar cells (default 24). */
  width?: number;
}

export interface ProgressBar {
  /** Draws the bar at 0 (optionally naming what comes first). */
  start(detail?: string): void;
  /** One step done; `detail` says what (a file, a page, a running count). */
  tick(detail?: string): void;
  /** Clears the line (or ends it, with `keep`). */
  finish(): void;
}

const redrawEveryMs = 100;

/** `width` cells, filled in proportion to done/total: █████░░░░░ (full when total is 0). */
export function bar(done: number, total: number, width: number): string {
  const filled = total <= 0 ? width : Math.max(0, Math.min(width, Math.round((done / total) * width)));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

export function progressBar(total: number, label: string, options: ProgressOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const width = options.width ?? 24;
  const tty = Boolean(stream.isTTY);
  let done = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let shown = 0;
  const line = (detail: string) =>
    `${label} ${bar(done, total, width)} ${done}/${total}${detail ? ` ${detail}` : ''}`;
  const draw = (detail = '') => {
    if (!tty) {
      if (options.notTty === 'lines') stream.write(`${line(detail)}\n`);
      return;
    }
    const now = Date.now();
    if (done < total && now - drawnAt < redrawEveryMs) return;
    drawnAt = now;
    const text = line(detail);
    stream.write(`\r${text.padEnd(shown)}`);
    shown = text.length;
  };
  return {
    start: (detail) => draw(detail),
    tick(detail) {
      done = Math.min(total, done + 1);
      draw(detail);
    },
    finish() {
      if (!tty) return;
      stream.write(options.keep ? '\n' : `\r${' '.repeat(shown)}\r`);
    },
  };
}
