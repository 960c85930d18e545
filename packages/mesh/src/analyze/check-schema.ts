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
import { describeObject, type Manifest } from './manifests.js';

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
  const findings: Finding[] = [];
  for (const object of objects) {
    const apiVersion = String(object.apiVersion ?? '');
    const kind = String(object.kind ?? '');
    const report = (message: string) =>
      findings.push({ check: 'schema', severity: 'error', object: describeObject(object), message });
    const core = CORE_MODELS[`${apiVersion}/${kind}`];
    if (core) {
      try {
        new core(object as never).validate();
      } catch (error) {
        const errors = (error as { errors?: ErrorObject[] }).errors;
        const lines = errors ? describeSchemaErrors(errors) : [(error as Error).message];
        for (const line of lines) report(`does not match the ${apiVersion} ${kind} schema: ${line}`);
      }
      for (const line of unknownCoreFields(apiVersion, kind, object) ?? []) {
        report(`does not match the ${apiVersion} ${kind} schema: ${line}`);
      }
      continue;
    }
    const validator = crdValidator(apiVersion, kind);
    if (validator) {
      if (!validator(object)) {
        for (const line of describeSchemaErrors(validator.errors ?? [])) {
          report(`does not match the ${apiVersion} ${kind} schema: ${line}`);
        }
      }
      continue;
    }
    report(
      isKnownCrd(apiVersion)
        ? `${apiVersion} ${kind} is not a kind this project validates (use networking.istio.io/v1, security.istio.io/v1 or gateway.networking.k8s.io/v1)`
        : `no schema for ${apiVersion} ${kind}: add it to the validated kinds in packages/mesh/src/analyze/check-schema.ts`,
    );
  }
  return findings;
}
