export { isCI, type ToolGate, toolGate } from './ci.js';
export { freePort, isListening } from './ports.js';
export { type Outcome, summarize, summaryLine, tally, type VitestReport } from './test-report.js';
export { type WaitForHttpOptions, waitFor, waitForHttp } from './wait.js';
