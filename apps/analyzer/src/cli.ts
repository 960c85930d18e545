/**
 * pnpm analyze [overlay|all] [--rendered] [--json] [--list]   (pnpm --filter @movies/analyzer analyze …)
 * pnpm analyze --file manifests.yaml [--split 80-20]
 * Renders overlays and prints every finding of the offline checks; exits 1 when any check fails.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '@movies/cli-kit';
import { exitCodeOf, UsageError } from '@movies/contracts/errors';
import { listOverlays, parseManifests } from '@movies/mesh';
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
  file: string | undefined;
  split: string | undefined;
}

const OPTIONS = {
  rendered: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  file: { type: 'string' },
  split: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** node:util parseArgs, with its errors (unknown option, missing value) reported as usage errors. */
function parseOrExplain(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readArgs(argv: string[]): Args {
  const { values, positionals } = parseOrExplain(argv);
  if (values.help) throw new UsageError('');
  if (positionals.length > 1) throw new UsageError(`expected one overlay, got ${positionals.join(' ')}`);
  const target = positionals[0] ?? 'all';
  if (target !== 'all' && !listOverlays().includes(target))
    throw new UsageError(`unknown overlay "${target}"`);
  if (values.split !== undefined && !splitFromName(values.split))
    throw new UsageError(`--split must look like 80-20, got "${values.split}"`);
  const { rendered, json, list, file, split } = values;
  return { target, rendered, json, list, file, split };
}

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

/** The analyzer's entry point, loaded only once the arguments are known to be good. */
type Analyzer = typeof import('./index.js');

async function main(argv: string[]): Promise<number> {
  const args = readArgs(argv);
  // Loaded after the arguments are checked: the schemas take seconds to load, a usage error should not wait.
  const analyzer = await import('./index.js');
  if (args.list) {
    for (const [id, description] of Object.entries(analyzer.CHECKS))
      console.log(`${id.padEnd(30)} ${description}`);
    return 0;
  }
  if (args.file) return analyzeFile(args.file, args, analyzer);
  const analyses = await analyzeOverlays(
    args.target === 'all' ? listOverlays() : [args.target],
    args.rendered,
    analyzer,
  );
  if (args.json) printJson(analyses);
  else printSummary(analyses, analyzer);
  return analyses.some((analysis) => analyzer.hasErrors(analysis.findings)) ? 1 : 0;
}

function analyzeFile(
  name: string,
  args: Args,
  { analyzeObjects, formatFinding, hasErrors }: Analyzer,
): number {
  // pnpm runs scripts in apps/analyzer; INIT_CWD is where the user typed the command.
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), name);
  const objects = parseManifests(readFileSync(file, 'utf8'), name);
  if (objects.length === 0) throw new Error(`${name} holds no Kubernetes objects`);
  const findings = analyzeObjects(objects, {
    expectedSplit: args.split ? splitFromName(args.split) : undefined,
    overlay: args.split,
  });
  if (args.json) console.log(JSON.stringify({ file: name, findings }, null, 2));
  else printFindings(`${name} (${objects.length} objects)`, findings, formatFinding);
  return hasErrors(findings) ? 1 : 0;
}

async function analyzeOverlays(
  overlays: readonly string[],
  rendered: boolean,
  { analyzeOverlay }: Analyzer,
): Promise<OverlayAnalysis[]> {
  const bar = progressBar(overlays.length, 'analyzing');
  const analyses: OverlayAnalysis[] = [];
  for (const overlay of overlays) {
    bar.start(overlay);
    analyses.push(await analyzeOverlay(overlay, rendered ? { kubectl: false } : {}));
    bar.tick(overlay);
  }
  bar.finish();
  return analyses;
}

function printJson(analyses: readonly OverlayAnalysis[]): void {
  const summary = analyses.map(({ overlay, splitFrom, objects, findings }) => ({
    overlay,
    splitFrom,
    objects: objects.length,
    findings,
  }));
  console.log(JSON.stringify(summary, null, 2));
}

function printSummary(
  analyses: readonly OverlayAnalysis[],
  { CHECKS, formatFinding, hasErrors }: Analyzer,
): void {
  for (const { overlay, objects, splitFrom, findings } of analyses) {
    const built = splitFrom && splitFrom !== overlay ? `, on ${splitFrom}` : '';
    printFindings(`${overlay} (${objects.length} objects${built})`, findings, formatFinding);
  }
  const failed = analyses.filter((analysis) => hasErrors(analysis.findings)).length;
  console.log(
    `\n${analyses.length} overlay(s), ${Object.keys(CHECKS).length} checks: ${failed === 0 ? 'all passed' : `${failed} failed`}`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(`analyze: ${error.message}`);
      console.error(USAGE);
    } else console.error(`analyze: ${error.message}`);
    process.exit(exitCodeOf(error));
  },
);
