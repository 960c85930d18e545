import { describeObject, type Manifest } from '@movies/mesh/manifests';
import type { ErrorObject } from 'ajv';
// One module per kind: the package's index files load every model (seconds of start-up).
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { unknownCoreFields } from './core-fields.js';
import { crdValidator, describeSchemaErrors, isKnownCrd } from './crd-schemas.js';
import type { Finding } from './findings.js';

interface CoreModel {
  new (data: never): { validate(): void };
}

/** Core kinds we ship, validated by kubernetes-models (its schemas check types, enums and required fields). */
const CORE_MODELS: Record<string, CoreModel> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/**
 * `schema`: every object validates against its schema, and an unknown field (a typo) is an error everywhere:
 * Istio and Gateway API objects use strict copies of their CRD schemas; core objects use kubernetes-models'
 * schemas for types and required fields, and its type declarations for the set of known fields. A kind we have no
 * schema for is an error too, so nothing reaches a cluster unchecked.
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
  const mismatch = (line: string) => `does not match the ${apiVersion} ${kind} schema: ${line}`;
  const core = CORE_MODELS[`${apiVersion}/${kind}`];
  if (core) {
    return [...coreModelErrors(core, object), ...(unknownCoreFields(apiVersion, kind, object) ?? [])].map(
      mismatch,
    );
  }
  const validator = crdValidator(apiVersion, kind);
  if (validator) return validator(object) ? [] : describeSchemaErrors(validator.errors ?? []).map(mismatch);
  return [
    isKnownCrd(apiVersion)
      ? `${apiVersion} ${kind} is not a kind this project validates (use networking.istio.io/v1, security.istio.io/v1 or gateway.networking.k8s.io/v1)`
      : `no schema for ${apiVersion} ${kind}: add it to the validated kinds in apps/analyzer/src/check-schema.ts`,
  ];
}

/** kubernetes-models' own validation of a core object: types, enums and required fields. */
function coreModelErrors(core: CoreModel, object: Manifest): string[] {
  try {
    new core(object as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    return errors ? describeSchemaErrors(errors) : [(error as Error).message];
  }
}
