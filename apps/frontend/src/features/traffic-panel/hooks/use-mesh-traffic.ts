import { useEffect, useState } from 'react';
import { getMeshStatus, type MeshStatus } from '../../../lib/mesh-status';
import { appendSample, type CounterSample } from '../lib/counter-history';

/** Often enough that traffic sent with curl shows within 2 s. */
export const meshPollMs = 1_000;
/** How much history the chart draws. */
export const historyMs = 60_000;

export type MeshTraffic = {
  /** undefined until the first answer; null when there is no /__mesh (a cluster). */
  mesh: MeshStatus | null | undefined;
  /** The gateway's cumulative counters, one sample per poll. */
  history: CounterSample[];
};

/** Polls the local gateway's GET /__mesh: routing (weights, premium rule) and counters of ALL its traffic. */
export function useMeshTraffic(): MeshTraffic {
  const [state, setState] = useState<MeshTraffic>({ mesh: undefined, history: [] });
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const mesh = await getMeshStatus(controller.signal);
      if (controller.signal.aborted) return;
      setState((previous) => ({
        mesh,
        history: mesh?.traffic
          ? appendSample(previous.history, { at: Date.now(), total: mesh.traffic.total }, historyMs)
          : [],
      }));
      // One poll at a time: a slow answer delays the next instead of piling requests up.
      timer = setTimeout(() => void poll(), meshPollMs);
    };
    void poll();
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, []);
  return state;
}
