/** What a check reports: one problem in one object, in words a user can act on. */
export interface Finding {
  /** The check that found it (see CHECKS in ./index.ts). */
  check: string;
  severity: 'error' | 'warning';
  /** "VirtualService movies/movie-backend" */
  object: string;
  message: string;
}

/** "VirtualService movies/movie-backend: route 1 destination subset "v3" is not defined …" */
export function formatFinding(finding: Finding): string {
  return `${finding.object}: ${finding.message}`;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
