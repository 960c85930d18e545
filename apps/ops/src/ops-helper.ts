/**
 * The scripts' bridge to @movies/mesh, so no bash or jq code parses a VirtualService (or any JSON) a second time.
 *   ops-helper plan-shift V1 V2   stdin: `kubectl get virtualservice -o json`; stdout: the guarded JSON patch
 *   ops-helper split              stdin: the same JSON; stdout: "movie-backend (rule weighted-split): v1 80 %, v2 20 %"
 *   ops-helper render [--namespace NS] [--skip-namespace-object] [--except OVERLAY] [--skip-group G]... OVERLAY...
 *                                 stdout: a YAML stream of the overlays' objects, minus those --except renders;
 *                                 --also overlays are read from k8s/rendered/ when committed (no kubectl run);
 *                                 --progressive: the names are Flagger variants of k8s/progressive-delivery
 *   ops-helper mesh-weights       stdin: the gateway's /__mesh JSON; stdout: "V1 V2" (its error answer: exit 69)
 *   ops-helper prometheus-scalar  stdin: a Prometheus instant-query answer; stdout: its sample to 2 decimals
 *   ops-helper canary-check       stdin: `traffic test --json`; stdout: "REQUESTS V2_SHARE SUCCESS P99"
 *   ops-helper canary-verdict EXIT_CODE SUMMARY
 *                                 stdin: canary.sh's tab-separated record; stdout: the verdict JSON
 *   ops-helper weights V1 V2      stdout: "V1 V2" when they are a valid split (@movies/mesh's rule)
 *   ops-helper canary-steps LIST  stdout: the steps, checked (each a weight above 0, rising to 100)
 *   ops-helper target [--local | --cluster] [--url URL]
 *                                 stdout: "MODE URL" (URL "-" when the cluster's ingress is to be found); stderr:
 *                                 why, when the mode was detected (the traffic CLI's rule, apps/traffic/src/target.ts)
 * Exit codes: 0 ok, 64 usage or a bad value, 65 the input cannot be used, 69 a local gateway that does not answer,
 * 78 a bad environment variable (message on stderr).
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AppError, exitCodeOf, UsageError } from '@movies/contracts/errors';
import { parseSplit } from '@movies/mesh';
import { canaryCheck, canaryVerdict, meshWeights, prometheusScalar } from './canary-json.js';
import { renderManifests, toYamlStream } from './render-manifests.js';
import { checkCanarySteps, checkTarget, checkWeights } from './script-checks.js';
import { describeSplit, planShift } from './shift-plan.js';

const USAGE =
  'usage: ops-helper plan-shift V1 V2 | split | render [--namespace NS] [--skip-namespace-object] [--except OVERLAY] [--skip-group GROUP]... [--also OVERLAY]... [--progressive] OVERLAY...\n' +
  '       | mesh-weights | prometheus-scalar | canary-check | canary-verdict EXIT_CODE SUMMARY\n' +
  '       | weights V1 V2 | canary-steps LIST | target [--local | --cluster] [--url URL]';

function readStdinJson(what = 'a VirtualService'): unknown {
  const text = readFileSync(0, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(
      'DATA_INVALID',
      `expected the JSON of ${what} on stdin, got: ${text.slice(0, 80) || '(nothing)'}`,
    );
  }
}

function parse(args: string[], options: ParseArgsConfig['options'] = {}) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function render(args: string[]): Promise<string> {
  const { values, positionals } = parse(args, {
    namespace: { type: 'string' },
    'skip-namespace-object': { type: 'boolean' },
    except: { type: 'string' },
    'skip-group': { type: 'string', multiple: true },
    also: { type: 'string', multiple: true },
    progressive: { type: 'boolean' },
  });
  if (positionals.length === 0) throw new UsageError('render needs at least one overlay');
  const manifests = await renderManifests(positionals, {
    namespace: values.namespace as string | undefined,
    skipNamespaceObject: values['skip-namespace-object'] === true,
    except: values.except as string | undefined,
    skipGroups: (values['skip-group'] as string[] | undefined) ?? [],
    also: (values.also as string[] | undefined) ?? [],
    progressive: values.progressive === true,
  });
  return toYamlStream(manifests);
}

async function target(args: string[]): Promise<string> {
  const { values } = parse(args, {
    local: { type: 'boolean' },
    cluster: { type: 'boolean' },
    url: { type: 'string' },
  });
  if (values.local && values.cluster) throw new UsageError('target takes --local or --cluster, not both');
  const mode = values.local ? 'local' : values.cluster ? 'cluster' : undefined;
  const choice = await checkTarget(mode, values.url as string | undefined);
  if (choice.detected) process.stderr.write(`target: ${choice.mode} (${choice.detected})\n`);
  return `${choice.mode} ${choice.url ?? '-'}\n`;
}

function verdict(args: string[]): string {
  const [code, summary = ''] = parse(args).positionals;
  if (code === undefined || !/^\d+$/.test(code)) throw new UsageError('EXIT_CODE must be a whole number');
  return `${JSON.stringify(canaryVerdict(Number(code), summary, readFileSync(0, 'utf8')), null, 2)}\n`;
}

const commands: Record<string, (args: string[]) => string | Promise<string>> = {
  'plan-shift': (args) => {
    const [v1 = '', v2 = ''] = parse(args).positionals;
    const plan = planShift(
      readStdinJson(),
      parseSplit([
        ['v1', v1],
        ['v2', v2],
      ]),
    );
    return `${JSON.stringify(plan.patch)}\n`;
  },
  split: () => `${describeSplit(readStdinJson())}\n`,
  render,
  'mesh-weights': () => `${meshWeights(readStdinJson('the gateway state'))}\n`,
  'prometheus-scalar': () => `${prometheusScalar(readStdinJson('a Prometheus answer'))}\n`,
  'canary-check': () => `${canaryCheck(readStdinJson('a traffic CLI report'))}\n`,
  'canary-verdict': verdict,
  weights: (args) => `${checkWeights(parse(args).positionals)}\n`,
  'canary-steps': (args) => `${checkCanarySteps(parse(args).positionals.join(','))}\n`,
  target,
};

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const run = command === undefined ? undefined : commands[command];
  if (!run) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  process.stdout.write(await run(args));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`ops-helper: ${(error as Error).message}${usage ? `\n${USAGE}` : ''}\n`);
  process.exitCode = exitCodeOf(error);
});
