/**
 * Unknown-field detection for core Kubernetes objects. kubernetes-models' runtime schemas accept any extra field,
 * but its TypeScript declarations list every field of every kind. We load those declarations with the TypeScript
 * compiler and walk each manifest against them, so `readOnlyRootFileSystem` or `terminationGracePeriodSecond` is an
 * error here instead of a field the API server silently drops.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** apiVersion/kind → [module, interface] in kubernetes-models. */
export const CORE_KINDS: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'INamespace'],
  'v1/ServiceAccount': ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'policy/v1/PodDisruptionBudget': [
    'kubernetes-models/policy/v1/PodDisruptionBudget',
    'IPodDisruptionBudget',
  ],
};

interface Checker {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}

let loaded: Checker | undefined;

function load(): Checker {
  if (loaded) return loaded;
  const here = dirname(fileURLToPath(import.meta.url));
  const virtualFile = join(here, '__core-kinds__.ts');
  const source = Object.entries(CORE_KINDS)
    .map(([, [module, name]], index) => `import type { ${name} as T${index} } from '${module}';`)
    .concat(
      `export interface Kinds { ${Object.keys(CORE_KINDS)
        .map((key, index) => `'${key}': T${index};`)
        .join(' ')} }`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // The declarations need only ES5's Array and Record: a small lib keeps start-up short.
    lib: ['lib.es5.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === virtualFile
      ? ts.createSourceFile(fileName, source, languageVersion)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === virtualFile || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [virtualFile], options, host });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(virtualFile);
  const kinds = file && checker.getSymbolAtLocation(file)?.exports?.get('Kinds' as ts.__String);
  if (!kinds) throw new Error('cannot load the kubernetes-models type declarations');
  const kindsType = checker.getDeclaredTypeOfSymbol(kinds);
  const types = new Map<string, ts.Type>();
  for (const key of Object.keys(CORE_KINDS)) {
    const property = checker.getPropertyOfType(kindsType, key);
    if (property) types.set(key, checker.getTypeOfSymbol(property));
  }
  loaded = { checker, types };
  return loaded;
}

/** The object-like members of a type: unions are split, undefined/null and primitives dropped. */
function objectMembers(type: ts.Type): ts.Type[] {
  const members = type.isUnion() ? type.types : [type];
  return members.filter((member) => (member.flags & ts.TypeFlags.Object) !== 0);
}

/**
 * Fields the kind's declared type does not have, as `<parent path>: unknown field "<name>"` lines (the format the
 * CRD schema errors use); undefined for a kind not in CORE_KINDS.
 */
export function unknownCoreFields(apiVersion: string, kind: string, object: unknown): string[] | undefined {
  const { checker, types } = load();
  const root = types.get(`${apiVersion}/${kind}`);
  if (!root) return undefined;
  const unknown: string[] = [];
  walkFields(checker, object, root, '', unknown);
  return unknown;
}

/** Walks `value` against `type`, pushing a line to `unknown` for each field no member of the type declares. */
function walkFields(
  checker: ts.TypeChecker,
  value: unknown,
  type: ts.Type,
  path: string,
  unknown: string[],
): void {
  if (value === null || typeof value !== 'object') return;
  const candidates = objectMembers(type);
  if (candidates.length === 0) return;
  if (Array.isArray(value)) {
    const element = candidates
      .map((candidate) => checker.getIndexTypeOfType(candidate, ts.IndexKind.Number))
      .find(Boolean);
    if (element)
      for (const [index, item] of value.entries())
        walkFields(checker, item, element, `${path}/${index}`, unknown);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childType = fieldType(checker, candidates, key);
    if (childType) walkFields(checker, child, childType, `${path}/${key}`, unknown);
    else unknown.push(`${path || '/'}: unknown field "${key}"`);
  }
}

/** The declared type of field `key` in the first candidate that has it (or a string index), else undefined. */
function fieldType(
  checker: ts.TypeChecker,
  candidates: readonly ts.Type[],
  key: string,
): ts.Type | undefined {
  for (const candidate of candidates) {
    const property = checker.getPropertyOfType(candidate, key);
    if (property) return checker.getTypeOfSymbol(property);
    const index = checker.getIndexTypeOfType(candidate, ts.IndexKind.String);
    if (index) return index;
  }
  return undefined;
}
