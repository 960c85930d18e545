/**
 * k8s/versions.yaml, where every version the repository names is written (versions.test.ts fails on any other), as
 * the tests read it; and the scan of every tracked file for Istio, Kubernetes, kind, minikube and Gateway API version
 * strings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod/mini';
import { repoRoot } from './harness.js';

const text = z.string();
const row = { version: text, source: text, minimum: text, eol: z.nullable(z.union([text, z.date()])) };
const supportedIstio = z.object({
  role: z.enum(['oldest', 'newest']),
  minor: text,
  version: text,
  released: z.nullable(z.union([text, z.date()])),
  eol: z.nullable(z.union([text, z.date()])),
  kubernetes: z.nullable(z.array(text)),
  kindNodeImage: text,
  gatewayApi: text,
});

export const versionTableSchema = z.object({
  istio: z.object({ ...row, supported: z.tuple([supportedIstio, supportedIstio]) }),
  kubernetes: z.object({
    ...row,
    releases: z.array(z.object({ minor: text, eol: z.nullable(z.union([text, z.date()])) })),
  }),
  kind: z.object({ ...row, nodeImages: z.array(text) }),
  minikube: z.object(row),
  gatewayApi: z.object({ ...row, install: text }),
  flagger: z.object(row),
});

export type VersionTable = z.infer<typeof versionTableSchema>;

export const versionsFile = 'k8s/versions.yaml';

/** The table, parsed and checked against its shape (a missing row or key fails here, naming it). */
export function readVersionTable(): VersionTable {
  return z.parse(versionTableSchema, parse(readFileSync(join(repoRoot, versionsFile), 'utf8')));
}

export type Product = 'istio' | 'kubernetes' | 'kind' | 'minikube' | 'gatewayApi';

/** `v1.35.8` → `1.35.8`; the table and the files write versions with or without the `v`. */
const bare = (version: string) => version.replace(/^v/, '');

/** The node image's Kubernetes version: kindest/node:v1.35.8@sha256:… → 1.35.8. */
export function nodeImageVersion(image: string): string {
  const version = /^kindest\/node:v(\d+\.\d+\.\d+)@sha256:[0-9a-f]{64}$/.exec(image)?.[1];
  if (!version) throw new Error(`${image} is not a digest-pinned kindest/node image`);
  return version;
}

/** Every version of each product the table holds (without the `v`), full versions and their minors alike. */
export function knownVersions(table: VersionTable): Record<Product, Set<string>> {
  const withMinor = (versions: string[]) =>
    new Set(versions.map(bare).flatMap((v) => [v, v.split('.').slice(0, 2).join('.')]));
  const istio = table.istio.supported;
  const nodes = [...table.kind.nodeImages, ...istio.map((entry) => entry.kindNodeImage)].map(
    nodeImageVersion,
  );
  return {
    istio: withMinor([table.istio.version, table.istio.minimum, ...istio.map((entry) => entry.version)]),
    kubernetes: withMinor([
      table.kubernetes.version,
      table.kubernetes.minimum,
      ...table.kubernetes.releases.map((release) => release.minor),
      ...istio.flatMap((entry) => entry.kubernetes ?? []),
      ...nodes,
    ]),
    kind: withMinor([table.kind.version, table.kind.minimum]),
    minikube: withMinor([table.minikube.version, table.minikube.minimum]),
    gatewayApi: withMinor([
      table.gatewayApi.version,
      table.gatewayApi.minimum,
      ...istio.map((entry) => entry.gatewayApi),
    ]),
  };
}

const V = String.raw`v?(\d+\.\d+(?:\.\d+)?)`;
/**
 * Where a version string names one of the products. Each pattern's group 1 is the version. The words around it
 * decide the product, so a package version (@kubernetes-models/istio 2.3.0) or an unrelated number is not read.
 */
export const versionPatterns: ReadonlyArray<{ product: Product; pattern: RegExp }> = [
  { product: 'istio', pattern: new RegExp(String.raw`(?<![\w/@-])istio(?:ctl)?[ -]${V}\b`, 'gi') },
  { product: 'istio', pattern: new RegExp(String.raw`\bISTIO_VERSION[=:]\s*"?${V}`, 'g') },
  { product: 'istio', pattern: new RegExp(String.raw`^\s*-?\s*istio:\s*"?${V}`, 'gm') },
  { product: 'istio', pattern: /istio\/istio\/release-(\d+\.\d+)/g },
  {
    product: 'kubernetes',
    pattern: new RegExp(String.raw`\b(?:kubernetes|k8s|kubectl)\`?\s*(?:≥|>=|v)?\s*${V}`, 'gi'),
  },
  { product: 'kubernetes', pattern: /kindest\/node:v(\d+\.\d+\.\d+)/g },
  { product: 'kubernetes', pattern: /--kubernetes-version[= ]v?(\d+\.\d+(?:\.\d+)?)/g },
  { product: 'kubernetes', pattern: /dl\.k8s\.io\/release\/v(\d+\.\d+\.\d+)/g },
  { product: 'kind', pattern: /(?<![\w/-])kind\]?(?:\([^)]*\))?\s*(?:≥|>=)?\s*v?(0\.\d+(?:\.\d+)?)/gi },
  { product: 'kind', pattern: new RegExp(String.raw`\bKIND_VERSION[=:]\s*"?${V}`, 'g') },
  { product: 'kind', pattern: /kind\.sigs\.k8s\.io\/dl\/v(\d+\.\d+\.\d+)/g },
  {
    product: 'minikube',
    pattern: /(?<![\w/-])minikube\]?(?:\([^)]*\))?\s*(?:≥|>=)?\s*v?(\d+\.\d+(?:\.\d+)?)/gi,
  },
  { product: 'gatewayApi', pattern: /gateway-api\/releases\/download\/v(\d+\.\d+\.\d+)/g },
  { product: 'gatewayApi', pattern: /gateway-api\/config\/crd[^\s"']*\?ref=v(\d+\.\d+\.\d+)/g },
  {
    product: 'gatewayApi',
    pattern: new RegExp(String.raw`\bgateway api(?: crds?)?\s*(?:≥|>=)?\s*${V}`, 'gi'),
  },
  { product: 'gatewayApi', pattern: new RegExp(String.raw`^\s*-?\s*gateway-api:\s*"?${V}`, 'gm') },
];

export interface VersionMention {
  file: string;
  line: number;
  product: Product;
  version: string;
}

/** Every version mention in one text. */
export function versionMentions(file: string, content: string): VersionMention[] {
  const mentions: VersionMention[] = [];
  const lines = content.split('\n');
  for (const [index, line] of lines.entries()) {
    for (const { product, pattern } of versionPatterns) {
      for (const match of line.matchAll(pattern)) {
        mentions.push({ file, line: index + 1, product, version: bare(match[1] as string) });
      }
    }
  }
  return mentions;
}

/**
 * The tracked files the scan reads: everything git tracks, except the table itself, files copied from upstream
 * projects with their own versions (k8s/progressive-delivery/upstream), the lockfile, published JSON schemas,
 * binary files, and versions.test.ts, whose stale versions are the fixtures that prove the scan catches them.
 */
export function scannedFiles(): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  return tracked.filter(
    (file) =>
      file !== versionsFile &&
      file !== 'apps/ops/test/versions.test.ts' &&
      !file.startsWith('k8s/progressive-delivery/upstream/') &&
      !file.startsWith('apps/ops/test/schemas/') &&
      file !== 'pnpm-lock.yaml' &&
      !/\.(png|jpe?g|webp|gif|ico|woff2?|ttf|gz|tar|zip)$/i.test(file),
  );
}
