/**
 * Starts parts stage by stage (each stage once the previous one answers), and ends them all together: on a
 * signal (stop), or when any part fails to start or exits on its own, in which case `run` resolves with that
 * part's failure once everything else has stopped.
 */
import { watch } from 'node:fs';
import { Part, PartFailure, type PartSpec, type Write } from './part.js';

const colours = [34, 35, 36, 33, 32];

export interface StackOptions {
  stages: readonly (readonly PartSpec[])[];
  write: Write;
  colour: boolean;
  /** Restarts these parts when a file under `dir` changes (the backends' sources). */
  restartOnChange?: { dir: string; parts: readonly string[] };
}

export class Stack {
  private readonly stages: Part[][];
  private stopping: Promise<void> | undefined;
  private failure: PartFailure | undefined;
  private readonly restarting = new Set<Part>();
  private resolveFinished!: (failure: PartFailure | undefined) => void;
  private readonly finished = new Promise<PartFailure | undefined>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(private readonly options: StackOptions) {
    const width = Math.max(...options.stages.flat().map((spec) => spec.name.length));
    let index = 0;
    this.stages = options.stages.map((stage) =>
      stage.map((spec) => {
        const name = spec.name.padEnd(width);
        const colour = colours[index++ % colours.length];
        const label = options.colour ? `\x1b[${colour}m${name} |\x1b[0m ` : `${name} | `;
        return new Part(spec, options.write, label);
      }),
    );
  }

  /** Starts every stage; `onReady` runs once all parts answer. Resolves when the stack has stopped. */
  async run(onReady: () => void): Promise<PartFailure | undefined> {
    try {
      for (const stage of this.stages) {
        if (this.stopping) break;
        for (const part of stage) this.launch(part);
        await Promise.all(stage.map((part) => part.waitReady()));
      }
      if (!this.stopping) {
        this.watchSources();
        onReady();
      }
    } catch (error) {
      this.fail(error);
    }
    return this.finished;
  }

  /** Stops every part, the last stage first. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stage of [...this.stages].reverse()) await Promise.all(stage.map((part) => part.stop()));
      this.resolveFinished(this.failure);
    })();
    return this.stopping;
  }

  private launch(part: Part): void {
    part.start();
    void part.exited.then((how) => {
      if (!this.stopping && !this.restarting.has(part)) this.fail(new PartFailure(part.spec.name, how));
    });
  }

  private fail(error: unknown): void {
    if (this.stopping) return;
    this.failure =
      error instanceof PartFailure
        ? error
        : new PartFailure('dev', (error as Error).message ?? String(error));
    void this.stop();
  }

  private watchSources(): void {
    const restart = this.options.restartOnChange;
    if (!restart) return;
    const parts = this.stages.flat().filter((part) => restart.parts.includes(part.spec.name));
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(restart.dir, { recursive: true }, (_event, file) => {
      clearTimeout(timer);
      timer = setTimeout(() => void Promise.all(parts.map((part) => this.restart(part, file))), 300);
    });
    void this.finished.then(() => {
      clearTimeout(timer);
      watcher.close();
    });
  }

  private async restart(part: Part, file: string | null): Promise<void> {
    if (this.stopping || this.restarting.has(part)) return;
    this.restarting.add(part);
    this.options.write(`dev: ${part.spec.name}: ${file ?? 'a source file'} changed, restarting\n`);
    try {
      await part.stop();
      if (this.stopping) return;
      this.launch(part);
      await part.waitReady();
    } catch (error) {
      if (!this.stopping) this.options.write(`dev: ${(error as Error).message}; fix it and save again\n`);
    } finally {
      this.restarting.delete(part);
    }
  }
}
