/**
 * Regenerates the committed JSON schemas in apps/analyzer/schemas/ from the model packages named below. Run by hand
 * (`pnpm --filter @movies/analyzer generate-schemas`), never at test time: it installs the pinned packages into a
 * temporary folder with npm, so the analyzer itself depends on none of them.
 *
 * - Istio and Gateway API: @kubernetes-models/istio and /gateway-api register plain JSON schemas (converted from the
 *   CRDs) with @kubernetes-models/validate; we capture them by replacing its `register`, then close every object
 *   schema (`additionalProperties: false`), since the CRD schemas accept any unknown field.
 * - Core kinds: kubernetes-models 4 ships compiled validators, not schemas, but its type declarations list every
 *   field; ts-json-schema-generator turns them into closed schemas. The declarations say `number` for int32 fields
 *   too, so each number field is probed with 0.5 against the package's compiled validator and becomes `integer`
 *   where that validator refuses a fraction.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type JsonSchema, strictCrdSchema } from '../src/strict-crd-schema.js';

const PACKAGES = {
  core: 'kubernetes-models@4.5.1',
  istio: '@kubernetes-models/istio@2.3.0',
  gatewayApi: '@kubernetes-models/gateway-api@0.5.1',
  generator: 'ts-json-schema-generator@2.9.0',
  typescript: 'typescript@5.9.3',
};

interface Model {
  /** apiVersion/kind we write in the manifests. */
  apiVersion: string;
  kind: string;
  /** Package the schema comes from (a key of PACKAGES). */
  from: keyof typeof PACKAGES;
  /** Module inside the package: may be an older apiVersion with the identical schema (see below). */
  module: string;
  /** For core kinds: the interface declared by `module`. */
  type?: string;
}

// Istio serves networking v1 and security v1 with the same schema as v1beta1; @kubernetes-models/istio 2.3.0 ships
// only v1beta1 of them (and only v1beta1 PeerAuthentication), so those are validated with the v1beta1 schema.
const MODELS: readonly Model[] = [
  ...['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar'].map((kind) => ({
    apiVersion: 'networking.istio.io/v1',
    kind,
    from: 'istio' as const,
    module: `networking.istio.io/v1beta1/${kind}`,
  })),
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    from: 'istio',
    module: 'security.istio.io/v1/AuthorizationPolicy',
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    from: 'istio',
    module: 'security.istio.io/v1beta1/PeerAuthentication',
  },
  ...['Gateway', 'HTTPRoute'].map((kind) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    from: 'gatewayApi' as const,
    module: `gateway.networking.k8s.io/v1/${kind}`,
  })),
  ...[
    ['v1', 'Namespace'],
    ['v1', 'ServiceAccount'],
    ['v1', 'Service'],
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['apps/v1', 'Deployment'],
    ['policy/v1', 'PodDisruptionBudget'],
  ].map(([apiVersion = '', kind = '']) => ({
    apiVersion,
    kind,
    from: 'core' as const,
    module: `${apiVersion}/${kind}`,
    type: `I${kind}`,
  })),
];

/** The CRD schema a model module registers, captured by swapping @kubernetes-models/validate's `register`. */
function captureCrdSchema(requireFrom: NodeJS.Require, packageName: string, model: Model): JsonSchema {
  const modulePath = `${packageName}/${model.module}`;
  const requireModel = createRequire(requireFrom.resolve(modulePath));
  const validate = requireModel('@kubernetes-models/validate') as Record<string, unknown>;
  const captured = new Map<string, JsonSchema>();
  validate.register = (id: string, schema: JsonSchema) => captured.set(id, schema);
  validate.validate = () => undefined;
  const Ctor = (requireFrom(modulePath) as Record<string, new () => { validate(): void }>)[model.kind];
  if (!Ctor) throw new Error(`${modulePath} exports no ${model.kind}`);
  new Ctor().validate();
  const id = [...captured.keys()].find((key) => key.endsWith(`.${model.kind}`) && !key.startsWith('io.k8s'));
  const schema = id ? captured.get(id) : undefined;
  if (!schema) throw new Error(`no schema registered by ${modulePath}`);
  return schema;
}

interface Probe {
  /** Instance path to the field, e.g. ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort']. */
  path: (string | number)[];
  /** The field's schema (shared by every object of that definition), retyped in place when it proves integer. */
  schema: JsonSchema;
}

/** Every `type: number` field reachable from the root, once per definition, with a path that reaches it. */
function numberFields(root: JsonSchema, definitions: Record<string, JsonSchema>): Probe[] {
  const probes: Probe[] = [];
  const seen = new Set<string>();
  const walk = (node: JsonSchema, path: (string | number)[]): void => {
    const ref =
      typeof node.$ref === 'string' ? decodeURIComponent(node.$ref.split('/').pop() ?? '') : undefined;
    if (ref !== undefined) {
      if (seen.has(ref) || !definitions[ref]) return;
      seen.add(ref);
      walk(definitions[ref], path);
      return;
    }
    if (node.type === 'number') probes.push({ path, schema: node });
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
      walk(child, [...path, name]);
    }
    if (node.items && typeof node.items === 'object') walk(node.items as JsonSchema, [...path, 0]);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties as JsonSchema, [...path, 'x']);
    }
  };
  walk(root, []);
  return probes;
}

/** An object holding `value` at `path`, with the containers on the way (arrays for numeric segments). */
function objectAt(
  base: Record<string, unknown>,
  path: readonly (string | number)[],
  value: unknown,
): unknown {
  const root: Record<string | number, unknown> = structuredClone(base);
  let node = root;
  for (const [index, segment] of path.entries()) {
    const next = path[index + 1];
    const child = index === path.length - 1 ? value : typeof next === 'number' ? [] : {};
    node[segment] = child;
    node = child as Record<string | number, unknown>;
  }
  return root;
}

/** Retypes as `integer` each number field that kubernetes-models' compiled validator refuses a fraction for. */
function markIntegers(schema: JsonSchema, model: Model, requireFrom: NodeJS.Require): void {
  const Ctor = (
    requireFrom(`kubernetes-models/${model.module}`) as Record<string, new (data: unknown) => Validated>
  )[model.kind];
  if (!Ctor) throw new Error(`kubernetes-models/${model.module} exports no ${model.kind}`);
  const definitions = schema.definitions as Record<string, JsonSchema>;
  const base = { apiVersion: model.apiVersion, kind: model.kind, metadata: { name: 'probe' } };
  for (const probe of numberFields(definitions[model.kind] as JsonSchema, definitions)) {
    const where = `/${probe.path.join('/')}`;
    const errors = validationErrors(new Ctor(objectAt(base, probe.path, 0.5)));
    if (errors.some((e) => e.instancePath === where && e.keyword === 'type' && e.params.type === 'integer')) {
      probe.schema.type = 'integer';
    }
  }
}

interface Validated {
  validate(): void;
}

function validationErrors(model: Validated): { instancePath: string; keyword: string; params: JsonSchema }[] {
  try {
    model.validate();
    return [];
  } catch (error) {
    return (error as { errors?: [] }).errors ?? [];
  }
}

/** Drops the definitions the root no longer reaches (the server-side status types, once `status` is gone). */
function pruneDefinitions(schema: JsonSchema, rootName: string): void {
  const definitions = schema.definitions as Record<string, JsonSchema>;
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const ref = (node as JsonSchema).$ref;
    if (typeof ref === 'string') {
      const name = decodeURIComponent(ref.split('/').pop() ?? '');
      if (!reached.has(name)) {
        reached.add(name);
        visit(definitions[name]);
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  reached.add(rootName);
  visit(definitions[rootName]);
  for (const name of Object.keys(definitions)) if (!reached.has(name)) delete definitions[name];
}

interface SchemaGenerator {
  createSchema(type: string): JsonSchema;
}

/** Closed schemas of the core kinds, from kubernetes-models' type declarations. */
async function coreSchemas(
  dir: string,
  models: readonly Model[],
  requireFrom: NodeJS.Require,
): Promise<Map<Model, JsonSchema>> {
  const entry = join(dir, 'core-kinds.ts');
  // One exported interface per kind: the generator refuses a bare re-export of an imported type.
  writeFileSync(
    entry,
    models
      .map((m) => `import type { ${m.type} as K${m.kind} } from 'kubernetes-models/${m.module}';\n`)
      .concat(models.map((m) => `export interface ${m.kind} extends K${m.kind} {}\n`))
      .join(''),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [] },
      files: ['core-kinds.ts'],
    }),
  );
  const generatorUrl = pathToFileURL(createRequire(entry).resolve('ts-json-schema-generator')).href;
  const { createGenerator } = (await import(generatorUrl)) as {
    createGenerator(config: Record<string, unknown>): SchemaGenerator;
  };
  const schemas = new Map<Model, JsonSchema>();
  for (const model of models) {
    const generator = createGenerator({
      path: entry,
      tsconfig: join(dir, 'tsconfig.json'),
      type: model.kind,
      additionalProperties: false,
      skipTypeCheck: true,
      jsDoc: 'none',
      topRef: true,
    });
    const schema = generator.createSchema(model.kind);
    const definitions = schema.definitions as Record<string, JsonSchema>;
    const root = definitions[model.kind] as JsonSchema;
    const properties = { ...(root.properties as JsonSchema) };
    delete properties.status;
    definitions[model.kind] = { ...root, properties, required: ['apiVersion', 'kind', 'metadata'] };
    pruneDefinitions(schema, model.kind);
    markIntegers(schema, model, requireFrom);
    schemas.set(model, schema);
  }
  return schemas;
}

function versionOf(requireFrom: NodeJS.Require, packageName: string): string {
  return (
    JSON.parse(readFileSync(requireFrom.resolve(`${packageName}/package.json`), 'utf8')) as {
      version: string;
    }
  ).version;
}

const NAMES = {
  core: 'kubernetes-models',
  istio: '@kubernetes-models/istio',
  gatewayApi: '@kubernetes-models/gateway-api',
} as const;

async function main(): Promise<void> {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
  const dir = mkdtempSync(join(tmpdir(), 'analyzer-schemas-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...Object.values(PACKAGES)], {
      cwd: dir,
      stdio: 'inherit',
    });
    const requireFrom = createRequire(join(dir, 'package.json'));
    const core = await coreSchemas(
      dir,
      MODELS.filter((m) => m.from === 'core'),
      requireFrom,
    );
    for (const model of MODELS) {
      const name = NAMES[model.from as keyof typeof NAMES];
      const source = `${name}@${versionOf(requireFrom, name)} ${model.module}`;
      const schema =
        core.get(model) ??
        strictCrdSchema(captureCrdSchema(requireFrom, name, model), model.apiVersion, model.kind);
      const file = join(out, model.apiVersion, `${model.kind}.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(
        file,
        `${JSON.stringify({ $comment: `generated from ${source}`, ...schema }, null, 1)}\n`,
      );
      console.log(`${model.apiVersion} ${model.kind} <- ${source}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
