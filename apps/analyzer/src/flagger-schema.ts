import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k8sDir } from '@movies/mesh';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/**
 * Strict validators for Flagger's kinds, built from the CRD file committed unchanged with Flagger's release
 * (k8s/progressive-delivery/upstream/flagger-<version>/crd.yaml, the version from k8s/versions.yaml). The CRD's
 * openAPIV3Schema is what the API server prunes by, so an unknown field there is silently dropped on a cluster:
 * here every object schema that lists its properties gets `additionalProperties: false`, making it an error.
 */

type JsonSchema = { [key: string]: unknown };

export const FLAGGER_GROUP = 'flagger.app';

/** The `flagger` row of k8s/versions.yaml (read, never restated). */
export function flaggerVersion(): string {
  const text = readFileSync(join(k8sDir, 'versions.yaml'), 'utf8');
  const document = parseAllDocuments(text)[0]?.toJS() as { flagger?: { version?: unknown } } | undefined;
  const version = document?.flagger?.version;
  if (typeof version !== 'string' || !/^v\d+\.\d+\.\d+$/.test(version)) {
    throw new Error('k8s/versions.yaml has no flagger.version like v1.44.0');
  }
  return version;
}

/** Where Flagger's upstream files of the pinned version live. */
export function flaggerUpstreamDir(version = flaggerVersion()): string {
  return join(k8sDir, 'progressive-delivery', 'upstream', `flagger-${version}`);
}

/** Deep copy with `additionalProperties: false` on every object schema that lists properties. */
function forbidUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forbidUnknownFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as JsonSchema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    // `properties` maps field names to schemas: recurse into the values only.
    copy[key] =
      key === 'properties' && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, forbidUnknownFields(sub)]))
        : forbidUnknownFields(value);
  }
  const preserves = source['x-kubernetes-preserve-unknown-fields'] === true;
  if (source.properties && source.additionalProperties === undefined && !preserves) {
    copy.additionalProperties = false;
  }
  return copy;
}

/** metadata is the API server's, not the CRD's: only what a manifest may set. */
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

interface CrdDocument {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name?: string; served?: boolean; schema?: { openAPIV3Schema?: JsonSchema } }>;
  };
}

let validators: Map<string, ValidateFunction> | undefined;

function compileValidators(): Map<string, ValidateFunction> {
  const file = join(flaggerUpstreamDir(), 'crd.yaml');
  const documents = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as CrdDocument);
  // Formats are off: int32/string restate `type`, and Flagger's `url` format is checked by the webhook check.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const compiled = new Map<string, ValidateFunction>();
  for (const crd of documents.filter((d) => d?.kind === 'CustomResourceDefinition')) {
    for (const version of crd.spec?.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!(schema && version.served)) continue;
      const apiVersion = `${crd.spec?.group}/${version.name}`;
      const strict = forbidUnknownFields(schema) as JsonSchema;
      const properties = { ...(strict.properties as JsonSchema) };
      properties.apiVersion = { type: 'string', enum: [apiVersion] };
      properties.metadata = OBJECT_META_SCHEMA;
      delete properties.status;
      const full = { ...strict, properties, required: ['apiVersion', 'kind', 'metadata', 'spec'] };
      compiled.set(`${apiVersion}/${crd.spec?.names?.kind}`, ajv.compile(full));
    }
  }
  if (compiled.size === 0) throw new Error(`${file} holds no CustomResourceDefinition schema`);
  return compiled;
}

/** The strict validator of a Flagger kind (`flagger.app/v1beta1`, `Canary`), or undefined for a kind it lacks. */
export function flaggerValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  validators ??= compileValidators();
  return validators.get(`${apiVersion}/${kind}`);
}

/** One readable line per ajv error, e.g. `/spec/service/trafficPolicy/connectionPool: unknown field "tcp"`. */
export function describeFlaggerErrors(errors: readonly ErrorObject[]): string[] {
  const lines = errors
    .filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf' && error.keyword !== 'not')
    .map((error) => {
      const where = error.instancePath || '/';
      if (error.keyword === 'additionalProperties') {
        return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
      }
      if (error.keyword === 'enum') {
        const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
        return `${where}: must be one of ${allowed}`;
      }
      return `${where}: ${error.message ?? error.keyword}`;
    });
  return [...new Set(lines)];
}
