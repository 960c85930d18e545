/**
 * pnpm --filter @movies/mesh render [--check]
 * Writes k8s/rendered/<overlay>.yaml for every overlay; --check only reports stale files (exit 1).
 */
import { listOverlays } from './overlays.js';
import { progressBar } from './progress.js';
import { renderAll } from './render.js';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`render: unknown argument ${unknown.join(' ')}\nusage: render [--check]`);
    return 2;
  }
  const check = argv.includes('--check');
  const bar = progressBar(listOverlays().length, check ? 'checking' : 'rendering');
  const { results, orphans } = await renderAll({ check, onProgress: (overlay) => bar.tick(overlay) });
  bar.finish();
  for (const result of results) console.log(`${result.status.padEnd(9)} k8s/rendered/${result.overlay}.yaml`);
  for (const orphan of orphans) console.log(`${check ? 'orphan' : 'removed'}   k8s/rendered/${orphan}`);
  const stale = results.filter((result) => result.status === 'stale').length + (check ? orphans.length : 0);
  if (stale > 0) {
    console.error(`render: ${stale} file(s) out of date — run: pnpm --filter @movies/mesh render`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`render: ${error.message}`);
    process.exit(1);
  },
);
