/** Terminal drawing: horizontal split bars (observed vs configured), tables and optional colour. */

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;

export function palette(enabled: boolean): Palette {
  const plain = (text: string) => text;
  return enabled
    ? { green: ansi('32'), red: ansi('31'), yellow: ansi('33'), dim: ansi('2'), bold: ansi('1') }
    : { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** A bar of `width` cells for a percentage, with eighth-block precision. */
export function bar(percent: number, width: number, fill = '█'): string {
  const clamped = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
  const eighths = Math.round((clamped / 100) * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const partials = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  const body =
    fill === '█' ? fill.repeat(full) + (partials[partial] ?? '') : fill.repeat(Math.round(eighths / 8));
  return body.padEnd(width, ' ');
}

export function pct(value: number, digits = 1): string {
  return `${value.toFixed(digits)} %`;
}

/** Integers without decimals (80 %), fractions with one (33.3 %). */
export function weightPct(value: number): string {
  return Number.isInteger(value) ? `${value} %` : pct(value);
}

/**
 * One block per version: the observed share as a solid bar, the configured weight as a light bar beneath it,
 * so a person sees a mismatch before reading a number.
 */
export function splitBars(
  versions: readonly string[],
  observedPercent: Readonly<Record<string, number>>,
  configuredPercent: Readonly<Record<string, number>> | undefined,
  colours: Palette,
  width = 40,
): string[] {
  const label = Math.max(7, ...versions.map((v) => v.length));
  const lines: string[] = [];
  for (const version of versions) {
    const observed = observedPercent[version] ?? 0;
    lines.push(
      `  ${version.padEnd(label)}  observed    ${colours.bold(bar(observed, width))} ${pct(observed)}`,
    );
    if (configuredPercent) {
      const configured = configuredPercent[version] ?? 0;
      lines.push(
        `  ${''.padEnd(label)}  configured  ${colours.dim(bar(configured, width, '░'))} ${weightPct(configured)}`,
      );
    }
  }
  return lines;
}

/** Left-aligned text columns, right-aligned numbers: a plain table with a header row. */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  rightAligned: number[] = [],
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        rightAligned.includes(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`);
}

/** Versions in a stable, readable order: configured ones first (v1, v2, …), then any others seen. */
export function orderedVersions(
  ...sources: ReadonlyArray<Readonly<Record<string, number>> | undefined>
): string[] {
  const all = new Set<string>();
  for (const source of sources) for (const key of Object.keys(source ?? {})) all.add(key);
  return [...all].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The configured split alone, one bar per version. */
export function weightBars(
  weights: Readonly<Record<string, number>>,
  colours: Palette,
  width = 40,
): string[] {
  const versions = orderedVersions(weights);
  const label = Math.max(7, ...versions.map((v) => v.length));
  return versions.map(
    (v) => `  ${v.padEnd(label)}  ${colours.bold(bar(weights[v] ?? 0, width))} ${weightPct(weights[v] ?? 0)}`,
  );
}
