import { useCallback, useEffect, useRef, useState } from 'react';
import { readPin, writePin } from '../../../lib/visitor-pin';
import { probeBackend } from '../api/probe-backend';
import {
  noVisitors,
  recordVisit,
  TrafficRecorder,
  type TrafficSnapshot,
  type VisitorStats,
} from '../lib/traffic-recorder';

export const minRate = 1;
export const maxRate = 50;
/** Requests per simulated visitor in "visitors" mode. */
export const requestsPerVisitor = 5;
// Beyond this many unanswered requests (a fault-injected delay) the panel stops piling more on.
const maxInFlight = 200;
const tickMs = 50;
const refreshMs = 500;

/** new-visitors: every request without a cookie (the per-request split). visitors: simulated visits. */
export type GeneratorMode = 'new-visitors' | 'visitors';

export function clampRate(rate: number): number {
  if (!Number.isFinite(rate)) return minRate;
  return Math.min(maxRate, Math.max(minRate, Math.round(rate)));
}

type Run = { recorder: TrafficRecorder; isStopped: () => boolean; rate: () => number };

/** New visitors: requests at `rate` per second, in parallel, none carrying a cookie. */
function runNewVisitors({ recorder, isStopped, rate }: Run): () => void {
  // One controller per request (a shared signal would collect hundreds of listeners); stop aborts them all.
  const inFlight = new Set<AbortController>();
  // A credit counter keeps the average rate exact even though timers fire late on a busy machine.
  let credit = 1; // the first request goes out at once
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    credit = Math.min(credit + ((now - lastTick) / 1000) * rate(), rate());
    lastTick = now;
    while (credit >= 1 && inFlight.size < maxInFlight) {
      credit -= 1;
      const controller = new AbortController();
      inFlight.add(controller);
      void probeBackend('new-visitor', controller.signal).then((sample) => {
        inFlight.delete(controller);
        if (sample && !isStopped()) recorder.record(sample);
      });
    }
  }, tickMs);
  return () => {
    clearInterval(ticker);
    for (const controller of inFlight) controller.abort();
  };
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Visitors: one simulated visitor after another, each sending `requestsPerVisitor` requests with its own cookie.
 * A browser has one cookie jar, so the visitors take turns in it: the jar is emptied for each new visitor (its
 * first request is drawn by the weights and pinned by the mesh) and this tab's own pin is handed back at the end.
 */
function runVisitors(run: Run, onVisit: (versions: Array<string | null>) => void): () => void {
  const controller = new AbortController();
  const ownPin = readPin();
  void (async () => {
    let next = performance.now();
    while (!controller.signal.aborted) {
      writePin(null, { quiet: true });
      const versions: Array<string | null> = [];
      for (let request = 0; request < requestsPerVisitor && !controller.signal.aborted; request += 1) {
        await pause(Math.max(0, next - performance.now()), controller.signal);
        next = Math.max(next, performance.now() - 1000) + 1000 / run.rate();
        const sample = await probeBackend('cookie-jar', controller.signal);
        if (!sample || run.isStopped()) break;
        run.recorder.record(sample);
        versions.push(sample.version);
      }
      if (versions.length === requestsPerVisitor) onVisit(versions);
    }
  })().finally(() => writePin(ownPin));
  return () => controller.abort();
}

/** Sends GET /api/ at `rate` per second while running and exposes live aggregates of its own requests. */
export function useTrafficGenerator(rate: number, mode: GeneratorMode) {
  const [running, setRunning] = useState(false);
  const [snapshot, setSnapshot] = useState<TrafficSnapshot | null>(null);
  const [visitors, setVisitors] = useState<VisitorStats>(noVisitors);
  const recorderRef = useRef<TrafficRecorder | null>(null);
  const rateRef = useRef(rate);
  rateRef.current = clampRate(rate);

  // The mode radios are disabled while running, so a run keeps one mode.
  useEffect(() => {
    const recorder = recorderRef.current;
    if (!running || !recorder) return;
    let stopped = false;
    const run: Run = { recorder, isStopped: () => stopped, rate: () => rateRef.current };
    const stopRun =
      mode === 'visitors'
        ? runVisitors(run, (versions) => setVisitors((stats) => recordVisit(stats, versions)))
        : runNewVisitors(run);
    const refresher = setInterval(() => setSnapshot(recorder.snapshot()), refreshMs);
    return () => {
      stopped = true;
      stopRun();
      clearInterval(refresher);
      setSnapshot(recorder.snapshot());
    };
  }, [running, mode]);

  const start = useCallback(() => {
    recorderRef.current = new TrafficRecorder();
    setSnapshot(recorderRef.current.snapshot());
    setVisitors(noVisitors);
    setRunning(true);
  }, []);
  const stop = useCallback(() => setRunning(false), []);

  return { running, start, stop, snapshot, visitors };
}
