import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MeshWeights } from '../../../lib/mesh-status';
import type { SharePoint } from '../lib/counter-history';
import { versionColour } from '../lib/version-colours';

type ChartProps = {
  points: SharePoint[];
  versions: readonly string[];
  weights: MeshWeights | null;
  windowSeconds: number;
  spanSeconds: number;
};

const secondsAgo = (t: number) => (t === 0 ? 'now' : `\u2212${-t} s`);

/**
 * Each version's share of the requests of the last `windowSeconds`, over the last `spanSeconds`. The configured
 * weights are dashed lines; their values are in the legend rather than printed on the plot, where they would
 * cover the lines (and each other on a phone).
 */
export function TrafficShareChart({ points, versions, weights, windowSeconds, spanSeconds }: ChartProps) {
  const data = points.map((point) => ({ t: point.t, requests: point.requests, ...point.share }));
  const ticks = Array.from({ length: 5 }, (_, index) => -spanSeconds + (index * spanSeconds) / 4);
  return (
    <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 600, height: 260 }}>
      {/* The top margin keeps the "100 %" tick label inside the drawing. */}
      <LineChart data={data} margin={{ top: 14, right: 14, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#d4d4d8" />
        <XAxis
          dataKey="t"
          type="number"
          domain={[-spanSeconds, 0]}
          ticks={ticks}
          tickFormatter={secondsAgo}
          allowDataOverflow
          tick={{ fontSize: 12 }}
        />
        <YAxis
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          tickFormatter={(value: number) => `${value} %`}
          // Wide enough for "100 %" on one line.
          width={58}
          tick={{ fontSize: 12 }}
        />
        <Tooltip
          formatter={(value) => `${value} %`}
          labelFormatter={(t) =>
            `${Number(t) === 0 ? 'now' : `${-Number(t)} s ago`} (last ${windowSeconds} s)`
          }
        />
        <Legend wrapperStyle={{ fontSize: 13 }} />
        {versions.map((version, index) => (
          <Line
            key={version}
            type="monotone"
            dataKey={version}
            name={
              weights?.[version] === undefined
                ? `${version} share`
                : `${version} share (target ${weights[version]} %)`
            }
            stroke={versionColour(version, index)}
            strokeWidth={2}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
        {weights &&
          versions.map((version, index) =>
            weights[version] === undefined ? null : (
              <ReferenceLine
                key={`target-${version}`}
                y={weights[version]}
                stroke={versionColour(version, index)}
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
              />
            ),
          )}
      </LineChart>
    </ResponsiveContainer>
  );
}
