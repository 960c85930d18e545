import { TrafficPanel } from '../../features/traffic-panel/components/traffic-panel';

// Its own chunk (see router.tsx): the catalogue pages never download recharts.
export default function TrafficRoute() {
  return <TrafficPanel />;
}
