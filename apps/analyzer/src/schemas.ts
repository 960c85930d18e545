import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Strict JSON schemas for every kind we ship, committed under apps/analyzer/schemas/<apiVersion>/<Kind>.json
 * (their sources and versions: schemas/README.md). Every object schema is closed (`additionalProperties: false`), so
 * a typo such as `mirrorPercent` is an error instead of a field the API server silently drops.
 */

type JsonSchema = { [key: string]: unknown };

const SCHEMAS = new URL('../schemas/', import.meta.url);

function schemaFile(apiVersion: string, kind: string): URL | undefined {
  // apiVersion and kind come from the manifests: only plain names may become a path.
  if (!/^[a-z0-9.-]+(\/[a-z0-9]+)?$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const file = new URL(`${apiVersion}/${kind}.json`, SCHEMAS);
  return existsSync(file) ? file : undefined;
}

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

/** The strict validator for a kind, compiled on first use (the Istio schemas are large); undefined if we have none. */
export function schemaValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const schema = strictSchema(apiVersion, kind);
  if (!schema) return undefined;
  // validateFormats off: the formats used (int32, double, date-time…) only restate the `type` already checked.
  ajv ??= new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validator = ajv.compile(schema);
  validators.set(key, validator);
  return validator;
}

/** The strict schema a kind is validated with (for documentation and tests). */
export function strictSchema(apiVersion: string, kind: string): JsonSchema | undefined {
  const file = schemaFile(apiVersion, kind);
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as JsonSchema) : undefined;
}

/** Whether we validate some version of this API group (so a kind or version we lack gets a pointed message). */
export function isKnownGroup(apiVersion: string): boolean {
  const group = apiVersion.split('/')[0] ?? '';
  return apiVersion.includes('/') && /^[a-z0-9.-]+$/.test(group) && existsSync(new URL(`${group}/`, SCHEMAS));
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
      if (error.keyword === 'const') {
        return `${where}: must be ${JSON.stringify(error.params.allowedValue)}`;
      }
      return `${where}: ${error.message ?? error.keyword}`;
    });
  return [...new Set(lines)];
}
