/**
 * A one-line progress bar on stderr (plain lines when stderr is not a terminal, e.g. in CI logs), with the
 * (total, label) order of @movies/cli-kit's bar. The backend keeps this copy because it has no workspace
 * dependencies: its image installs apps/backend alone (docker/backend.Dockerfile) and its build compiles src/ only.
 */
export function progressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr) {
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
