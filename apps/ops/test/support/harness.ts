/**
 * Runs the scripts in scripts/ as real child processes against the kubectl stand-in (kubectl-stand-in.mjs),
 * which is put first on PATH through a temporary directory holding an executable `kubectl`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifests, renderOverlay, requireKubectl } from '@movies/mesh';
import { toolGate } from '@movies/testkit';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../../..');
export const scriptsDir = join(repoRoot, 'scripts');
const standInScript = join(here, 'kubectl-stand-in.mjs');
export const realKubectl = requireKubectl();

/** ShellCheck runs the scripts' lint checks: required in CI, skipped with a warning elsewhere when missing. */
export const shellcheck = toolGate(
  'shellcheck',
  spawnSync('shellcheck', ['--version']).status === 0,
  'the ShellCheck checks of scripts/ and the pipelines',
);

export const istioCrds = [
  'virtualservices.networking.istio.io',
  'destinationrules.networking.istio.io',
  'gateways.networking.istio.io',
  'peerauthentications.security.istio.io',
  'authorizationpolicies.security.istio.io',
];

export type KubeObject = Record<string, unknown> & {
  kind: string;
  apiVersion: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

export interface ClusterState {
  context?: string | null;
  reachable?: boolean;
  crds?: string[];
  objects?: KubeObject[];
  /**
   * Remote kustomizations (`apply -k github.com/…`), which the stand-in cannot render offline: what applying each
   * URL adds (CRD names and objects). A URL not listed fails like a kubectl without network.
   */
  remoteKustomizations?: Record<string, { crds?: string[]; objects?: KubeObject[] }>;
  /** The phase a modelled Flagger gives every Canary (`kubectl wait --for=jsonpath={.status.phase}=…`). */
  flaggerPhase?: string;
}

export interface KubectlCall {
  argv: string[];
  stdin?: string;
}

const mutatingVerbs = new Set([
  'apply',
  'patch',
  'delete',
  'label',
  'annotate',
  'replace',
  'scale',
  'edit',
  'set',
]);

/** A call that changes the cluster: create without --dry-run=client counts, create --dry-run=client does not. */
export function isMutation(call: KubectlCall): boolean {
  const verb = call.argv.find((arg, i) => !arg.startsWith('-') && !isFlagValue(call.argv, i));
  if (verb === 'create') return !call.argv.includes('--dry-run=client');
  if (verb === 'rollout') return call.argv.includes('restart');
  return verb !== undefined && mutatingVerbs.has(verb);
}

function isFlagValue(argv: string[], index: number): boolean {
  const previous = argv[index - 1];
  return previous !== undefined && /^(-n|--namespace|-o|--output|-k|-f|-p|--type|-l)$/.test(previous);
}

export interface StandIn {
  /** PATH and KUBECTL_STAND_IN_* variables for the script's environment. */
  env: Record<string, string>;
  calls(): KubectlCall[];
  mutations(): KubectlCall[];
  state(): Required<ClusterState>;
  object(kind: string, name: string): KubeObject | undefined;
  clearCalls(): void;
  cleanup(): void;
}

export function createStandIn(initial: ClusterState): StandIn {
  const dir = mkdtempSync(join(tmpdir(), 'ops-kubectl-'));
  const statePath = join(dir, 'state.json');
  const logPath = join(dir, 'calls.jsonl');
  const shim = join(dir, 'kubectl');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${standInScript}" "$@"\n`);
  chmodSync(shim, 0o755);
  writeFileSync(
    statePath,
    JSON.stringify({ context: 'kind-movies', reachable: true, crds: [], objects: [], ...initial }, null, 2),
  );
  writeFileSync(logPath, '');
  const calls = (): KubectlCall[] =>
    readFileSync(logPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as KubectlCall);
  const state = () => JSON.parse(readFileSync(statePath, 'utf8')) as Required<ClusterState>;
  return {
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      KUBECTL_STAND_IN_STATE: statePath,
      KUBECTL_STAND_IN_LOG: logPath,
      KUBECTL_REAL: realKubectl,
    },
    calls,
    mutations: () => calls().filter(isMutation),
    state,
    object: (kind, name) => state().objects.find((o) => o.kind === kind && o.metadata.name === name),
    clearCalls: () => writeFileSync(logPath, ''),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const renders = new Map<string, Promise<string>>();

/**
 * The objects `kubectl apply -k k8s/overlays/<overlay>` leaves in the cluster, from a real kustomize render
 * (once per overlay and test file; every caller gets its own copy to change).
 */
export async function renderedObjects(overlay: string): Promise<KubeObject[]> {
  let yaml = renders.get(overlay);
  if (!yaml) {
    yaml = renderOverlay(overlay, { kubectl: realKubectl }).then((rendered) => rendered.yaml);
    renders.set(overlay, yaml);
  }
  return parseManifests(await yaml) as KubeObject[];
}

/** A cluster where `overlay` was applied by deploy.sh, with the annotations it records on the namespace. */
export async function deployedCluster(overlay: string, createdByDemo = true): Promise<ClusterState> {
  const objects = await renderedObjects(overlay);
  for (const object of objects) {
    if (object.kind !== 'Namespace') continue;
    object.metadata.annotations = {
      'traffic-shifting.demo/overlay': overlay,
      ...(createdByDemo ? { 'traffic-shifting.demo/created-by': 'deploy.sh' } : {}),
    };
  }
  return { crds: [...istioCrds], objects };
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Runs scripts/<name> with stdin from `input` (or /dev/null): never a terminal, as in CI. */
export function runScript(
  name: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ScriptResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(scriptsDir, name), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${name} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    // A script that stops early (a usage error) may close stdin before it is written: not a failure of the test.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `-n <namespace>` is present in a call's argv. */
export function passesNamespace(call: KubectlCall, namespace: string): boolean {
  const index = call.argv.indexOf('-n');
  return index !== -1 && call.argv[index + 1] === namespace;
}

/** The argv without the leading `-n <namespace>` every call carries, for readable assertions. */
export function command(call: KubectlCall): string {
  const argv = [...call.argv];
  const index = argv.indexOf('-n');
  if (index !== -1) argv.splice(index, 2);
  return argv.join(' ');
}
