/**
 * The canary stage of both example pipelines, run for real from the parsed pipeline files (not a copy of their
 * lines): the local stack (backend processes + gateway) plays the cluster's ingress, the recording kubectl
 * stand-in plays the API server, and a bridge pushes every VirtualService change to the local gateway, as istiod
 * pushes it to Envoy. The job then hands over to the pipeline's own next job (promote or rollback).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack } from '@movies/gateway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { canaryStacks, meshWeights } from './support/canary-stacks.js';
import { createStandIn, deployedCluster, type StandIn } from './support/harness.js';
import {
  bridgedKubectlEnv,
  createWorkspace,
  jobsAfter,
  pipelineSettings,
  runJob,
  type Workspace,
} from './support/pipeline-run.js';
import { loadPipeline, type PipelineKind } from './support/pipelines.js';

// The pipeline's settings as a team would override them for a quick run; the p99 bound is generous because a
// loaded 2-core machine can push a healthy local request past half a second (the fault under test is errors).
const quickRun = {
  IMAGE_REGISTRY: 'registry.example.com/movies',
  CANARY_STEPS: '10,50,100',
  CANARY_INTERVAL: '0',
  CANARY_REQUESTS: '100',
  CANARY_MAX_P99_MS: '5000',
  VERIFY_REQUESTS: '200',
};

// Two jobs of a few dozen script runs each: generous, for a 2-core machine kept busy by other work.
const jobTimeoutMs = 480_000;

/** The [v1, v2] weights of each VirtualService patch the stand-in received, in order. */
function patchedWeights(standIn: StandIn): number[][] {
  return standIn
    .mutations()
    .filter((call) => call.argv.includes('patch'))
    .map((call) => {
      const patch = JSON.parse(call.argv.at(-1) as string) as Array<{ op: string; value: unknown }>;
      return patch.filter((op) => op.op === 'replace').map((op) => op.value as number);
    });
}

function readJson(workspace: Workspace, file: string): Record<string, unknown> {
  const path = join(workspace.dir, file);
  expect(existsSync(path), `${file} was not written`).toBe(true);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

const pipelines: { kind: PipelineKind; path: string }[] = [
  { kind: 'gitlab', path: 'examples/ci/gitlab-ci.yml' },
  { kind: 'github', path: 'examples/ci/github-canary.yml' },
];

describe.each(pipelines)('the canary stage of $path, run from the file', ({ kind, path }) => {
  const pipeline = loadPipeline(path, kind);
  const stacks = canaryStacks();
  let workspace: Workspace | undefined;
  let standIn: StandIn | undefined;

  afterEach(() => {
    standIn?.cleanup();
    workspace?.cleanup();
    standIn = undefined;
    workspace = undefined;
  });

  /**
   * kustomize, for `registry-images.sh set` in the jobs that apply an overlay: a stand-in that logs its argv (no
   * kustomize binary here; its edit would change the repository's k8s/base through the workspace's links).
   */
  function kustomizeStandIn(dir: string): string {
    const file = join(dir, '.kustomize');
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/kustomize.log"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /** The state the deploy job leaves (overlay 100-0 applied by deploy.sh), and the job environment. */
  async function prepare(stack: LocalStack): Promise<Record<string, string>> {
    workspace = createWorkspace();
    standIn = createStandIn(await deployedCluster('100-0'));
    return {
      KUSTOMIZE: kustomizeStandIn(workspace.dir),
      ...pipelineSettings(pipeline),
      ...quickRun,
      GATEWAY_URL: stack.gatewayUrl,
      ...bridgedKubectlEnv(standIn, stack.gatewayUrl, workspace),
      RUNNER_TEMP: workspace.dir,
      GITHUB_ENV: join(workspace.dir, 'github-env'),
      GITHUB_STEP_SUMMARY: join(workspace.dir, 'step-summary.md'),
    };
  }

  /**
   * The pipeline's next job after a canary that ended in `outcome`: it is `job`, it exits 0, its split check
   * measures the `configured` weights with the `counts` seen, and the namespace records `overlay`.
   */
  async function runNextJob(
    outcome: 'success' | 'failure',
    job: string,
    env: Record<string, string>,
    expected: { configured: Record<string, number>; counts: Record<string, number>; overlay: string },
  ): Promise<void> {
    expect(jobsAfter(pipeline, 'canary', outcome)).toEqual([job]);
    const run = await runJob(pipeline, job, { cwd: (workspace as Workspace).dir, env });
    expect(run.code, run.log).toBe(0);
    expect(readJson(workspace as Workspace, 'split-after.json')).toMatchObject({
      configured: expected.configured,
      counts: expected.counts,
      verdict: 'pass',
      exitCode: 0,
    });
    const namespace = (standIn as StandIn).object('Namespace', 'movies');
    expect(namespace?.metadata.annotations?.['traffic-shifting.demo/overlay']).toBe(expected.overlay);
    // Before its apply, the job pointed k8s/base at the registry (the canary job applies nothing, so sets nothing).
    expect(readFileSync(join((workspace as Workspace).dir, 'kustomize.log'), 'utf8')).toBe(
      'edit set image movie-backend=registry.example.com/movies/movie-backend:0.1.0 movie-frontend=registry.example.com/movies/movie-frontend:0.1.0\n',
    );
  }

  it(
    'promotes a healthy v2 step by step; the promote job records 0-100 and measures it',
    async () => {
      const env = await prepare(stacks.healthy);
      const dir = (workspace as Workspace).dir;
      const canary = await runJob(pipeline, 'canary', { cwd: dir, env });

      expect(canary.code, canary.log).toBe(0);
      expect(canary.log).toContain('PROMOTED: v2 takes 100 % (0-100) after 3 check(s), 0 failed');
      const verdict = readJson(workspace as Workspace, 'canary-verdict.json');
      expect(verdict).toEqual({
        verdict: 'promoted',
        exitCode: 0,
        summary: 'PROMOTED: v2 takes 100 % (0-100) after 3 check(s), 0 failed',
        settings: {
          namespace: 'movies',
          steps: '10,50,100',
          interval: 0,
          requests: 100,
          minSuccessRate: 99,
          maxP99Ms: 5000,
          maxFailedChecks: 2,
        },
        steps: [10, 50, 100].map((step, i) => ({
          check: i + 1,
          step,
          weights: { v1: 100 - step, v2: step },
          requests: 100,
          v2Share: expect.any(Number),
          successRate: 100,
          p99Ms: expect.any(Number),
          source: 'cli',
          result: 'pass',
          reason: null,
        })),
        finalWeights: { v1: 0, v2: 100 },
      });
      expect((verdict.steps as Array<{ v2Share: number }>).at(-1)?.v2Share).toBe(100);
      expect(canary.log).toContain('"verdict": "promoted"');
      expect(patchedWeights(standIn as StandIn)).toEqual([
        [90, 10],
        [50, 50],
        [0, 100],
      ]);
      expect(await meshWeights(stacks.healthy)).toEqual({ v1: 0, v2: 100 });

      await runNextJob('success', 'promote', env, {
        configured: { v1: 0, v2: 100 },
        counts: { v2: 200 },
        overlay: '0-100',
      });
    },
    jobTimeoutMs,
  );

  it(
    'fails the job with the verdict when v2 fails 30 % of its requests; rollback keeps 100-0',
    async () => {
      const env = await prepare(stacks.faulty);
      const dir = (workspace as Workspace).dir;
      const canary = await runJob(pipeline, 'canary', { cwd: dir, env });

      expect(canary.code, canary.log).toBe(1);
      expect(canary.log).toMatch(
        /ROLLED BACK to 100-0 \(all traffic to v1\) after 2 failed check\(s\); v2 reached \d+ %/,
      );
      const verdict = readJson(workspace as Workspace, 'canary-verdict.json');
      expect(verdict).toMatchObject({
        verdict: 'rolled-back',
        exitCode: 1,
        finalWeights: { v1: 100, v2: 0 },
      });
      const checks = verdict.steps as Array<{ result: string; reason: string | null }>;
      expect(checks.filter((check) => check.result === 'fail')).toHaveLength(2);
      expect(checks.at(-1)?.reason).toMatch(/^success rate [\d.]+ % < 99 %$/);
      expect(verdict.summary).toMatch(
        /^ROLLED BACK to 100-0 \(all traffic to v1\) after 2 failed check\(s\)/,
      );
      expect(canary.log).toContain('"verdict": "rolled-back"');
      expect(patchedWeights(standIn as StandIn).at(-1)).toEqual([100, 0]);
      expect(await meshWeights(stacks.faulty)).toEqual({ v1: 100, v2: 0 });
      if (kind === 'github') {
        expect(canary.log).toContain('::error title=canary::ROLLED BACK to 100-0');
        expect(readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain(
          'Canary report: v1 → v2 on cluster',
        );
      }

      await runNextJob('failure', 'rollback', env, {
        configured: { v1: 100, v2: 0 },
        counts: { v1: 200 },
        overlay: '100-0',
      });
    },
    jobTimeoutMs,
  );
});
