/** What every script shares: --help, ShellCheck, and the interactive paths driven through a real pseudo-terminal. */
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  command,
  deployedCluster,
  istioCrds,
  repoRoot,
  runScript,
  scriptsDir,
  shellcheck,
} from './support/harness.js';
import { standInsPerTest } from './support/stand-ins.js';

const execFileAsync = promisify(execFile);

const ownScripts = ['deploy.sh', 'shift-traffic.sh', 'canary.sh', 'create-secret.sh', 'cleanup.sh'];

const newStandIn = standInsPerTest();

describe('every script', () => {
  it.each(ownScripts)(
    '%s --help prints its usage and environment on stdout, exits 0, calls nothing',
    async (script) => {
      const standIn = newStandIn({});
      const result = await runScript(script, ['--help'], { env: standIn.env });

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: ${script.replace('.', '\\.')}`));
      expect(result.stdout).toContain('NAMESPACE');
      expect(result.stdout).toContain('KUBECTL');
      expect(result.stderr).toBe('');
      expect(standIn.calls()).toEqual([]);
    },
  );

  it.runIf(shellcheck.run)('passes ShellCheck: scripts/, scripts/lib/ and .ci/run', async () => {
    shellcheck.assertAvailable();
    const files = [
      ...readdirSync(scriptsDir)
        .filter((name) => name.endsWith('.sh'))
        .map((name) => join(scriptsDir, name)),
      ...readdirSync(join(scriptsDir, 'lib')).map((name) => join(scriptsDir, 'lib', name)),
      join(repoRoot, '.ci/run'),
    ];
    expect(files.map((file) => file.slice(repoRoot.length + 1))).toEqual(
      expect.arrayContaining([
        ...ownScripts.map((s) => `scripts/${s}`),
        'scripts/test-traffic.sh',
        'scripts/lib/common.sh',
        '.ci/run',
      ]),
    );
    // -x follows `source`; a finding makes shellcheck exit 1 and this call throw with the report.
    const { stdout } = await execFileAsync('shellcheck', ['-x', '--severity=style', ...files], {
      cwd: repoRoot,
    });
    expect(stdout).toBe('');
  });
});

/** Runs a script on a pseudo-terminal (util-linux `script`), answering its prompts; returns the transcript. */
function onTerminal(
  commandLine: string,
  script: ReadonlyArray<{ after: string; type: string }>,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const answers = [...script];
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--command', commandLine, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out on the terminal:\n${output}`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    // Typed one answer at a time, as a person would: each once its prompt is on the screen. (bash's `read -s`
    // turns echo off before it prints its prompt, so a secret typed after the prompt is never echoed.)
    let seen = 0;
    const typeWhenPrompted = () => {
      const next = answers[0];
      if (!next) return;
      const at = output.indexOf(next.after, seen);
      if (at < 0) return;
      seen = at + next.after.length;
      answers.shift();
      child.stdin.write(next.type);
      typeWhenPrompted();
    };
    child.stdout.on('data', typeWhenPrompted);
    child.stderr.on('data', typeWhenPrompted);
    // A terminal that closes before the last answer is written is judged by its exit code and transcript.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
  });
}

describe('on a terminal', () => {
  it('deploy.sh shows the menu and runs the chosen entry (3 = split 80-20), then exits on 0', async () => {
    const standIn = newStandIn({ crds: [...istioCrds] });
    const { code, output } = await onTerminal(
      join(scriptsDir, 'deploy.sh'),
      [
        { after: 'Choose: ', type: '3\n' },
        { after: 'Choose: ', type: '0\n' },
      ],
      standIn.env,
    );

    expect(code, output).toBe(0);
    expect(output).toContain('3) Split 80-20: canary, 20 % to v2');
    expect(output).toContain('13) Clean up everything');
    expect(output).toContain('movie-backend (rule weighted-split): v1 80 %, v2 20 %');
    expect(output).toContain('bye');
    expect(standIn.mutations().map(command)).toContain(`apply -k ${repoRoot}/k8s/overlays/80-20`);
  });

  it('create-secret.sh prompts for the key without echoing it', async () => {
    const standIn = newStandIn(await deployedCluster('80-20'));
    const secret = 'typed-secret-value-42';
    const { code, output } = await onTerminal(
      join(scriptsDir, 'create-secret.sh'),
      [{ after: 'TMDB API key (input hidden): ', type: `${secret}\n` }],
      {
        ...standIn.env,
        TMDB_API_KEY: '',
      },
    );

    expect(code, output).toBe(0);
    expect(output).toContain('TMDB API key (input hidden):');
    expect(output).not.toContain(secret);
    const data = (standIn.object('Secret', 'tmdb-api-key') as { data?: Record<string, string> }).data;
    expect(data?.TMDB_API_KEY).toBe(Buffer.from(secret).toString('base64'));
  });
});
