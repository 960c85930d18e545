import { existsSync, readFileSync } from 'node:fs';
import { isRunnable, run } from '@movies/cli-kit';
import { toolGate } from '@movies/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMegabytes } from '../src/build.js';
import { type BuildAllResult, buildAll } from '../src/images.js';
import { consoleReporter, recordingReporter } from '../src/progress.js';
import { imageExists, isStandIn, standInLabel, standInRepository } from '../src/stand-ins.js';
import { ContainerPool, pidOneUid, type RunningContainer } from './support/containers.js';

// Builds both images for real with podman (base images: local stand-ins, see src/stand-ins.ts), then runs them.
const podman = toolGate('podman', await isRunnable('podman', ['info']), 'the image build and run checks');
const chromium = toolGate(
  'chromium',
  await isRunnable('chromium', ['--version']),
  "the frontend image's in-browser CSP check",
);
const buildTimeout = 40 * 60_000;

describe.runIf(podman.run)('container images (podman)', () => {
  const pool = new ContainerPool('podman');
  const reporter = recordingReporter(consoleReporter());
  let built: BuildAllResult;
  const reference = (name: 'movie-backend' | 'movie-frontend') => {
    const image = built.images.find((candidate) => candidate.name === name);
    if (!image) throw new Error(`${name} was not built`);
    return image.reference;
  };

  // What earlier versions left behind: a stand-in stored under an official name. Planted (an empty image with the
  // label) only where no image has that name, so a real pulled image is never touched.
  const planted = 'docker.io/library/nginx:1.27-bookworm';
  let plantedOld = false;

  beforeAll(async () => {
    podman.assertAvailable();
    if (!(await imageExists({ name: 'podman', program: 'podman' }, planted))) {
      const empty = await run('tar', ['-cf', '-', '--files-from', '/dev/null']);
      const imported = await run(
        'podman',
        ['import', '--change', `LABEL ${standInLabel}=true`, '-', planted],
        { input: empty.stdout },
      );
      if (imported.code !== 0) throw new Error(`cannot plant ${planted}: ${imported.stderr}`);
      plantedOld = true;
    }
    built = await buildAll({
      engine: { name: 'podman', program: 'podman' },
      reporter,
      baseImageMode: 'stand-in',
    });
    for (const image of built.images) {
      console.info(
        `images: ${image.reference} ${formatMegabytes(image.sizeBytes)}, built in ${image.seconds.toFixed(1)} s ` +
          `(${image.cachedSteps} of ${image.steps} steps from cache)`,
      );
    }
  }, buildTimeout);

  afterAll(() => pool.cleanUp(), 60_000);

  /** Starts a fresh container of `name`, sends it `signal` and reports how long it took to exit, and with what. */
  async function stopWithSignal(
    name: 'movie-backend' | 'movie-frontend',
    container: { containerPort: number; flags: string[] },
    signal: 'TERM' | 'QUIT',
  ): Promise<{ exitCode: number; seconds: number }> {
    const doomed = await pool.start({ image: reference(name), ...container });
    const stopped = await pool.signalAndWait(doomed.name, signal);
    console.info(
      `images: ${name} exited ${stopped.seconds.toFixed(1)} s after SIG${signal} with code ${stopped.exitCode}`,
    );
    return stopped;
  }

  /** The file at `path` inside a fresh container of `image` ('' when absent). */
  async function fileIn(image: string, path: string): Promise<string> {
    const result = await pool.run([
      'run',
      '--rm',
      '--entrypoint',
      '/bin/sh',
      image,
      '-c',
      `cat ${path} 2>/dev/null || true`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  }

  describe('base images', () => {
    it('are local stand-ins under localhost/movies-base, never under an official name', async () => {
      const engine = { name: 'podman', program: 'podman' } as const;
      for (const base of built.baseImages) {
        expect(base.standIn).toBe(true);
        expect(base.reference.startsWith(`${standInRepository}/`), base.reference).toBe(true);
      }
      if (plantedOld) expect(await imageExists(engine, planted)).toBe(false);
      const listed = await pool.run([
        'images',
        '--filter',
        `label=${standInLabel}=true`,
        '--format',
        '{{.Repository}}',
      ]);
      expect(listed.stdout.split('\n').filter((name) => name.startsWith('docker.io/'))).toEqual([]);
      for (const official of ['docker.io/library/node:24-bookworm-slim', planted]) {
        if (await imageExists(engine, official)) expect(await isStandIn(engine, official)).toBe(false);
      }
    });

    it.each(['movie-backend', 'movie-frontend'] as const)(
      "%s's runtime stage holds no host CA bundle",
      async (name) => {
        const env = (
          await pool.run(['image', 'inspect', '--format', '{{json .Config.Env}}', reference(name)])
        ).stdout;
        expect(env).not.toContain('NODE_EXTRA_CA_CERTS');
        const hostBundle = '/etc/ssl/certs/ca-certificates.crt';
        if (existsSync(hostBundle)) {
          expect(await fileIn(reference(name), hostBundle)).not.toBe(readFileSync(hostBundle, 'utf8'));
        }
      },
    );
  });

  describe('movie-backend', () => {
    // As in k8s: read-only root filesystem and no writable /tmp at all.
    const strictFilesystem = ['--read-only', '--read-only-tmpfs=false'];
    let v1: RunningContainer;

    beforeAll(async () => {
      v1 = await pool.start({
        image: reference('movie-backend'),
        containerPort: 8000,
        flags: strictFilesystem,
      });
    }, 120_000);

    it('serves the Bollywood catalogue as v1 by default', async () => {
      const response = await fetch(`${v1.baseUrl}/`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ service: 'movie-backend', version: 'v1', catalogue: 'bollywood' });
      expect(response.headers.get('x-backend-version')).toBe('v1');
      expect(response.headers.get('x-catalogue')).toBe('bollywood');
    });

    it('serves the Hollywood catalogue as v2 from the same image', async () => {
      const v2 = await pool.start({
        image: reference('movie-backend'),
        containerPort: 8000,
        env: { DATA_DIR: 'hollywood-data', SERVICE_VERSION: 'v2' },
        flags: strictFilesystem,
      });
      const body = (await (await fetch(`${v2.baseUrl}/`)).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ version: 'v2', catalogue: 'hollywood', source: 'bundled' });
      const movies = await fetch(`${v2.baseUrl}/movies?per_page=1`);
      expect(movies.status).toBe(200);
    }, 120_000);

    it('runs as a non-root uid on a read-only root filesystem', async () => {
      expect(await pidOneUid(v1)).toBe(10001);
      expect(await pool.inspect(v1.name, '{{.HostConfig.ReadonlyRootfs}}')).toBe('true');
      const write = await v1.exec(['node', '-e', "require('node:fs').writeFileSync('/app/probe', 'x')"]);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toMatch(/EROFS|read-only/i);
    });

    it('passes its own HEALTHCHECK', async () => {
      const health = await pool.run(['healthcheck', 'run', v1.name]);
      expect(health.code, health.stderr).toBe(0);
    });

    it('ships production dependencies only and both catalogues', async () => {
      const check = await v1.exec([
        'node',
        '-e',
        `const fs = require('node:fs');
         for (const dir of ['bollywood-data', 'hollywood-data']) fs.accessSync('/app/data/' + dir + '/catalogue.json');
         for (const dev of ['typescript', 'vitest', 'supertest', '@types/node']) {
           if (fs.existsSync('/app/node_modules/' + dev)) throw new Error('dev dependency in the image: ' + dev);
         }
         require.resolve('express', { paths: ['/app'] });`,
      ]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
    });

    it('carries the OCI labels', async () => {
      const labels = JSON.parse(
        (
          await pool.run([
            'image',
            'inspect',
            '--format',
            '{{json .Config.Labels}}',
            reference('movie-backend'),
          ])
        ).stdout,
      ) as Record<string, string>;
      expect(labels['org.opencontainers.image.title']).toBe('movie-backend');
      expect(labels['org.opencontainers.image.version']).toBe(reference('movie-backend').split(':').at(-1));
      expect(labels['org.opencontainers.image.revision']).toBeTruthy();
    });

    it('drains and exits by itself on SIGTERM', async () => {
      const { exitCode } = await stopWithSignal(
        'movie-backend',
        { containerPort: 8000, flags: strictFilesystem },
        'TERM',
      );
      // 137 would mean SIGKILL; the server exits by itself (how long it takes is printed, not judged).
      expect(exitCode).toBe(0);
    }, 120_000);
  });

  describe('movie-frontend', () => {
    // As in k8s: read-only root filesystem plus an emptyDir-like writable /tmp.
    const k8sFilesystem = ['--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp:rw,size=64m,mode=1777'];
    let web: RunningContainer;
    let indexHtml: string;

    beforeAll(async () => {
      web = await pool.start({
        image: reference('movie-frontend'),
        containerPort: 8080,
        flags: k8sFilesystem,
      });
      indexHtml = await (await fetch(`${web.baseUrl}/`)).text();
    }, 120_000);

    it('serves the app with no-cache on index.html and the security headers', async () => {
      const response = await fetch(`${web.baseUrl}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(indexHtml).toContain('<div id="root">');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/img-src [^;]*https:\/\/image\.tmdb\.org/);
      expect(csp).toMatch(/img-src [^;]*data:/);
      expect(csp).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBeTruthy();
      expect(response.headers.get('server')).toBe('nginx');
    });

    it.runIf(chromium.run)('renders in a real browser without breaking its own CSP', async () => {
      chromium.assertAvailable();
      const browser = await run('chromium', [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--enable-logging=stderr',
        '--v=0',
        '--virtual-time-budget=5000',
        '--dump-dom',
        `${web.baseUrl}/movie/123`,
      ]);
      // React mounted into #root, so every script and stylesheet loaded under the policy.
      expect(browser.stdout).toMatch(/<div id="root"><\w/);
      expect(browser.stderr).not.toMatch(/Content Security Policy|Refused to (load|execute|apply)/i);
    });

    it('falls back to index.html for client-side routes', async () => {
      const response = await fetch(`${web.baseUrl}/movie/123`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(indexHtml);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('serves hashed assets gzipped with a one-year immutable cache', async () => {
      const assets = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
      const script = assets.find((path) => path?.endsWith('.js'));
      expect(script, `no /assets/*.js in index.html:\n${indexHtml}`).toBeDefined();
      const response = await fetch(`${web.baseUrl}${script}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/javascript/);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('content-security-policy')).toBeTruthy();
    });

    it('answers a missing asset with 404, not with index.html', async () => {
      const response = await fetch(`${web.baseUrl}/assets/missing-0123abcd.js`);
      expect(response.status).toBe(404);
    });

    it('answers /healthz, and /api/ and /__mesh (the mesh routes them) with a JSON 404', async () => {
      const health = await fetch(`${web.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('ok\n');
      for (const path of ['/api/movies', '/__mesh']) {
        const response = await fetch(`${web.baseUrl}${path}`);
        expect(response.status, path).toBe(404);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
      }
    });

    it('does not serve hidden build metadata', async () => {
      expect((await fetch(`${web.baseUrl}/.vite/manifest.json`)).status).toBe(404);
    });

    it('runs nginx as uid 101 with only /tmp writable', async () => {
      expect(await pidOneUid(web)).toBe(101);
      const workers = await web.exec(['sh', '-c', "grep -h '^Uid:' /proc/[0-9]*/status | sort -u"]);
      expect(
        workers.stdout
          .trim()
          .split('\n')
          .every((line) => /^Uid:\s+101\s/.test(line)),
      ).toBe(true);
      const write = await web.exec(['sh', '-c', 'echo x > /usr/share/nginx/html/probe']);
      expect(write.code).not.toBe(0);
      expect((await web.exec(['test', '-f', '/tmp/nginx.pid'])).code).toBe(0);
    });

    it('stops gracefully on SIGQUIT', async () => {
      const { exitCode } = await stopWithSignal(
        'movie-frontend',
        { containerPort: 8080, flags: k8sFilesystem },
        'QUIT',
      );
      expect(exitCode).toBe(0);
    }, 120_000);
  });
});
