import { startLocalStack } from '@movies/gateway/testing';
import { runScript } from './test/support/harness.ts';
const fault = process.argv[2] === 'fault';
const stack = await startLocalStack({ overlay: '100-0', backendEnv: fault ? { v2: { FAULT_ERROR_RATE: '0.3' } } : {} });
try {
  const r = await runScript('canary.sh', ['--local', '--url', stack.gatewayUrl, '--interval', '0', '--requests', '200'], { timeoutMs: 300000 });
  console.log('EXIT', r.code); console.log(r.stdout); console.log('STDERR', r.stderr);
  console.log(await (await fetch(`${stack.gatewayUrl}/__mesh`)).text().then(t => JSON.parse(t).weights));
} finally { await stack.close(); }
