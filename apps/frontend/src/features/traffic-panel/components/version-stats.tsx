import type { Counts } from '../lib/traffic-recorder';
import { versionColour } from '../lib/version-colours';

const rate = (errors: number, requests: number) =>
  requests === 0 ? '—' : `${Math.round((1000 * errors) / requests) / 10} %`;

/** Per version: requests, errors and error rate over the rolling window and in total. */
export function VersionStats({
  versions,
  window,
  total,
  windowSeconds,
  totalLabel,
  catalogueOf,
}: {
  versions: readonly string[];
  window: Counts;
  total: Counts;
  windowSeconds: number;
  totalLabel: string;
  catalogueOf: (version: string) => string | null;
}) {
  return (
    <ul className="version-stats" aria-label="Requests and errors per version">
      {versions.map((version, index) => {
        const recent = window[version] ?? { requests: 0, errors: 0 };
        const all = total[version] ?? { requests: 0, errors: 0 };
        const catalogue = catalogueOf(version);
        return (
          <li
            key={version}
            className="version-stats__card"
            style={{ borderLeftColor: versionColour(version, index) }}
            data-testid={`version-stats-${version}`}
          >
            <h3>
              {version}
              {catalogue && <span className="version-stats__catalogue"> · {catalogue}</span>}
            </h3>
            <table>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Measure</span>
                  </th>
                  <th scope="col">Last {windowSeconds} s</th>
                  <th scope="col">{totalLabel}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Requests</th>
                  <td data-testid={`window-requests-${version}`}>{recent.requests}</td>
                  <td data-testid={`total-requests-${version}`}>{all.requests}</td>
                </tr>
                <tr>
                  <th scope="row">Errors</th>
                  <td data-testid={`window-errors-${version}`}>{recent.errors}</td>
                  <td data-testid={`total-errors-${version}`}>{all.errors}</td>
                </tr>
                <tr>
                  <th scope="row">Error rate</th>
                  <td data-testid={`window-error-rate-${version}`}>{rate(recent.errors, recent.requests)}</td>
                  <td>{rate(all.errors, all.requests)}</td>
                </tr>
              </tbody>
            </table>
          </li>
        );
      })}
    </ul>
  );
}
