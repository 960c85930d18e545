#!/usr/bin/env node
/**
 * A kubectl stand-in for the script tests: a tiny in-memory API server persisted in a JSON state file.
 * Every call is appended to a log (argv, and stdin when the call reads `-f -`) so tests can assert the exact
 * conversation. It answers the verbs the scripts use — get, apply, patch (RFC 6902 with `test`), delete, create
 * --dry-run=client, label, annotate, config current-context, get --raw — and delegates `kustomize` and
 * `create … --dry-run=client` to the real kubectl, which needs no API server for them.
 * Any other call fails loudly (exit 2), so a script cannot quietly depend on something the tests do not model.
 *
 * Flagger is modelled by two more: `remoteKustomizations` (what `apply -k github.com/…` adds, since a remote
 * kustomization cannot be rendered offline) and `flaggerPhase` (the status.phase Flagger reports on every Canary,
 * read by `wait --for=jsonpath={.status.phase}=…`; `rollout status` succeeds for any existing Deployment).
 *
 * Two state switches model the world changing under a script: `raceAfterGet` (JSON patch ops applied to an object
 * right after the first `get` of it, as if someone edited it in between) and `admissionDropsLabels` (labels a
 * mutating admission policy strips from every applied object).
 *
 * Environment: KUBECTL_STAND_IN_STATE (state file), KUBECTL_STAND_IN_LOG (JSON lines), KUBECTL_REAL (real kubectl).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const statePath = required('KUBECTL_STAND_IN_STATE');
const logPath = required('KUBECTL_STAND_IN_LOG');
const realKubectl = required('KUBECTL_REAL');

function required(name) {
  const value = process.env[name];
  if (!value) fail(`kubectl stand-in: ${name} is not set`, 2);
  return value;
}

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const RESOURCES = {
  namespace: ['Namespace', 'namespaces', ''],
  secret: ['Secret', 'secrets', ''],
  service: ['Service', 'services', ''],
  deployment: ['Deployment', 'deployments', 'apps'],
  pod: ['Pod', 'pods', ''],
  virtualservice: ['VirtualService', 'virtualservices', 'networking.istio.io'],
  destinationrule: ['DestinationRule', 'destinationrules', 'networking.istio.io'],
  gateway: ['Gateway', 'gateways', 'networking.istio.io'],
  canary: ['Canary', 'canaries', 'flagger.app'],
  customresourcedefinition: ['CustomResourceDefinition', 'customresourcedefinitions', 'apiextensions.k8s.io'],
};
const ALIASES = {
  ns: 'namespace',
  svc: 'service',
  deploy: 'deployment',
  vs: 'virtualservice',
  dr: 'destinationrule',
  crd: 'customresourcedefinition',
};
const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition']);

function resource(name) {
  const lower = name.toLowerCase().split('.')[0];
  const singular = ALIASES[lower] ?? (RESOURCES[lower] ? lower : lower.replace(/s$/, ''));
  const found = RESOURCES[singular] ?? RESOURCES[ALIASES[singular] ?? ''];
  if (!found) fail(`kubectl stand-in: unsupported resource type "${name}"`, 2);
  const [kind, plural, group] = found;
  return { kind, plural, group };
}

function pluralOf(kind) {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

function groupOf(object) {
  const apiVersion = object.apiVersion ?? 'v1';
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** `virtualservice.networking.istio.io/movie-backend`, as `kubectl … -o name` and apply print it. */
function displayName(object) {
  const group = groupOf(object);
  return `${object.kind.toLowerCase()}${group ? `.${group}` : ''}/${object.metadata.name}`;
}

function notFound(kind, group, name) {
  return `Error from server (NotFound): ${pluralOf(kind)}${group ? `.${group}` : ''} "${name}" not found`;
}

// ---- arguments -------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
// The YAML library is loaded only by the calls that read or print YAML: most calls are `get … -o json|name`.
const needsYaml = argv.some(
  (arg) => ['-f', '-k', 'yaml', '-o=yaml', '--output=yaml'].includes(arg) || /^(-f|-k)=/.test(arg),
);
const { parseAllDocuments, stringify } = needsYaml ? await import('yaml') : {};
const flags = {};
const positional = [];
const VALUE_FLAGS = new Map([
  ['-n', 'namespace'],
  ['--namespace', 'namespace'],
  ['-o', 'output'],
  ['--output', 'output'],
  ['-k', 'kustomize'],
  ['--kustomize', 'kustomize'],
  ['-f', 'filename'],
  ['--filename', 'filename'],
  ['-p', 'patch'],
  ['--patch', 'patch'],
  ['--type', 'type'],
  ['--raw', 'raw'],
  ['--dry-run', 'dryRun'],
  ['-l', 'selector'],
  ['--for', 'for'],
  ['--timeout', 'timeout'],
]);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const eq = arg.indexOf('=');
  const name = arg.startsWith('-') && eq > 0 ? arg.slice(0, eq) : arg;
  if (VALUE_FLAGS.has(name)) {
    flags[VALUE_FLAGS.get(name)] = eq > 0 && arg.startsWith('-') ? arg.slice(eq + 1) : argv[++i];
  } else if (arg.startsWith('--')) {
    flags[arg.slice(2).split('=')[0]] = eq > 0 ? arg.slice(eq + 1) : true;
  } else {
    positional.push(arg);
  }
}

const readsStdin = flags.filename === '-';
const stdin = readsStdin ? readFileSync(0, 'utf8') : undefined;
appendFileSync(logPath, `${JSON.stringify({ argv, ...(stdin !== undefined ? { stdin } : {}) })}\n`);

const state = JSON.parse(readFileSync(statePath, 'utf8'));
state.objects ??= [];
state.crds ??= [];
const save = () => writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
const namespace = flags.namespace ?? 'default';
const ignoreNotFound = flags['ignore-not-found'] === true || flags['ignore-not-found'] === 'true';

function requireServer() {
  if (state.reachable === false) {
    fail('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
  }
}

function find(kind, name, inNamespace = namespace) {
  return state.objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (CLUSTER_SCOPED.has(kind) || (o.metadata.namespace ?? 'default') === inNamespace),
  );
}

function crdObject(name) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
  };
}

function jsonPath(object, expression) {
  const body = expression.replace(/^\{/, '').replace(/\}$/, '');
  const keys = body
    .replace(/^\./, '')
    .split(/(?<!\\)\./)
    .map((key) => key.replace(/\\\./g, '.'));
  let value = object;
  for (const key of keys) value = value?.[key];
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function print(object, output) {
  if (!output) return `${object.kind.toLowerCase()}/${object.metadata.name}\n`;
  if (output === 'json') return `${JSON.stringify(object, null, 2)}\n`;
  if (output === 'yaml') return stringify(object);
  if (output === 'name') return `${displayName(object)}\n`;
  if (output.startsWith('jsonpath=')) return jsonPath(object, output.slice('jsonpath='.length));
  fail(`kubectl stand-in: unsupported output "${output}"`, 2);
}

function manifestsFrom(text) {
  return parseAllDocuments(text)
    .map((document) => document.toJS())
    .filter((object) => object && typeof object === 'object');
}

function realKubectlOutput(args, stdio = 'pipe') {
  const result = spawnSync(realKubectl, args, { encoding: 'utf8', stdio: [stdio, 'pipe', 'pipe'] });
  if (result.status !== 0) fail(result.stderr || `real kubectl ${args.join(' ')} failed`, result.status ?? 1);
  return result.stdout;
}

function isRemote(target) {
  return /^(github\.com\/|https?:\/\/)/.test(target);
}

function remoteKustomization(url) {
  const found = state.remoteKustomizations?.[url];
  if (!found)
    fail(`error: accumulating resources: failed to run git clone for ${url} (stand-in: no network)`);
  return found;
}

function inputObjects() {
  if (flags.kustomize && isRemote(flags.kustomize)) {
    return structuredClone(remoteKustomization(flags.kustomize).objects ?? []);
  }
  if (flags.kustomize) return manifestsFrom(realKubectlOutput(['kustomize', flags.kustomize]));
  if (flags.filename === '-') return manifestsFrom(stdin);
  if (flags.filename) return manifestsFrom(readFileSync(flags.filename, 'utf8'));
  fail('error: must specify one of -f and -k', 1);
}

function checkNamespace(object) {
  if (CLUSTER_SCOPED.has(object.kind)) return;
  const own = object.metadata.namespace;
  if (own !== undefined && flags.namespace !== undefined && own !== flags.namespace) {
    fail(
      `error: the namespace from the provided object "${own}" does not match the namespace "${flags.namespace}". ` +
        `You must pass '--namespace=${own}' to perform this operation.`,
    );
  }
}

// ---- RFC 6902 ----------------------------------------------------------------------------------------------
function pointer(path) {
  return path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(document, path) {
  let value = document;
  for (const part of pointer(path)) value = value?.[Array.isArray(value) ? Number(part) : part];
  return value;
}

function applyJsonPatch(document, operations) {
  let target = structuredClone(document);
  for (const operation of operations) {
    if (operation.op === 'move') {
      const value = valueAt(target, operation.from);
      const moved = applyJsonPatch(target, [
        { op: 'remove', path: operation.from },
        { op: 'add', path: operation.path, value },
      ]);
      if (moved.error) return moved;
      target = moved.document;
      continue;
    }
    const parts = pointer(operation.path);
    const last = parts.pop();
    let parent = target;
    for (const part of parts) {
      parent = parent?.[Array.isArray(parent) ? Number(part) : part];
      if (parent === undefined) return { error: `path ${operation.path} does not exist` };
    }
    const key = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    switch (operation.op) {
      case 'test':
        if (JSON.stringify(parent[key]) !== JSON.stringify(operation.value)) {
          return { error: `testing value ${operation.path} failed` };
        }
        break;
      case 'replace':
        if (!(key in parent))
          return { error: `replace operation does not apply: doc is missing key: ${operation.path}` };
        parent[key] = operation.value;
        break;
      case 'add':
        if (Array.isArray(parent)) parent.splice(key, 0, operation.value);
        else parent[key] = operation.value;
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(key, 1);
        else delete parent[key];
        break;
      default:
        return { error: `unsupported op ${operation.op}` };
    }
  }
  return { document: target };
}

// ---- verbs -------------------------------------------------------------------------------------------------
const [verb, ...rest] = positional;
let out = '';
switch (verb) {
  case 'config': {
    if (rest[0] !== 'current-context') fail(`kubectl stand-in: unsupported call config ${rest.join(' ')}`, 2);
    if (!state.context) fail('error: current-context is not set');
    out = `${state.context}\n`;
    break;
  }
  case 'kustomize':
    out = realKubectlOutput(['kustomize', rest[0]]);
    break;
  case 'get': {
    if (flags.raw !== undefined) {
      requireServer();
      out = '{"major":"1","minor":"32","gitVersion":"v1.32.0"}\n';
      break;
    }
    requireServer();
    const [types, ...names] = rest;
    if (!types) fail('You must specify the type of resource to get.', 1);
    if (names.length === 0) {
      // A listing (scripts/deploy.sh status): one `kind/name` line per stored object of the asked kinds.
      for (const type of types.split(',')) {
        const { kind } = resource(type);
        const objects =
          kind === 'CustomResourceDefinition'
            ? state.crds.map(crdObject)
            : state.objects.filter(
                (o) => o.kind === kind && (CLUSTER_SCOPED.has(kind) || o.metadata.namespace === namespace),
              );
        for (const object of objects) out += print(object, flags.output === 'name' ? 'name' : undefined);
      }
      if (!out && !ignoreNotFound) process.stderr.write(`No resources found in ${namespace} namespace.\n`);
      break;
    }
    const { kind, group } = resource(types);
    let failed = false;
    for (const name of names) {
      const object =
        kind === 'CustomResourceDefinition'
          ? state.crds.includes(name)
            ? crdObject(name)
            : undefined
          : find(kind, name);
      if (object) {
        out += print(object, flags.output);
        const race = state.raceAfterGet?.[`${kind}/${name}`];
        if (race) {
          const result = applyJsonPatch(object, race);
          if (result.document) state.objects[state.objects.indexOf(object)] = result.document;
          delete state.raceAfterGet[`${kind}/${name}`];
          save();
        }
      } else if (!ignoreNotFound) {
        process.stderr.write(`${notFound(kind, group, name)}\n`);
        failed = true;
      }
    }
    process.stdout.write(out);
    process.exit(failed ? 1 : 0);
    break;
  }
  case 'create': {
    if (flags.dryRun !== 'client') fail('kubectl stand-in: only create --dry-run=client is modelled', 2);
    out = realKubectlOutput(argv, 'inherit');
    break;
  }
  case 'apply': {
    requireServer();
    const objects = inputObjects();
    if (flags.kustomize && isRemote(flags.kustomize)) {
      for (const crd of remoteKustomization(flags.kustomize).crds ?? []) {
        if (!state.crds.includes(crd)) state.crds.push(crd);
        out += `customresourcedefinition.apiextensions.k8s.io/${crd} created\n`;
      }
    }
    for (const object of objects) checkNamespace(object);
    for (const object of objects) {
      delete object.metadata.creationTimestamp;
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace ??= namespace;
      const existing = find(object.kind, object.metadata.name, object.metadata.namespace);
      const merged = {
        ...object,
        metadata: {
          ...object.metadata,
          labels: { ...(existing?.metadata.labels ?? {}), ...(object.metadata.labels ?? {}) },
          annotations: { ...(existing?.metadata.annotations ?? {}), ...(object.metadata.annotations ?? {}) },
        },
      };
      for (const label of state.admissionDropsLabels ?? []) delete merged.metadata.labels[label];
      if (!existing) {
        state.objects.push(merged);
        out += `${displayName(object)} created\n`;
      } else {
        const changed = JSON.stringify(existing) !== JSON.stringify(merged);
        state.objects[state.objects.indexOf(existing)] = merged;
        out += `${displayName(object)} ${changed ? 'configured' : 'unchanged'}\n`;
      }
    }
    save();
    break;
  }
  case 'patch': {
    requireServer();
    const { kind, group } = resource(rest[0]);
    const object = find(kind, rest[1]);
    if (!object) fail(notFound(kind, group, rest[1]));
    if (flags.type !== 'json') fail('kubectl stand-in: only --type=json patches are modelled', 2);
    const result = applyJsonPatch(object, JSON.parse(flags.patch));
    if (result.error) {
      fail(
        `The request is invalid: the server rejected our request due to an error in our request (${result.error})`,
      );
    }
    state.objects[state.objects.indexOf(object)] = result.document;
    save();
    out = `${displayName(object)} patched\n`;
    break;
  }
  case 'delete': {
    requireServer();
    const targets = [];
    if (flags.kustomize || flags.filename) {
      for (const object of inputObjects()) {
        checkNamespace(object);
        targets.push({
          kind: object.kind,
          group: groupOf(object),
          name: object.metadata.name,
          ns: object.metadata.namespace ?? namespace,
        });
      }
    } else {
      const { kind, group } = resource(rest[0]);
      for (const name of rest.slice(1)) targets.push({ kind, group, name, ns: namespace });
    }
    if (flags.kustomize && isRemote(flags.kustomize)) {
      for (const crd of remoteKustomization(flags.kustomize).crds ?? []) {
        if (!state.crds.includes(crd)) continue;
        state.crds = state.crds.filter((c) => c !== crd);
        out += `customresourcedefinition.apiextensions.k8s.io "${crd}" deleted\n`;
      }
    }
    let failed = false;
    for (const target of targets) {
      const object = find(target.kind, target.name, target.ns);
      if (!object) {
        if (!ignoreNotFound) {
          process.stderr.write(`${notFound(target.kind, target.group, target.name)}\n`);
          failed = true;
        }
        continue;
      }
      state.objects = state.objects.filter(
        (o) => o !== object && !(target.kind === 'Namespace' && o.metadata.namespace === target.name),
      );
      out += `${displayName(object)} deleted\n`;
    }
    save();
    process.stdout.write(out);
    process.exit(failed ? 1 : 0);
    break;
  }
  case 'label':
  case 'annotate': {
    requireServer();
    const { kind, group } = resource(rest[0]);
    const object = find(kind, rest[1]);
    if (!object) fail(notFound(kind, group, rest[1]));
    const field = verb === 'label' ? 'labels' : 'annotations';
    object.metadata[field] ??= {};
    for (const pair of rest.slice(2)) {
      if (!pair.includes('=') && pair.endsWith('-')) {
        delete object.metadata[field][pair.slice(0, -1)];
        continue;
      }
      const [key, value] = pair.split('=');
      if (
        object.metadata[field][key] !== undefined &&
        object.metadata[field][key] !== value &&
        !flags.overwrite
      ) {
        fail(
          `error: '${key}' already has a value (${object.metadata[field][key]}), and --overwrite is false`,
        );
      }
      object.metadata[field][key] = value;
    }
    save();
    out = `${displayName(object)} ${verb === 'label' ? 'labeled' : 'annotated'}\n`;
    break;
  }
  case 'rollout': {
    requireServer();
    if (rest[0] !== 'status') fail(`kubectl stand-in: unsupported call rollout ${rest.join(' ')}`, 2);
    const [type, name] = rest[1].split('/');
    if (!find(resource(type).kind, name))
      fail(`Error from server (NotFound): deployments.apps "${name}" not found`);
    out = `deployment "${name}" successfully rolled out\n`;
    break;
  }
  case 'wait': {
    requireServer();
    const [type, name] = rest[0].split('/');
    const { kind, plural, group } = resource(type);
    const object = find(kind, name);
    if (!object) fail(`Error from server (NotFound): ${plural}.${group} "${name}" not found`);
    const condition = /^jsonpath=\{\.status\.phase\}=(\w+)$/.exec(flags.for ?? '');
    if (!condition) fail(`kubectl stand-in: only wait --for=jsonpath={.status.phase}=PHASE is modelled`, 2);
    const phase = object.status?.phase ?? state.flaggerPhase;
    if (phase !== condition[1]) fail(`error: timed out waiting for the condition on ${plural}/${name}`);
    out = `${displayName(object)} condition met\n`;
    break;
  }
  default:
    fail(`kubectl stand-in: unsupported call: kubectl ${argv.join(' ')}`, 2);
}
process.stdout.write(out);
