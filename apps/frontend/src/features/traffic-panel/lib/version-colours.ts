// v1 is the Bollywood catalogue, v2 the Hollywood one: the same colours as their badges and tags.
const known: Record<string, string> = { v1: '#c2410c', v2: '#1d4ed8' };
const extra = ['#15803d', '#7e22ce', '#0e7490', '#a16207'];

export function versionColour(version: string, index: number): string {
  return known[version] ?? extra[index % extra.length] ?? '#444';
}
