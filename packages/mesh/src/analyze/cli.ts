/**
 * pnpm --filter @movies/mesh analyze [overlay|all] [--rendered] [--json] [--list]
 * pnpm --filter @movies/mesh analyze --file manifests.yaml [--split 80-20]
 * Renders overlays and prints every finding of the offline checks; exits 1 when any check fails.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listOverlays, parseManifests } from '../overlays.js';
import { progressBar } from '../progress.js';
import { splitFromName } from './expected-split.js';
import type { Finding, OverlayAnalysis } from './index.js';

const USAGE = `usage: analyze [overlay|all] [--rendered] [--json]
       analyze --file manifests.yaml [--split 80-20] [--json]
       analyze --list
  overlay     one of: ${listOverlays().join(', ')} (default: all)
  --rendered  read k8s/rendered/<overlay>.yaml instead of running kubectl kustomize
  --file      analyze a multi-document YAML file (e.g. kubectl kustomize output)
  --split     the split the file must implement, e.g. 80-20
  --list      list the checks`;

interface Args {
  target: string;
  rendered: boolean;
  json: boolean;
  list: boolean;
  file?: string;
  split?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { target: 'all', rendered: false, json: false, list: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--rendered') args.rendered = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--list') args.list = true;
    else if (arg === '--file' || arg === '--split') {
      const value = argv[++i];
      if (!value) throw new UsageError(`${arg} needs a value`);
      args[arg === '--file' ? 'file' : 'split'] = value;
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new UsageError(`expected one overlay, got ${positional.join(' ')}`);
  if (positional[0]) args.target = positional[0];
  if (args.target !== 'all' && !listOverlays().includes(args.target)) {
    throw new UsageError(`unknown overlay "${args.target}"`);
  }
  if (args.split && !splitFromName(args.split))
    throw new UsageError(`--split must look like 80-20, got "${args.split}"`);
  return args;
}

class UsageError extends Error {}

function printFindings(
  label: string,
  findings: readonly Finding[],
  formatFinding: (finding: Finding) => string,
): void {
  if (findings.length === 0) {
    console.log(`ok    ${label}`);
    return;
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  console.log(`FAIL  ${label}: ${errors} error(s), ${findings.length - errors} warning(s)`);
  for (const finding of findings) console.log(`      [${finding.check}] ${formatFinding(finding)}`);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  // Loaded after the arguments are checked: the schemas take seconds to load, a usage error should not wait.
  const { analyzeObjects, analyzeOverlay, CHECKS, formatFinding, hasErrors } = await import('./index.js');
  if (args.list) {
    for (const [id, description] of Object.entries(CHECKS)) console.log(`${id.padEnd(30)} ${description}`);
    return 0;
  }
  if (args.file) {
    // pnpm runs scripts in packages/mesh; INIT_CWD is where the user typed the command.
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), args.file);
    const objects = parseManifests(readFileSync(file, 'utf8'), args.file);
    if (objects.length === 0) throw new Error(`${args.file} holds no Kubernetes objects`);
    const findings = analyzeObjects(objects, {
      expectedSplit: args.split ? splitFromName(args.split) : undefined,
      overlay: args.split,
    });
    if (args.json) console.log(JSON.stringify({ file: args.file, findings }, null, 2));
    else printFindings(`${args.file} (${objects.length} objects)`, findings, formatFinding);
    return hasErrors(findings) ? 1 : 0;
  }
  const overlays = args.target === 'all' ? listOverlays() : [args.target];
  const bar = progressBar(overlays.length, 'analyzing');
  const analyses: OverlayAnalysis[] = [];
  for (const overlay of overlays) {
    bar.start(overlay);
    analyses.push(await analyzeOverlay(overlay, args.rendered ? { kubectl: false } : {}));
    bar.tick(overlay);
  }
  bar.finish();
  if (args.json) {
    console.log(
      JSON.stringify(
        analyses.map(({ overlay, splitFrom, objects, findings }) => ({
          overlay,
          splitFrom,
          objects: objects.length,
          findings,
        })),
        null,
        2,
      ),
    );
  } else {
    for (const { overlay, objects, splitFrom, findings } of analyses) {
      const built = splitFrom && splitFrom !== overlay ? `, on ${splitFrom}` : '';
      printFindings(`${overlay} (${objects.length} objects${built})`, findings, formatFinding);
    }
    const failed = analyses.filter((analysis) => hasErrors(analysis.findings)).length;
    console.log(
      `\n${analyses.length} overlay(s), ${Object.keys(CHECKS).length} checks: ${failed === 0 ? 'all passed' : `${failed} failed`}`,
    );
  }
  return analyses.some((analysis) => hasErrors(analysis.findings)) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(`analyze: ${error.message}`);
      console.error(USAGE);
      process.exit(2);
    }
    console.error(`analyze: ${error.message}`);
    process.exit(1);
  },
);
