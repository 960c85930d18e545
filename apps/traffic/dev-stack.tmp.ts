import { startLocalStack } from '@movies/gateway/testing';
const stack = await startLocalStack({ overlay: process.argv[2] ?? '80-20' });
console.log(stack.gatewayUrl);
process.on('SIGTERM', async () => { await stack.close(); process.exit(0); });
setInterval(() => {}, 1 << 30);
