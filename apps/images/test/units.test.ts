import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStepLine } from '../src/build.js';
import { baseImageArgs, baseImages, globalArgs, instructions } from '../src/dockerfiles.js';
import { detectEngine, parseEngineName } from '../src/engine.js';
import { repoRoot, standInBuildArgs } from '../src/images.js';
import { kustomizationPath, parseImageReferences, readImageReferences } from '../src/kustomize-images.js';
import { formatStep, recordingReporter } from '../src/progress.js';
import {
  buildVariantReference,
  mirrorFromSources,
  qualifyImageName,
  standInReference,
} from '../src/stand-ins.js';

describe('image references from k8s/base/kustomization.yaml', () => {
  it('match the kustomize images entries of the repository', async () => {
    const text = await readFile(join(repoRoot, kustomizationPath), 'utf8');
    const references = await readImageReferences(repoRoot);
    for (const [name, reference] of Object.entries(references)) {
      const tag = reference.split(':')[1];
      expect(reference.startsWith(`${name}:`)).toBe(true);
      expect(text).toMatch(new RegExp(`name: ${name}\\s+newTag: "?${tag?.replaceAll('.', '\\.')}"?`));
    }
  });

  it('honours newName and newTag', () => {
    const yaml = `images:
  - name: movie-backend
    newName: registry.example.com/movies/backend
    newTag: 1.2.3
  - name: movie-frontend
    newTag: "2.0.0"
`;
    expect(parseImageReferences(yaml, 'k.yaml')).toEqual({
      'movie-backend': 'registry.example.com/movies/backend:1.2.3',
      'movie-frontend': 'movie-frontend:2.0.0',
    });
  });

  it('names the file and the entry when one is missing or malformed', () => {
    expect(() =>
      parseImageReferences('images:\n  - name: movie-backend\n    newTag: "1"\n', 'k.yaml'),
    ).toThrow('k.yaml has no images entry named "movie-frontend"');
    expect(() => parseImageReferences('images:\n  - name: movie-backend\n', 'k.yaml')).toThrow(
      'images entry "movie-backend" has no newTag',
    );
    expect(() =>
      parseImageReferences('images:\n  - name: movie-backend\n    newTag: "bad tag"\n', 'k.yaml'),
    ).toThrow(/k\.yaml: images\.0\.newTag must be a valid image tag/);
    expect(() => parseImageReferences('images: [', 'k.yaml')).toThrow('k.yaml is not valid YAML');
  });
});

describe('Dockerfile parsing', () => {
  const dockerfile = `# comment
ARG BASE=x
FROM node:24-bookworm-slim AS build
RUN echo a \\
    b
FROM build AS test
FROM --platform=linux/amd64 nginx:1.27-bookworm
COPY --from=build /a /b
`;

  it('joins continuations and drops comments', () => {
    expect(instructions(dockerfile)).toContain('RUN echo a  b');
    expect(instructions(dockerfile)).toHaveLength(6);
  });

  it('lists external base images, not stage references', () => {
    expect(baseImages(dockerfile)).toEqual(['node:24-bookworm-slim', 'nginx:1.27-bookworm']);
  });

  it('recognises podman and BuildKit step lines', () => {
    expect(parseStepLine('[1/2] STEP 3/9: RUN pnpm fetch')).toBe('RUN pnpm fetch');
    expect(parseStepLine('STEP 1/4: FROM node:24-bookworm-slim')).toBe('FROM node:24-bookworm-slim');
    expect(parseStepLine('#7 [build 3/9] RUN pnpm fetch')).toBe('RUN pnpm fetch');
    expect(parseStepLine('--> Using cache 1234')).toBeUndefined();
  });
});

describe('base images named by ARGs', () => {
  const dockerfile = `ARG BUILD_IMAGE=node:24-bookworm-slim
ARG BASE_IMAGE="nginx:1.27-bookworm"
FROM \${BUILD_IMAGE} AS build
ARG LATER=ignored
FROM $BASE_IMAGE
COPY --from=build /a /b
`;

  it('resolves FROM arguments to their defaults, the official images', () => {
    expect(globalArgs(dockerfile)).toEqual({
      BUILD_IMAGE: 'node:24-bookworm-slim',
      BASE_IMAGE: 'nginx:1.27-bookworm',
    });
    expect(baseImages(dockerfile)).toEqual(['node:24-bookworm-slim', 'nginx:1.27-bookworm']);
    expect(baseImageArgs(dockerfile)).toEqual({
      BUILD_IMAGE: 'node:24-bookworm-slim',
      BASE_IMAGE: 'nginx:1.27-bookworm',
    });
  });

  it('default to the official images in both Dockerfiles, with separate build and runtime arguments', async () => {
    for (const file of ['docker/backend.Dockerfile', 'docker/frontend.Dockerfile']) {
      const args = baseImageArgs(await readFile(join(repoRoot, file), 'utf8'));
      expect(Object.keys(args).sort(), file).toEqual(['BASE_IMAGE', 'BUILD_IMAGE']);
      expect(args.BUILD_IMAGE).toBe('node:24-bookworm-slim');
    }
  });

  it('get stand-ins only where a base is a stand-in, the build stage its CA-trusting variant', async () => {
    const bases = [
      {
        image: 'node:24-bookworm-slim',
        reference: 'docker.io/library/node:24-bookworm-slim',
        status: 'present',
        standIn: false,
      },
      {
        image: 'nginx:1.27-bookworm',
        reference: 'localhost/movies-base/nginx:1.27-bookworm',
        status: 'present',
        standIn: true,
      },
    ] as const;
    const context = { engine: { name: 'podman', program: 'false' } as const, reporter: recordingReporter() };
    expect(await standInBuildArgs(dockerfile, bases, context)).toEqual({
      BASE_IMAGE: 'localhost/movies-base/nginx:1.27-bookworm',
    });
  });
});

describe('stand-in helpers', () => {
  it('stores stand-ins under a local name, never the official one', () => {
    expect(standInReference('node:24-bookworm-slim')).toBe('localhost/movies-base/node:24-bookworm-slim');
    expect(standInReference('docker.io/library/nginx:1.27-bookworm')).toBe(
      'localhost/movies-base/nginx:1.27-bookworm',
    );
    expect(standInReference('quay.io/x/y:1')).toBe('localhost/movies-base/x/y:1');
    expect(buildVariantReference('localhost/movies-base/node:24-bookworm-slim')).toBe(
      'localhost/movies-base/node-build:24-bookworm-slim',
    );
  });

  it('qualifies short names the way a pull stores them', () => {
    expect(qualifyImageName('node:24-bookworm-slim')).toBe('docker.io/library/node:24-bookworm-slim');
    expect(qualifyImageName('bitnami/nginx:1')).toBe('docker.io/bitnami/nginx:1');
    expect(qualifyImageName('quay.io/x/y:1')).toBe('quay.io/x/y:1');
    expect(qualifyImageName('localhost/y:1')).toBe('localhost/y:1');
  });

  it('finds the bookworm mirror in deb822 and one-line sources', () => {
    const deb822 = `Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
`;
    expect(mirrorFromSources([deb822])).toBe('http://mirror.example/debian');
    expect(mirrorFromSources(['# x\ndeb [arch=amd64] http://one.example/debian bookworm main\n'])).toBe(
      'http://one.example/debian',
    );
    expect(mirrorFromSources(['deb http://x.example/debian bullseye main\n'])).toBeUndefined();
  });
});

describe('engine detection', () => {
  it('prefers docker only when its daemon answers', async () => {
    const working = (names: string[]) => async (name: string) => names.includes(name);
    expect((await detectEngine({ isWorking: working(['docker', 'podman']) }))?.name).toBe('docker');
    expect((await detectEngine({ isWorking: working(['podman']) }))?.name).toBe('podman');
    expect(await detectEngine({ isWorking: working([]) })).toBeUndefined();
    expect(await detectEngine({ prefer: 'docker', isWorking: working(['podman']) })).toBeUndefined();
  });

  it('rejects an unknown engine name, naming where it came from', () => {
    expect(parseEngineName('podman', '--engine')).toBe('podman');
    expect(parseEngineName(undefined, '--engine')).toBeUndefined();
    expect(() => parseEngineName('rkt', 'MOVIES_CONTAINER_ENGINE')).toThrow(
      'MOVIES_CONTAINER_ENGINE must be "docker" or "podman", got "rkt"',
    );
  });
});

describe('progress', () => {
  it('shows a bar and a step counter', () => {
    expect(formatStep('movie-backend', 5, 20, 'RUN x')).toBe(
      '[movie-backend] █████░░░░░░░░░░░░░░░ 5/20 RUN x',
    );
    const reporter = recordingReporter();
    reporter.step('t', 3, undefined, 'retrieving libc6');
    expect(reporter.lines).toEqual(['[t] 3 retrieving libc6']);
  });
});
