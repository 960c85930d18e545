import { describeObject, type Manifest } from '@movies/mesh/manifests';
import type { Finding } from './findings.js';
import { describeSchemaErrors, isKnownGroup, schemaValidator } from './schemas.js';

/**
 * `schema`: every object validates against its committed strict schema (apps/analyzer/schemas/), so an unknown
 * field (a typo) is an error everywhere: Istio, Gateway API and core objects alike. A kind we have no schema for is
 * an error too, so nothing reaches a cluster unchecked.
 */
export function checkSchema(objects: readonly Manifest[]): Finding[] {
  return objects.flatMap((object) =>
    schemaProblems(object).map((message) => ({
      check: 'schema',
      severity: 'error' as const,
      object: describeObject(object),
      message,
    })),
  );
}

/** What is wrong with one object against its schema (empty when it matches). */
function schemaProblems(object: Manifest): string[] {
  const apiVersion = String(object.apiVersion ?? '');
  const kind = String(object.kind ?? '');
  const validator = schemaValidator(apiVersion, kind);
  if (validator) {
    return validator(object)
      ? []
      : describeSchemaErrors(validator.errors ?? []).map(
          (line) => `does not match the ${apiVersion} ${kind} schema: ${line}`,
        );
  }
  return [
    isKnownGroup(apiVersion)
      ? `${apiVersion} ${kind} is not a kind this project validates (see apps/analyzer/schemas/ for the validated apiVersions and kinds)`
      : `no schema for ${apiVersion} ${kind}: add it to apps/analyzer/scripts/generate-schemas.ts and regenerate apps/analyzer/schemas/`,
  ];
}
