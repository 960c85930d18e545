/** Kubectl stand-ins scoped to one test each. */
import { afterEach } from 'vitest';
import { type ClusterState, createStandIn, type StandIn } from './harness.js';

/**
 * Registers an `afterEach` in the calling file and returns `createStandIn` for its tests: every stand-in made
 * during a test is cleaned up when that test ends, pass or fail.
 */
export function standInsPerTest(): (initial: ClusterState) => StandIn {
  const made: StandIn[] = [];
  afterEach(() => {
    for (const standIn of made.splice(0)) standIn.cleanup();
  });
  return (initial) => {
    const standIn = createStandIn(initial);
    made.push(standIn);
    return standIn;
  };
}
