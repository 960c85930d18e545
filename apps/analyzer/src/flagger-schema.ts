import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k8sDir } from '@movies/mesh';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { type JsonSchema, strictCrdSchema } from './strict-crd-schema.js';

/**
 * Strict validators for Flagger's kinds, built from the CRD file committed unchanged with Flagger's release
 * (k8s/progressive-delivery/upstream/flagger-<version>/crd.yaml, the version from k8s/versions.yaml). The CRD's
 * openAPIV3Schema is what the API server prunes by, so an unknown field there is silently dropped on a cluster:
 * here every object schema that lists its properties gets `additionalProperties: false`, making it an error.
 */

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
      const kind = crd.spec?.names?.kind ?? '';
      const full = strictCrdSchema(schema, apiVersion, kind, ['apiVersion', 'kind', 'metadata', 'spec']);
      compiled.set(`${apiVersion}/${kind}`, ajv.compile(full));
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
