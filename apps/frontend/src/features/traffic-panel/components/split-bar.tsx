import { formatPercent, formatSplit } from '@movies/mesh/split-format';
import { versionColour } from '../lib/version-colours';

export type SplitPart = { version: string; percent: number };

const describe = (parts: readonly SplitPart[]) =>
  formatSplit(Object.fromEntries(parts.map((part) => [part.version, part.percent])));

/** One large horizontal bar of shares per version, with its own caption. */
export function SplitBar({
  label,
  detail,
  parts,
  versions,
  testId,
}: {
  label: string;
  detail: string;
  parts: readonly SplitPart[] | null;
  versions: readonly string[];
  testId: string;
}) {
  return (
    <div className="split-bar" data-testid={testId}>
      <div className="split-bar__caption">
        <span className="split-bar__label">{label}</span>
        <span className="split-bar__detail">{detail}</span>
      </div>
      {parts ? (
        <div className="split-bar__track" role="img" aria-label={`${label}: ${describe(parts)}`}>
          {parts
            .filter((part) => part.percent > 0)
            .map((part) => (
              <span
                key={part.version}
                className="split-bar__segment"
                data-version={part.version}
                style={{
                  width: `${part.percent}%`,
                  background: versionColour(part.version, versions.indexOf(part.version)),
                }}
              >
                {/* Hidden by a container query when the segment is too narrow for it; the legend has it too. */}
                <span className="split-bar__value">{`${part.version} ${formatPercent(part.percent)}`}</span>
              </span>
            ))}
        </div>
      ) : (
        <div className="split-bar__track split-bar__track--empty">{detail}</div>
      )}
      {parts && (
        <p className="split-bar__legend" data-testid={`${testId}-values`}>
          {describe(parts)}
        </p>
      )}
    </div>
  );
}

/** Whole-number percentages of `counts` that add up to 100 (largest remainders get the rounding). */
export function toPercentages(
  counts: Record<string, number>,
  versions: readonly string[],
): SplitPart[] | null {
  const total = versions.reduce((sum, version) => sum + (counts[version] ?? 0), 0);
  if (total === 0) return null;
  const exact = versions.map((version) => ({ version, value: (100 * (counts[version] ?? 0)) / total }));
  const parts = exact.map(({ version, value }) => ({ version, percent: Math.floor(value) }));
  let missing = 100 - parts.reduce((sum, part) => sum + part.percent, 0);
  const byRemainder = exact
    .map(({ value }, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    const part = parts[index];
    if (part) part.percent += 1;
    missing -= 1;
  }
  return parts;
}
