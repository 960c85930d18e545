import { startLocalStack } from '@movies/gateway/testing';
const stack = await startLocalStack({ overlay: process.argv[2] ?? '80-20' });
console.log(stack.gatewayUrl);
const stop = async () => { await stack.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
