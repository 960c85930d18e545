/**
 * Broken fixtures: each file under test/fixtures/broken takes a real render of an overlay and breaks it in one
 * place, then says which findings the analyzer must report — exactly those, no more.
 *
 * Header directives (YAML comments at the top of the file):
 *   # base: 80-20                          overlay to start from (default 80-20)
 *   # split: none                          analyze without an expected split (default: the base overlay's split)
 *   # remove: Kind/name [/json/pointer]    delete an object, or one field of it
 *   # set: Kind/name /json/pointer JSON    set a field (JSON value)
 *   # expect: [check] Kind ns/name: message
 * YAML documents below the header are JSON merge patches (RFC 7386) onto the object of the same kind and name, or
 * new objects when none matches.
 */
import { readFileSync } from 'node:fs';
import { parseManifests } from '@movies/mesh';

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface Fixture {
  file: string;
  base: string;
  split: 'none' | undefined;
  expected: string[];
  apply(objects: JsonObject[]): JsonObject[];
}

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with /: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function walkTo(
  root: Json,
  segments: string[],
  pointer: string,
): { parent: JsonObject | Json[]; key: string } {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
    if (node === undefined) throw new Error(`fixture pointer ${pointer} does not exist`);
  }
  return { parent: node as JsonObject | Json[], key: segments.at(-1) as string };
}

function sameObject(object: JsonObject, kind: string, name: string): boolean {
  return object.kind === kind && (object.metadata as JsonObject | undefined)?.name === name;
}

export function loadFixture(file: string): Fixture {
  const text = readFileSync(file, 'utf8');
  const directives = text
    .split('\n')
    .filter((line) => /^# (base|split|remove|set|expect): /.test(line))
    .map((line) => {
      const found = /^# (\w+): (.*)$/.exec(line) as RegExpExecArray;
      return { name: found[1] as string, value: (found[2] as string).trim() };
    });
  const values = (name: string) => directives.filter((d) => d.name === name).map((d) => d.value);
  const patches = parseManifests(text, file) as JsonObject[];
  const expected = values('expect');
  if (expected.length === 0) throw new Error(`${file} has no "# expect:" line`);
  return {
    file,
    base: values('base')[0] ?? '80-20',
    split: values('split')[0] === 'none' ? 'none' : undefined,
    expected,
    apply(input) {
      let objects = structuredClone(input);
      const find = (ref: string) => {
        const [kind, name] = ref.split('/') as [string, string];
        const index = objects.findIndex((object) => sameObject(object, kind, name));
        if (index === -1) throw new Error(`${file}: no ${ref} in the base render`);
        return index;
      };
      for (const remove of values('remove')) {
        const [ref, pointer] = remove.split(/\s+/) as [string, string | undefined];
        const index = find(ref);
        if (!pointer) {
          objects = objects.filter((_, i) => i !== index);
          continue;
        }
        const { parent, key } = walkTo(objects[index], pointerSegments(pointer), pointer);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else if (key in parent) delete parent[key];
        else throw new Error(`${file}: ${ref} has no ${pointer}`);
      }
      for (const set of values('set')) {
        const found = /^(\S+)\s+(\S+)\s+(.+)$/.exec(set);
        if (!found) throw new Error(`${file}: bad set directive: ${set}`);
        const [, ref, pointer, json] = found as unknown as [string, string, string, string];
        const { parent, key } = walkTo(objects[find(ref)], pointerSegments(pointer), pointer);
        (parent as Record<string, Json>)[key] = JSON.parse(json);
      }
      for (const patch of patches) {
        const kind = String(patch.kind);
        const name = String((patch.metadata as JsonObject | undefined)?.name);
        const index = objects.findIndex((object) => sameObject(object, kind, name));
        if (index === -1) objects.push(patch);
        else objects[index] = mergePatch(objects[index], patch) as JsonObject;
      }
      return objects;
    },
  };
}
