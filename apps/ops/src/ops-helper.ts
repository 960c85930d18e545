/**
 * The scripts' bridge to @movies/mesh, so no bash or jq code parses a VirtualService a second time.
 *   ops-helper plan-shift V1 V2   stdin: `kubectl get virtualservice -o json`; stdout: the guarded JSON patch
 *   ops-helper split              stdin: the same JSON; stdout: "movie-backend (rule weighted-split): v1 80 %, v2 20 %"
 *   ops-helper render [--namespace NS] [--skip-namespace-object] [--except OVERLAY] [--skip-group G]... OVERLAY...
 *                                 stdout: a YAML stream of the overlays' objects, minus those --except renders;
 *                                 --also overlays are read from k8s/rendered/ when committed (no kubectl run)
 * Exit codes: 0 ok, 64 usage, 65 the input object cannot be used (message on stderr).
 */
import { readFileSync } from 'node:fs';
import { renderManifests, toYamlStream } from './render-manifests.js';
import { describeSplit, planShift } from './shift-plan.js';

const USAGE =
  'usage: ops-helper plan-shift V1 V2 | split | render [--namespace NS] [--skip-namespace-object] [--except OVERLAY] [--skip-group GROUP]... [--also OVERLAY]... OVERLAY...';

class UsageError extends Error {}

function readStdinJson(): unknown {
  const text = readFileSync(0, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `expected the JSON of a VirtualService on stdin, got: ${text.slice(0, 80) || '(nothing)'}`,
    );
  }
}

function parseWeight(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number`);
  return Number(value);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'plan-shift': {
      const weights = { v1: parseWeight(args[0], 'V1'), v2: parseWeight(args[1], 'V2') };
      const plan = planShift(readStdinJson(), weights);
      process.stdout.write(`${JSON.stringify(plan.patch)}\n`);
      return;
    }
    case 'split':
      process.stdout.write(`${describeSplit(readStdinJson())}\n`);
      return;
    case 'render': {
      let namespace: string | undefined;
      let skipNamespaceObject = false;
      let except: string | undefined;
      const skipGroups: string[] = [];
      const also: string[] = [];
      const overlays: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] as string;
        if (arg === '--namespace') namespace = args[++i];
        else if (arg === '--skip-namespace-object') skipNamespaceObject = true;
        else if (arg === '--except') except = args[++i];
        else if (arg === '--skip-group') skipGroups.push(args[++i] ?? '');
        else if (arg === '--also') also.push(args[++i] ?? '');
        else overlays.push(arg);
      }
      if (overlays.length === 0) throw new UsageError('render needs at least one overlay');
      process.stdout.write(
        toYamlStream(
          await renderManifests(overlays, { namespace, skipNamespaceObject, except, skipGroups, also }),
        ),
      );
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`ops-helper: ${(error as Error).message}${usage ? `\n${USAGE}` : ''}\n`);
  process.exitCode = usage ? 64 : 65;
});
