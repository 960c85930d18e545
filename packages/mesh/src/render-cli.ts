/**
 * pnpm --filter @movies/mesh render [--check]
 * Writes k8s/rendered/<overlay>.yaml for every overlay; --check only reports stale files (exit 1).
 */

import { parseArgs } from 'node:util';
import { progressBar } from '@movies/cli-kit';
import { listOverlays } from './overlays.js';
import { renderAll } from './render.js';

async function main(argv: string[]): Promise<number> {
  const { tokens } = parseArgs({
    args: argv,
    options: { check: { type: 'boolean' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  // Anything but a bare --check is named back as typed.
  const unknownAt = tokens
    .filter((token) => token.kind !== 'option' || token.name !== 'check' || token.value !== undefined)
    .map((token) => token.index);
  const unknown = [...new Set(unknownAt)].map((index) => argv[index] as string);
  if (unknown.length > 0) {
    console.error(`render: unknown argument ${unknown.join(' ')}\nusage: render [--check]`);
    return 2;
  }
  const check = tokens.length > 0;
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
