/** A one-line progress bar on stderr for the CLIs; silent when stderr is not a terminal (CI logs stay clean). */
export function progressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr) {
  const width = 24;
  let done = 0;
  const draw = (current: string) => {
    if (!stream.isTTY) return;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${current}`.padEnd(
        100,
      ),
    );
  };
  return {
    start(current: string) {
      draw(current);
    },
    tick(current = '') {
      done++;
      draw(current);
    },
    finish() {
      if (stream.isTTY) stream.write(`\r${' '.repeat(100)}\r`);
    },
  };
}
