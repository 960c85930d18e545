import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/**
 * Application-level faults for demos (FAULT_DELAY_MS, FAULT_ERROR_RATE), complementing Istio's own fault
 * injection. Mounted on the API routes only, so probes and /metrics stay truthful.
 */
export function demoFaults(options: {
  delayMs: number;
  errorRate: number;
  random: () => number;
}): RequestHandler {
  const { delayMs, errorRate, random } = options;
  // Off (the default) costs nothing: no async hop on every request.
  if (delayMs === 0 && errorRate === 0) return (_req, _res, next) => next();
  return async (_req, _res, next) => {
    if (delayMs > 0) await sleep(delayMs);
    if (errorRate > 0 && random() < errorRate) {
      throw new AppError('INJECTED_FAULT', `Injected fault (FAULT_ERROR_RATE=${errorRate})`);
    }
    next();
  };
}
