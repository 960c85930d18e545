import { bar } from '@movies/cli-kit';

/** Where long-running work reports to: plain lines plus a step counter with a bar. */
export interface Reporter {
  /** A line worth keeping in the log. */
  info(message: string): void;
  /** Current position of a long task, e.g. ("movie-backend", 5, 23, "RUN pnpm install …"). */
  step(task: string, current: number, total: number | undefined, detail: string): void;
  /** A raw output line of a child process (build output); shown only when the reporter is verbose. */
  output(task: string, line: string): void;
}

export interface ConsoleReporterOptions {
  stream?: NodeJS.WriteStream;
  /** Print every output line of the builds, not only the steps. */
  verbose?: boolean;
}

export function formatStep(task: string, current: number, total: number | undefined, detail: string): string {
  const counter = total ? `${bar(current, total, 20)} ${current}/${total}` : `${current}`;
  return `[${task}] ${counter} ${detail}`;
}

export function consoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const writeLine = (text: string) => stream.write(`${text}\n`);
  return {
    info: writeLine,
    step: (task, current, total, detail) => writeLine(formatStep(task, current, total, detail)),
    output(task, line) {
      if (options.verbose && line.trim()) writeLine(`  ${task} │ ${line}`);
    },
  };
}

/** A reporter that records everything (for tests and for error messages). */
export function recordingReporter(forward?: Reporter): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info(message) {
      lines.push(message);
      forward?.info(message);
    },
    step(task, current, total, detail) {
      lines.push(formatStep(task, current, total, detail));
      forward?.step(task, current, total, detail);
    },
    output(task, line) {
      lines.push(`${task} │ ${line}`);
      forward?.output(task, line);
    },
  };
}
