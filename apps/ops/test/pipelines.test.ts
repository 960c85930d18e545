/**
 * The CI pipeline files (issue 14), checked without a CI system: each validates against the published JSON schema
 * of its system (committed in test/schemas, see SOURCE.md), and every repository command their shell calls exists
 * and gets only arguments its own --help accepts. Broken fixtures prove each check fails on the defect it is for.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderedObjects, shellcheck } from './support/harness.js';
import {
  invocationErrors,
  invocations,
  loadPipeline,
  type PipelineFile,
  type PipelineKind,
  pipelineFiles,
  schemaErrors,
  shellUnits,
} from './support/pipelines.js';
import { parseCommands } from './support/shell-words.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'pipelines');

function fixture(name: string, kind: PipelineKind, edit: (text: string) => string = (t) => t): PipelineFile {
  const text = edit(readFileSync(join(fixtures, name), 'utf8'));
  return { kind, path: `test/fixtures/pipelines/${name}`, document: parse(text) as Record<string, unknown> };
}

describe('the pipeline files validate against their published JSON schemas', () => {
  it.each(pipelineFiles)('$path ($kind)', ({ path, kind }) => {
    expect(schemaErrors(loadPipeline(path, kind))).toEqual([]);
  });
});

describe('every repository command a pipeline calls exists and gets arguments its --help accepts', () => {
  it.each(pipelineFiles)('$path', async ({ path, kind }) => {
    expect(await invocationErrors(loadPipeline(path, kind))).toEqual([]);
  });

  it('finds the calls in run:/script: lines, substitutions and loops included', () => {
    const called = (path: string, kind: PipelineKind) => [
      ...new Set(invocations(loadPipeline(path, kind)).map((call) => call.name)),
    ];
    const canaryPipeline = [
      'scripts/registry-images.sh',
      'pnpm images',
      'scripts/deploy.sh',
      'scripts/canary.sh',
      'scripts/test-traffic.sh',
    ];
    expect(called('examples/ci/gitlab-ci.yml', 'gitlab')).toEqual(canaryPipeline);
    expect(called('examples/ci/github-canary.yml', 'github')).toEqual(canaryPipeline);
    expect(called('.github/workflows/cluster-e2e.yml', 'github')).toEqual([
      'pnpm images',
      'scripts/deploy.sh',
      'scripts/test-traffic.sh',
      'scripts/canary.sh',
      'scripts/cleanup.sh',
    ]);
  });

  it('the GitLab and GitHub pipelines run the canary with the same arguments and the same settings', () => {
    const canaryCall = (path: string, kind: PipelineKind) =>
      invocations(loadPipeline(path, kind))
        .filter((call) => call.name === 'scripts/canary.sh')
        .map((call) => call.args.map((arg) => arg.value));
    const gitlab = loadPipeline('examples/ci/gitlab-ci.yml', 'gitlab');
    const github = loadPipeline('examples/ci/github-canary.yml', 'github');
    expect(canaryCall(github.path, 'github')).toEqual(canaryCall(gitlab.path, 'gitlab'));
    const gitlabVariables = Object.keys(gitlab.document.variables as object);
    expect(gitlabVariables).toEqual(expect.arrayContaining(Object.keys(github.document.env as object)));
  });
});

describe('the canary pipelines deploy from the registry of their one image input', () => {
  const examples = pipelineFiles.filter(({ path }) => path.startsWith('examples/ci/'));
  const callsByJob = (pipeline: PipelineFile) => {
    const jobs = new Map<string, string[]>();
    for (const call of invocations(pipeline)) {
      const job = call.where.split('.')[0] as string;
      const line = [call.name, ...call.args.map((arg) => arg.value)].join(' ');
      jobs.set(job, [...(jobs.get(job) ?? []), line]);
    }
    return jobs;
  };

  it.each(examples)(
    '$path: the build names the images in the registry before building, then pushes',
    ({ path, kind }) => {
      const build = callsByJob(loadPipeline(path, kind)).get('build-images');
      expect(build).toEqual([
        'scripts/registry-images.sh set $IMAGE_REGISTRY',
        'pnpm images --engine docker --quiet',
        'scripts/registry-images.sh push $IMAGE_REGISTRY',
      ]);
    },
  );

  // An overlay renders k8s/base: applied without the registry, it would put the pods back on the unqualified names.
  it.each(examples)('$path: every job that applies an overlay sets the registry first', ({ path, kind }) => {
    for (const [job, calls] of callsByJob(loadPipeline(path, kind))) {
      const firstApply = calls.findIndex((call) => call.startsWith('scripts/deploy.sh apply'));
      if (firstApply === -1) continue;
      expect(calls.slice(0, firstApply), job).toContain('scripts/registry-images.sh set $IMAGE_REGISTRY');
    }
  });

  it('takes the registry as one setting, with no push switch that could leave the names unqualified', () => {
    const gitlab = loadPipeline('examples/ci/gitlab-ci.yml', 'gitlab').document.variables as Record<
      string,
      unknown
    >;
    const github = (
      loadPipeline('examples/ci/github-canary.yml', 'github').document.on as {
        workflow_dispatch: { inputs: Record<string, { required?: boolean }> };
      }
    ).workflow_dispatch.inputs;
    expect(gitlab.IMAGE_REGISTRY).toMatchObject({ value: '$CI_REGISTRY_IMAGE' });
    expect(github['image-registry']).toMatchObject({ required: true });
    expect(Object.keys(gitlab).filter((name) => /PUSH/.test(name))).toEqual([]);
    expect(Object.keys(github).filter((name) => /push/.test(name))).toEqual([]);
  });
});

describe.runIf(shellcheck.run)('the shell of every job is ShellCheck clean', () => {
  it.each(pipelineFiles)('$path', ({ path, kind }) => {
    shellcheck.assertAvailable();
    const findings: string[] = [];
    for (const unit of shellUnits(loadPipeline(path, kind))) {
      const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', '-'], {
        input: unit.script,
        encoding: 'utf8',
      });
      if (result.error) throw result.error;
      if (result.status !== 0) findings.push(`${unit.where}:${result.stdout}`);
    }
    expect(findings).toEqual([]);
  });
});

describe('the shell parser the checks rely on', () => {
  it('splits commands at operators and keeps quoted words whole', () => {
    const commands = parseCommands(
      `status=0\nscripts/canary.sh --steps "$STEPS" --url 'http://a b' | tee out.txt || status=$?\n` +
        `for i in $(seq 1 3); do curl -s "x" 2>&1 >/dev/null; done # a comment\nnode -e '\n a; b\n' "$(tail -n 1 f)" > v.json`,
    );
    expect(commands.map((c) => c.words.map((w) => w.value))).toEqual([
      ['scripts/canary.sh', '--steps', '$STEPS', '--url', 'http://a b'],
      ['tee', 'out.txt'],
      ['seq', '1', '3'],
      ['curl', '-s', 'x'],
      ['node', '-e', '\n a; b\n', '$(tail -n 1 f)'],
      ['tail', '-n', '1', 'f'],
    ]);
  });

  it('marks unquoted expansions, which may split into several arguments', () => {
    const [command] = parseCommands('scripts/canary.sh $FLAGS "$QUOTED"');
    expect(command?.words.map((w) => w.splits)).toEqual([false, true, false]);
  });

  it('rejects what it cannot read rather than skipping it', () => {
    expect(() => parseCommands('cat <<EOF\nscripts/canary.sh --bad\nEOF')).toThrow(/here-documents/);
    expect(() => parseCommands('echo "unterminated')).toThrow(/unterminated "/);
  });
});

describe('a broken pipeline file fails the checks on exactly its defect', () => {
  it('GitLab: an unknown job key fails the schema check; without it the file validates', () => {
    const broken = fixture('gitlab-unknown-key.yml', 'gitlab');
    expect(schemaErrors(broken)).toContain('/canary: unknown key "timeout_minutes"');
    const fixed = fixture('gitlab-unknown-key.yml', 'gitlab', (t) =>
      t.replace(/^ {2}timeout_minutes: .*\n/m, ''),
    );
    expect(schemaErrors(fixed)).toEqual([]);
  });

  it('GitHub: an unknown job key fails the schema check; without it the file validates', () => {
    const broken = fixture('github-unknown-key.yml', 'github');
    expect(schemaErrors(broken)).toContain('/jobs/canary: unknown key "timeout"');
    const fixed = fixture('github-unknown-key.yml', 'github', (t) => t.replace(/^ {4}timeout: .*\n/m, ''));
    expect(schemaErrors(fixed)).toEqual([]);
  });

  it('GitLab: a flag canary.sh does not accept fails the call check; without it the file passes', async () => {
    const broken = fixture('gitlab-wrong-flag.yml', 'gitlab');
    expect(schemaErrors(broken)).toEqual([]);
    expect(await invocationErrors(broken)).toEqual([
      'canary.script[0]: scripts/canary.sh: unknown option --no-rollback',
    ]);
    const fixed = fixture('gitlab-wrong-flag.yml', 'gitlab', (t) => t.replace(' --no-rollback |', ' |'));
    expect(await invocationErrors(fixed)).toEqual([]);
  });

  it('GitHub: a flag test-traffic.sh test does not accept fails the call check; without it the file passes', async () => {
    const broken = fixture('github-wrong-flag.yml', 'github');
    expect(schemaErrors(broken)).toEqual([]);
    expect(await invocationErrors(broken)).toEqual([
      'verify.steps[1].run: scripts/test-traffic.sh: unknown option --quiet',
    ]);
    const fixed = fixture('github-wrong-flag.yml', 'github', (t) => t.replace(' --quiet >', ' >'));
    expect(await invocationErrors(fixed)).toEqual([]);
  });

  it('names a missing script, a wrong command, a bad overlay and a wrong argument count', async () => {
    const pipeline = fixture('gitlab-wrong-flag.yml', 'gitlab', (t) =>
      t.replace(
        /script:\n/,
        'script:\n    - scripts/promote.sh\n    - scripts/deploy.sh rollout 100-0\n    - scripts/deploy.sh apply 90-10\n    - scripts/shift-traffic.sh 100\n    - scripts/canary.sh $FLAGS\n',
      ),
    );
    const errors = await invocationErrors(pipeline);
    expect(errors.slice(0, 5)).toEqual([
      'canary.script[0]: scripts/promote.sh does not exist',
      "canary.script[1]: scripts/deploy.sh: unknown command 'rollout'",
      expect.stringMatching(
        /^canary\.script\[2\]: scripts\/deploy\.sh: apply OVERLAY '90-10' is not one of: 0-100 100-0 .*80-20/,
      ),
      'canary.script[3]: scripts/shift-traffic.sh: takes V1 V2, got 1 argument(s): 100',
      'canary.script[4]: scripts/canary.sh: unquoted expansion $FLAGS may split into several arguments: quote it',
    ]);
  });
});

describe('the cluster end-to-end workflow', () => {
  const e2e = loadPipeline('.github/workflows/cluster-e2e.yml', 'github');
  const runs = () =>
    (e2e.document.jobs as { e2e: { steps: { run?: string }[] } }).e2e.steps.map((s) => s.run ?? '');

  it('runs only when started by hand, never on push or pull request', () => {
    expect(Object.keys(e2e.document.on as object)).toEqual(['workflow_dispatch']);
  });

  // Its matrix and kind version are checked against k8s/versions.yaml in versions.test.ts.
  it('installs Istio at the matrix version with the demo profile, and the Gateway API CRDs of the matrix', () => {
    expect(e2e.document.jobs).toMatchObject({
      e2e: {
        env: { ISTIO_VERSION: `\${{ matrix.istio }}`, GATEWAY_API_VERSION: `\${{ matrix.gateway-api }}` },
      },
    });
    expect(runs().some((run) => run.includes('istioctl" install --set profile=demo -y'))).toBe(true);
    expect(runs().some((run) => run.includes('--image "$KIND_NODE_IMAGE"'))).toBe(true);
    expect(
      runs().some((run) =>
        run.includes(`gateway-api/releases/download/\${GATEWAY_API_VERSION}/standard-install.yaml`),
      ),
    ).toBe(true);
  });

  it('waits for the Gateway API gateway to be Programmed and reaches it by port-forward', () => {
    const run = runs().find((text) => text.includes('condition=Programmed'));
    expect(run).toContain('gateway.gateway.networking.k8s.io/movies-gateway');
    expect(runs().some((text) => text.includes('port-forward service/movies-gateway-istio'))).toBe(true);
  });

  it('falls back to kind load image-archive, one archive per image, when kind load docker-image fails', () => {
    const run = runs().find((text) => text.includes('kind load docker-image')) ?? '';
    expect(run).toMatch(/kind load docker-image [^\n]*\|\| status=\$\?/);
    expect(run).toContain('kind load image-archive "$RUNNER_TEMP/$image.tar" --name movies');
  });

  it('loads into kind exactly the images the 80-20 overlay deploys', async () => {
    const deployed = new Set<string>();
    for (const object of await renderedObjects('80-20')) {
      const spec = object.spec as { template?: { spec?: { containers?: { image: string }[] } } } | undefined;
      for (const container of spec?.template?.spec?.containers ?? []) deployed.add(container.image);
    }
    const load = runs()
      .flatMap((run) => parseCommands(run))
      .find((command) => command.words[0]?.value === 'kind' && command.words[1]?.value === 'load');
    const images = load?.words
      .slice(3)
      .map((w) => w.value)
      .filter((v, i, all) => !v.startsWith('-') && all[i - 1] !== '--name');
    expect(images?.sort()).toEqual([...deployed].sort());
  });
});
