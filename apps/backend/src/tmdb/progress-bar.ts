/** A one-line progress bar on stderr (plain lines when stderr is not a terminal, e.g. in CI logs). */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  let done = 0;
  const width = 30;
  const render = () => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${label} ${bar} ${done}/${total}`;
    if (stream.isTTY) stream.write(`\r${line}${done === total ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
  render();
  return {
    tick() {
      done = Math.min(total, done + 1);
      render();
    },
  };
}
