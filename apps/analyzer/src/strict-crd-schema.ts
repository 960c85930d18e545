/**
 * How a CRD's openAPIV3Schema becomes the closed schema a manifest is validated with. Used when the committed
 * schemas are regenerated (scripts/generate-schemas.ts) and when Flagger's committed CRDs are read at run time
 * (flagger-schema.ts), so both close schemas the same way.
 */

export type JsonSchema = { [key: string]: unknown };

/** Deep copy with `additionalProperties: false` on every object schema that lists properties. */
export function forbidUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forbidUnknownFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as JsonSchema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    // `properties` maps field names to schemas: recurse into the values, never treat the names as keywords.
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

/** metadata is the API server's, not the CRD's: only what a manifest may set. */
export const OBJECT_META_SCHEMA: JsonSchema = {
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

/**
 * The closed schema of one kind: unknown fields refused everywhere, apiVersion and kind pinned, metadata limited to
 * what a manifest sets, and `status` (read-only, server-side) dropped.
 */
export function strictCrdSchema(
  schema: JsonSchema,
  apiVersion: string,
  kind: string,
  required: readonly string[] = ['apiVersion', 'kind', 'metadata'],
): JsonSchema {
  const strict = forbidUnknownFields(schema) as JsonSchema;
  const properties = { ...(strict.properties as JsonSchema) };
  properties.apiVersion = { type: 'string', enum: [apiVersion] };
  properties.kind = { type: 'string', enum: [kind] };
  properties.metadata = OBJECT_META_SCHEMA;
  delete properties.status;
  return { ...strict, properties, required: [...required] };
}
