#!/usr/bin/env node
/**
 * kubectl for the pipeline tests: the recording stand-in (kubectl-stand-in.mjs) answers every call, and after a
 * call that changed the cluster the split of VirtualService movie-backend in the stand-in's state is pushed to the
 * local gateway (PUT /__mesh) — as istiod pushes a VirtualService to the ingress gateway's Envoy. So a pipeline
 * that shifts "the cluster" with kubectl moves the traffic the local stack serves, and the canary's load measures it.
 * The split is read by the ops helper (`ops-helper split`, the one VirtualService reader the scripts use).
 *
 * Environment: the stand-in's (KUBECTL_STAND_IN_STATE, KUBECTL_STAND_IN_LOG, KUBECTL_REAL), MESH_BRIDGE_GATEWAY
 * (the local gateway's URL) and MESH_BRIDGE_OPS_HELPER (the ops-helper bundle).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MUTATING = new Set(['apply', 'patch', 'delete', 'replace', 'create']);
const VALUE_FLAGS = new Set(['-n', '--namespace', '-o', '--output', '-f', '-k', '-p', '--type', '-l']);

function verbOf(args) {
  for (let i = 0; i < args.length; i++) {
    if (VALUE_FLAGS.has(args[i])) i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}

/** The split plain /api/ requests get from VirtualService movie-backend in the stand-in's state. */
function clusterSplit() {
  const state = JSON.parse(readFileSync(process.env.KUBECTL_STAND_IN_STATE, 'utf8'));
  const virtualService = state.objects.find(
    (o) => o.kind === 'VirtualService' && o.metadata.name === 'movie-backend',
  );
  if (!virtualService) return;
  const helper = spawnSync(process.execPath, [process.env.MESH_BRIDGE_OPS_HELPER, 'split'], {
    input: JSON.stringify(virtualService),
    encoding: 'utf8',
  });
  if (helper.status !== 0) throw new Error(`mesh bridge: ops-helper split failed: ${helper.stderr}`);
  // "movie-backend (rule weighted-split): v1 80 %, v2 20 %"
  return Object.fromEntries(
    [...helper.stdout.matchAll(/(\w+) ([\d.]+) %/g)].map(([, subset, weight]) => [subset, Number(weight)]),
  );
}

const args = process.argv.slice(2);
const standIn = fileURLToPath(new URL('./kubectl-stand-in.mjs', import.meta.url));
const result = spawnSync(process.execPath, [standIn, ...args], { stdio: 'inherit' });
const status = result.status ?? 1;
if (status === 0 && MUTATING.has(verbOf(args)) && !args.some((a) => a.startsWith('--dry-run'))) {
  try {
    const weights = clusterSplit();
    if (weights) {
      const response = await fetch(`${process.env.MESH_BRIDGE_GATEWAY}/__mesh`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ weights }),
      });
      if (!response.ok) throw new Error(`PUT /__mesh answered ${response.status}: ${await response.text()}`);
    }
  } catch (error) {
    process.stderr.write(`mesh bridge: ${error.message}\n`);
    process.exit(2);
  }
}
process.exit(status);
