/**
 * Tells which backend version answered. The original demo grepped the body for "bollywood" and counted every
 * other answer as v1; here a version is only ever read from what the backend states — the `x-backend-version`
 * header, else the JSON body's `version` field — and anything else is "unknown", never guessed.
 */
import { VERSION_HEADER } from '@movies/contracts/names';

/** A version label as pods carry it (v1, v2, canary-2…): short, no spaces or markup. */
const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export interface DetectedVersion {
  version: string;
  from: 'header' | 'body';
}

export function detectVersion(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string | undefined,
): DetectedVersion | undefined {
  const raw = headers[VERSION_HEADER];
  const headerValue = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (headerValue && versionPattern.test(headerValue)) return { version: headerValue, from: 'header' };
  if (!body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const version = (parsed as { version?: unknown }).version;
    if (typeof version === 'string' && versionPattern.test(version.trim())) {
      return { version: version.trim(), from: 'body' };
    }
  }
  return undefined;
}
