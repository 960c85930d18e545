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
import type { MeshWeights } from '../api/get-mesh-status';
import type { ShareBucket } from '../lib/traffic-recorder';
import { versionColour } from '../lib/version-colours';

type ChartProps = { buckets: ShareBucket[]; versions: string[]; weights: MeshWeights | null };

/** Share of responses per version, second by second; dashed lines are the gateway's configured weights. */
export function TrafficShareChart({ buckets, versions, weights }: ChartProps) {
  const data = buckets.map((bucket) => ({ second: bucket.second, ...bucket.share }));
  const shown = [...new Set([...versions, ...Object.keys(weights ?? {})])].sort();
  return (
    <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 600, height: 280 }}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#d4d4d8" />
        <XAxis
          dataKey="second"
          type="number"
          domain={['dataMin', 'dataMax']}
          unit="s"
          allowDecimals={false}
        />
        <YAxis domain={[0, 100]} unit="%" width={48} />
        <Tooltip formatter={(value) => `${value}%`} labelFormatter={(second) => `${second} s`} />
        <Legend />
        {shown.map((version, index) => (
          <Line
            key={version}
            type="linear"
            dataKey={version}
            name={`${version} share`}
            stroke={versionColour(version, index)}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        ))}
        {weights &&
          shown.map((version, index) =>
            weights[version] === undefined ? null : (
              <ReferenceLine
                key={`target-${version}`}
                y={weights[version]}
                stroke={versionColour(version, index)}
                strokeDasharray="6 4"
                label={{
                  value: `${version} target ${weights[version]}%`,
                  // Alternate sides so equal targets (50-50) do not print on top of each other.
                  position: index % 2 === 0 ? 'insideTopRight' : 'insideBottomRight',
                  fontSize: 12,
                }}
              />
            ),
          )}
      </LineChart>
    </ResponsiveContainer>
  );
}
