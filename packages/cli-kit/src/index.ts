// Public surface of @movies/cli-kit: what every command line in the repo shares.
export { bar, type ProgressBar, type ProgressOptions, progressBar } from './progress.js';
export { findPrometheus, PROMETHEUS_HINT, prometheusArgs } from './prometheus.js';
export { CommandError, isRunnable, type RunOptions, type RunResult, run, runChecked } from './run.js';
export { isListening, type WaitForHttpOptions, waitFor, waitForHttp } from './wait.js';
