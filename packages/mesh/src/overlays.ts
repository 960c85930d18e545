/**
 * Finds and renders the kustomize overlays under k8s/overlays, and loads their VirtualServices.
 * Rendering uses `kubectl kustomize` when kubectl is on the PATH (or named by $KUBECTL); without it, the committed
 * k8s/rendered/<overlay>.yaml is read instead — a test keeps those files identical to a fresh render.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppError } from '@movies/contracts/errors';
import { parseAllDocuments } from 'yaml';
import { ManifestError, OverlayError } from './errors.js';
import { httpRoutesAsVirtualServices } from './http-route.js';
import { isVirtualService, parseVirtualService, type VirtualService } from './virtual-service.js';

const execFileAsync = promisify(execFile);

/** The repository root (this file lives in packages/mesh/src). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const k8sDir = join(repoRoot, 'k8s');
export const overlaysDir = join(k8sDir, 'overlays');
export const renderedDir = join(k8sDir, 'rendered');

/** Names of the runnable variants: every directory under k8s/overlays with a kustomization.yaml. */
export function listOverlays(): string[] {
  if (!existsSync(overlaysDir)) return [];
  return readdirSync(overlaysDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(overlaysDir, entry.name, 'kustomization.yaml')))
    .map((entry) => entry.name)
    .sort(compareOverlayNames);
}

const splitName = /^(\d{1,3})-(\d{1,3})$/;

/** "80-20" → { v1: 80, v2: 20 }; undefined for a name that is not a split. */
export function splitFromName(name: string): Record<string, number> | undefined {
  const found = splitName.exec(name);
  if (!found) return undefined;
  return { v1: Number(found[1]), v2: Number(found[2]) };
}

/** Splits first, from all-v1 to all-v2 (100-0, 80-20, 50-50, 0-100), then scenarios alphabetically. */
function compareOverlayNames(a: string, b: string): number {
  const sa = splitFromName(a);
  const sb = splitFromName(b);
  if (sa && sb) return (sb.v1 as number) - (sa.v1 as number);
  if (sa) return -1;
  if (sb) return 1;
  return a.localeCompare(b);
}

/** Checks the name against the overlays that exist, so a name can never point outside k8s/overlays. */
export function resolveOverlay(name: string): string {
  const overlays = listOverlays();
  if (!overlays.includes(name)) {
    throw new OverlayError(`unknown overlay "${name}" (available: ${overlays.join(', ') || 'none'})`);
  }
  return join(overlaysDir, name);
}

/** The kubectl to use: $KUBECTL, else `kubectl` when it is on the PATH, else undefined. */
export function findKubectl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECTL) return env.KUBECTL;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

/** findKubectl(), or an UNAVAILABLE error saying how to provide one: for callers that must render live, never fall back. */
export function requireKubectl(env: NodeJS.ProcessEnv = process.env): string {
  const kubectl = findKubectl(env);
  if (!kubectl)
    throw new AppError(
      'UNAVAILABLE',
      'kubectl is needed to render the overlays (put it on the PATH, or set $KUBECTL)',
    );
  return kubectl;
}

export interface RenderedOverlay {
  overlay: string;
  yaml: string;
  /** How it was rendered: a live `kubectl kustomize`, or the committed fallback file. */
  via: 'kubectl' | 'rendered';
}

export interface RenderOptions {
  /** A kubectl binary, or false to force the k8s/rendered fallback. Default: findKubectl(). */
  kubectl?: string | false;
}

export async function renderOverlay(name: string, options: RenderOptions = {}): Promise<RenderedOverlay> {
  const dir = resolveOverlay(name);
  const kubectl = options.kubectl === undefined ? findKubectl() : options.kubectl;
  if (kubectl) {
    try {
      const { stdout } = await execFileAsync(kubectl, ['kustomize', dir], { maxBuffer: 32 * 1024 * 1024 });
      return { overlay: name, yaml: stdout, via: 'kubectl' };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new ManifestError(
        `kubectl kustomize k8s/overlays/${name} failed: ${stderr || (error as Error).message}`,
      );
    }
  }
  const fallback = join(renderedDir, `${name}.yaml`);
  if (!existsSync(fallback)) {
    throw new OverlayError(
      `cannot render overlay "${name}": kubectl is not installed and k8s/rendered/${name}.yaml does not exist`,
    );
  }
  return { overlay: name, yaml: readFileSync(fallback, 'utf8'), via: 'rendered' };
}

/** Every object of a multi-document YAML stream; YAML syntax errors name the document. */
export function parseManifests(yamlText: string, source = 'manifest'): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [];
  parseAllDocuments(yamlText).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new ManifestError(`${source}: YAML document ${index + 1}: ${document.errors[0]?.message}`);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value as Record<string, unknown>);
  });
  return objects;
}

/** The VirtualServices bound to the named gateway (short name or namespace/name), in manifest order. */
export function gatewayVirtualServices(
  objects: ReadonlyArray<Record<string, unknown>>,
  gateway = 'istio-gateway',
): VirtualService[] {
  return objects
    .filter(isVirtualService)
    .map(parseVirtualService)
    .filter((vs) => (vs.spec.gateways ?? []).some((g) => g === gateway || g.endsWith(`/${gateway}`)));
}

export interface LoadedOverlay extends RenderedOverlay {
  objects: Array<Record<string, unknown>>;
  virtualServices: VirtualService[];
  /** Subset names per host (short name), from the overlay's DestinationRules: what a split may name. */
  subsets: Record<string, string[]>;
}

/** Subset names per host short name, from the DestinationRules among the objects. */
export function destinationRuleSubsets(
  objects: ReadonlyArray<Record<string, unknown>>,
): Record<string, string[]> {
  const subsets: Record<string, string[]> = {};
  for (const object of objects) {
    if (object.kind !== 'DestinationRule') continue;
    const spec = object.spec as { host?: unknown; subsets?: Array<{ name?: unknown }> } | undefined;
    if (typeof spec?.host !== 'string') continue;
    const host = spec.host.split('.')[0] as string;
    const names = (spec.subsets ?? []).flatMap((s) => (typeof s.name === 'string' ? [s.name] : []));
    subsets[host] = [...(subsets[host] ?? []), ...names];
  }
  return subsets;
}

/**
 * Renders an overlay and returns its objects and the routes of its ingress: the VirtualServices bound to
 * istio-gateway or, for the Gateway API overlay, its HTTPRoutes read as VirtualServices.
 */
export async function loadOverlay(name: string, options: RenderOptions = {}): Promise<LoadedOverlay> {
  const rendered = await renderOverlay(name, options);
  const objects = parseManifests(rendered.yaml, `k8s/overlays/${name}`);
  let virtualServices = gatewayVirtualServices(objects);
  if (virtualServices.length === 0) virtualServices = httpRoutesAsVirtualServices(objects);
  if (virtualServices.length === 0) {
    throw new ManifestError(
      `overlay "${name}" has neither a VirtualService bound to istio-gateway nor an HTTPRoute`,
    );
  }
  return { ...rendered, objects, virtualServices, subsets: destinationRuleSubsets(objects) };
}
