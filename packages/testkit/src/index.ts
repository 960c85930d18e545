// Waiting lives in @movies/cli-kit because `pnpm dev` waits the same way at run time.
export {
  findPrometheus,
  isListening,
  type WaitForHttpOptions,
  waitFor,
  waitForHttp,
} from '@movies/cli-kit';
export { isCI, type ToolGate, toolGate } from './ci.js';
export { freePort } from './ports.js';
export {
  type PrometheusOptions,
  type RunningPrometheus,
  type ScrapeJob,
  scrapeConfig,
  startPrometheus,
  type VectorSample,
} from './prometheus.js';
export { type Outcome, summarize, summaryLine, tally, type VitestReport } from './test-report.js';
