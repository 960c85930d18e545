import type { ServedBy } from '../types/api';

/** Human label for the catalogue a backend serves; falls back to the version when the header is missing. */
export function catalogueLabel(servedBy: ServedBy | null): string {
  const catalogue = servedBy?.catalogue;
  if (catalogue) return catalogue.charAt(0).toUpperCase() + catalogue.slice(1);
  return 'Unknown catalogue';
}

/** A CSS class suffix so v1/Bollywood and v2/Hollywood are visibly different wherever they appear. */
export function catalogueTone(servedBy: ServedBy | null): 'bollywood' | 'hollywood' | 'unknown' {
  const catalogue = servedBy?.catalogue?.toLowerCase();
  if (catalogue === 'bollywood' || catalogue === 'hollywood') return catalogue;
  return 'unknown';
}
