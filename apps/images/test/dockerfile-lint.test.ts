import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationSeverity, type ValidatorSettings, validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { baseImages, imageSpecs, instructions } from '../src/dockerfiles.js';
import { repoRoot } from '../src/images.js';

// Every optional rule as an error: a finding of any kind fails the suite.
const strict: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function findings(text: string): string[] {
  return validate(text, strict).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

const read = (path: string) => readFile(join(repoRoot, path), 'utf8');

/** The instructions of the last stage: what the shipped image is made of. */
function finalStage(text: string): string[] {
  const all = instructions(text);
  const lastFrom = all.findLastIndex((instruction) => /^FROM\s/i.test(instruction));
  return all.slice(lastFrom);
}

describe('Dockerfile lint (dockerfile-utils)', () => {
  it.each(imageSpecs.map((spec) => spec.dockerfile))('%s has zero findings', async (dockerfile) => {
    expect(findings(await read(dockerfile))).toEqual([]);
  });

  it('reports real mistakes, so a clean result means something', () => {
    const broken =
      'from node:24-bookworm-slim\nEXPOSE eighty\nCMD ["node"]\nCMD ["node", "x.js"]\nWORKDIR app\n';
    expect(findings(broken)).toHaveLength(4);
  });
});

describe('docker/backend.Dockerfile', () => {
  it('builds on node:24-bookworm-slim in every stage', async () => {
    expect(baseImages(await read('docker/backend.Dockerfile'))).toEqual(['node:24-bookworm-slim']);
  });

  it('installs pnpm 12.4.2 with the frozen lockfile and deploys the backend alone with prod deps', async () => {
    const text = await read('docker/backend.Dockerfile');
    expect(text).toContain('PNPM_VERSION=12.4.2');
    expect(text).toMatch(/pnpm install --frozen-lockfile .*--filter @movies\/backend/);
    expect(text).toMatch(/pnpm deploy --prod .*--filter @movies\/backend \/deploy/);
  });

  it('runs node directly as a fixed non-root uid, with labels and a healthcheck', async () => {
    const runtime = finalStage(await read('docker/backend.Dockerfile'));
    expect(runtime).toContain('USER 10001:10001');
    expect(runtime).toContain('CMD ["node", "dist/server.js"]');
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK') && line.includes('"node"'))).toBe(true);
    for (const label of ['title', 'version', 'revision', 'description', 'base.name']) {
      expect(runtime.join('\n')).toContain(`org.opencontainers.image.${label}=`);
    }
  });
});

describe('docker/frontend.Dockerfile', () => {
  it('builds with node and serves with nginx', async () => {
    expect(baseImages(await read('docker/frontend.Dockerfile'))).toEqual([
      'node:24-bookworm-slim',
      'nginx:1.27-bookworm',
    ]);
  });

  it('runs nginx as uid 101 on 8080 with our config', async () => {
    const runtime = finalStage(await read('docker/frontend.Dockerfile'));
    expect(runtime).toContain('USER 101:101');
    expect(runtime).toContain('EXPOSE 8080');
    expect(runtime).toContain('COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf');
  });
});
