import { parseArgs } from 'node:util';
import { type BaseImageMode, baseImageModes } from './base-images.js';
import { formatMegabytes } from './build.js';
import { detectEngine, parseEngineName } from './engine.js';
import { buildAll } from './images.js';
import { type ImageName, imageNames } from './kustomize-images.js';
import { consoleReporter } from './progress.js';

const usage = `Usage: pnpm images [options]

Builds movie-backend and movie-frontend from docker/*.Dockerfile, tagged exactly as the images: entries of
k8s/base/kustomization.yaml. Uses docker when its daemon answers, otherwise podman.

Options:
  --engine docker|podman   force an engine (also MOVIES_CONTAINER_ENGINE)
  --only NAME              build one image: ${imageNames.join(' or ')} (repeatable)
  --base auto|stand-in|pull
                           how a missing base image is obtained (default auto: pull, and build a local
                           stand-in from Debian packages + the Node.js binary on npm when pulling fails)
  --quiet                  show only the build steps, not every output line
  -h, --help               this text`;

function fail(message: string): never {
  process.stderr.write(`images: ${message}\n\n${usage}\n`);
  process.exit(2);
}

/** The checked options, or undefined after printing --help. */
function readOptions() {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    fail((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  const prefer = parseEngineName(
    parsed.values.engine ?? process.env.MOVIES_CONTAINER_ENGINE,
    parsed.values.engine ? '--engine' : 'MOVIES_CONTAINER_ENGINE',
  );
  const only = parsed.values.only?.map((name) => {
    if (!(imageNames as readonly string[]).includes(name))
      fail(`--only must be one of ${imageNames.join(', ')}`);
    return name as ImageName;
  });
  const mode = parsed.values.base ?? 'auto';
  if (!(baseImageModes as readonly string[]).includes(mode))
    fail(`--base must be one of ${baseImageModes.join(', ')}`);
  return { prefer, only, mode: mode as BaseImageMode, quiet: parsed.values.quiet };
}

function summary(result: Awaited<ReturnType<typeof buildAll>>, started: number): string {
  const lines = ['', 'base images:'];
  for (const base of result.baseImages) {
    lines.push(`  ${base.reference.padEnd(44)} ${base.status}${base.standIn ? ' (local stand-in)' : ''}`);
  }
  lines.push('images:');
  for (const image of result.images) {
    const cache = image.cachedSteps ? `, ${image.cachedSteps} steps from cache` : '';
    lines.push(
      `  ${image.reference.padEnd(44)} ${formatMegabytes(image.sizeBytes).padStart(9)}  built in ${image.seconds.toFixed(1)} s${cache}`,
    );
  }
  lines.push(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) return;
  const { prefer, only, mode } = options;
  const engine = await detectEngine({ prefer });
  if (!engine) {
    process.stderr.write(
      prefer
        ? `images: ${prefer} does not work here (\`${prefer} info\` fails)\n`
        : 'images: neither docker (with a running daemon) nor podman is available\n',
    );
    process.exit(1);
  }
  const reporter = consoleReporter({ verbose: !options.quiet });
  reporter.info(`images: building with ${engine.name}`);
  const started = Date.now();
  const result = await buildAll({
    engine,
    reporter,
    baseImageMode: mode,
    ...(only ? { only } : {}),
  });
  process.stdout.write(summary(result, started));
}

function parseCommandLine() {
  return parseArgs({
    options: {
      engine: { type: 'string' },
      only: { type: 'string', multiple: true },
      base: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`images: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
