import { useCallback, useEffect, useRef, useState } from 'react';
import { probeBackend } from '../api/probe-backend';
import { TrafficRecorder, type TrafficSnapshot } from '../lib/traffic-recorder';

export const minRate = 1;
export const maxRate = 50;
// Beyond this many unanswered requests (a fault-injected delay) the panel stops piling more on.
const maxInFlight = 200;
const tickMs = 50;
const refreshMs = 500;

export function clampRate(rate: number): number {
  if (!Number.isFinite(rate)) return minRate;
  return Math.min(maxRate, Math.max(minRate, Math.round(rate)));
}

/** Sends GET /api/ at `rate` per second while running and exposes live aggregates. */
export function useTrafficGenerator(rate: number) {
  const [running, setRunning] = useState(false);
  const [snapshot, setSnapshot] = useState<TrafficSnapshot | null>(null);
  const [inFlight, setInFlight] = useState(0);
  const recorderRef = useRef<TrafficRecorder | null>(null);
  const rateRef = useRef(rate);
  rateRef.current = clampRate(rate);

  useEffect(() => {
    if (!running) return;
    const recorder = recorderRef.current;
    if (!recorder) return;
    // One controller per request (a shared signal would collect hundreds of listeners); stop aborts them all.
    const inFlightControllers = new Set<AbortController>();
    let stopped = false;
    let pending = 0;
    let credit = 0;
    let lastTick = performance.now();

    const send = () => {
      const controller = new AbortController();
      inFlightControllers.add(controller);
      pending += 1;
      void probeBackend(controller.signal).then((sample) => {
        inFlightControllers.delete(controller);
        pending -= 1;
        if (sample && !stopped) recorder.record(sample);
      });
    };

    // A credit counter keeps the average rate exact even though timers fire late on a busy machine.
    const ticker = setInterval(() => {
      const now = performance.now();
      credit = Math.min(credit + ((now - lastTick) / 1000) * rateRef.current, rateRef.current);
      lastTick = now;
      while (credit >= 1 && pending < maxInFlight) {
        credit -= 1;
        send();
      }
    }, tickMs);
    credit = 1; // the first request goes out immediately
    const refresher = setInterval(() => {
      setSnapshot(recorder.snapshot(Date.now()));
      setInFlight(pending);
    }, refreshMs);

    return () => {
      clearInterval(ticker);
      clearInterval(refresher);
      stopped = true;
      for (const controller of inFlightControllers) controller.abort();
      setSnapshot(recorder.snapshot(Date.now()));
      setInFlight(0);
    };
  }, [running]);

  const start = useCallback(() => {
    recorderRef.current = new TrafficRecorder(Date.now());
    setSnapshot(recorderRef.current.snapshot());
    setRunning(true);
  }, []);
  const stop = useCallback(() => setRunning(false), []);

  return { running, start, stop, snapshot, inFlight };
}
