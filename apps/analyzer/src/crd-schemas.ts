import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Strict JSON schemas for the CRDs we use (Istio, Gateway API).
 *
 * @kubernetes-models/istio and /gateway-api keep each schema in a module-local constant and their schemas accept any
 * unknown field, so a typo such as `mirrorPercent` would pass silently. We load each model file with a stub `require`
 * that captures the schema handed to `register()`, then mark every object schema `additionalProperties: false`.
 */

const requireFromHere = createRequire(import.meta.url);

interface CrdModel {
  /** apiVersion/kind we write in the manifests. */
  apiVersion: string;
  kind: string;
  /** Model module inside node_modules (may be an older apiVersion with the identical schema, see below). */
  module: string;
}

// Istio serves networking v1 and security v1 with the same schema as v1beta1; @kubernetes-models/istio 2.3.0 ships
// only v1beta1 of them (and only v1beta1 PeerAuthentication), so those are validated with the v1beta1 schema.
const CRD_MODELS: readonly CrdModel[] = [
  ...['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar'].map((kind) => ({
    apiVersion: 'networking.istio.io/v1',
    kind,
    module: `@kubernetes-models/istio/networking.istio.io/v1beta1/${kind}`,
  })),
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    module: '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy',
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    module: '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication',
  },
  ...['Gateway', 'HTTPRoute'].map((kind) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    module: `@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/${kind}`,
  })),
];

type JsonSchema = { [key: string]: unknown };

/** Evaluates a model's CommonJS file with stubbed dependencies and returns the schema it registers. */
function captureSchema(modulePath: string): JsonSchema {
  const file = requireFromHere.resolve(modulePath);
  const source = readFileSync(file, 'utf8');
  let captured: JsonSchema | undefined;
  const stubs: Record<string, unknown> = {
    '@kubernetes-models/base': {
      Model: class {},
      createTypeMetaGuard: () => () => false,
      setSchema: (_model: unknown, _id: string, register: () => void) => register(),
    },
    '@kubernetes-models/validate': {
      register: (_id: string, schema: JsonSchema) => {
        captured = schema;
      },
    },
  };
  const stubRequire = (id: string): unknown =>
    stubs[id] ?? (id.includes('/_schemas/') ? { addSchema: () => undefined } : requireFromHere(id));
  const moduleObject = { exports: {} };
  new Function('exports', 'require', 'module', source)(moduleObject.exports, stubRequire, moduleObject);
  if (!captured) throw new Error(`no schema registered by ${modulePath}`);
  return captured;
}

const OBJECT_META_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** Deep copy with `additionalProperties: false` on every schema that lists properties. */
function forbidUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forbidUnknownFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as JsonSchema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    // `properties` maps names to schemas: recurse into the values, never treat the names as keywords.
    copy[key] =
      key === 'properties' && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, forbidUnknownFields(sub)]))
        : forbidUnknownFields(value);
  }
  const preservesUnknown = source['x-kubernetes-preserve-unknown-fields'] === true;
  if (source.properties && source.additionalProperties === undefined && !preservesUnknown) {
    copy.additionalProperties = false;
  }
  return copy;
}

function prepareSchema(model: CrdModel): JsonSchema {
  const schema = forbidUnknownFields(captureSchema(model.module)) as JsonSchema;
  const properties = { ...(schema.properties as JsonSchema) };
  properties.apiVersion = { type: 'string', enum: [model.apiVersion] };
  properties.metadata = OBJECT_META_SCHEMA;
  // Read-only server-side fields never belong in a manifest.
  delete properties.status;
  return { ...schema, properties, required: ['apiVersion', 'kind', 'metadata'] };
}

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** The strict validator for a CRD kind, compiled on first use (the Istio schemas are large). */
export function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const model = CRD_MODELS.find((m) => m.apiVersion === apiVersion && m.kind === kind);
  if (!model) return undefined;
  // validateFormats off: the formats used (int32, double, date-time…) only restate the `type` already checked.
  ajv ??= new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validator = ajv.compile(prepareSchema(model));
  validators.set(key, validator);
  return validator;
}

/** The strict schema a CRD kind is validated with (for documentation and tests). */
export function strictCrdSchema(apiVersion: string, kind: string): JsonSchema | undefined {
  const model = CRD_MODELS.find((m) => m.apiVersion === apiVersion && m.kind === kind);
  return model ? prepareSchema(model) : undefined;
}

export function isKnownCrd(apiVersion: string): boolean {
  return CRD_MODELS.some((model) => model.apiVersion.split('/')[0] === apiVersion.split('/')[0]);
}

/** Turns ajv errors into one readable line each, e.g. `/spec/http/0: unknown field "mirrorPercent"`. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const lines = errors
    // oneOf/anyOf summaries repeat what their branches already said.
    .filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf' && error.keyword !== 'not')
    .map((error) => {
      const where = error.instancePath || '/';
      if (error.keyword === 'additionalProperties') {
        return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
      }
      if (error.keyword === 'enum') {
        return `${where}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return `${where}: ${error.message ?? error.keyword}`;
    });
  return [...new Set(lines)];
}
