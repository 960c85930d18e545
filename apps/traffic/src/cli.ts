/**
 * Entry point of the traffic CLI (`pnpm traffic …`, scripts/test-traffic.sh …).
 * Exit codes: 0 ok; 1 the split does not match; 2 errors, unknown answers or an unreachable target; 64 usage;
 * 78 a bad environment variable.
 */
import { AppError } from '@movies/contracts/errors';
import { listOverlays } from '@movies/mesh';
import { helpText, type Invocation, parseInvocation, UsageError } from './args.js';
import { runConfig } from './commands/config.js';
import { runMonitor } from './commands/monitor.js';
import { checkChange, runSet } from './commands/set.js';
import { runTest } from './commands/test.js';
import { runVisitors } from './commands/visitors.js';
import { exitCodes } from './exit-codes.js';
import { TargetError } from './gateway-client.js';
import { readConfiguredView } from './mesh-view.js';
import { readEnv, resolveTarget, type Target } from './target.js';

async function dispatch(invocation: Exclude<Invocation, { command: 'help' }>): Promise<number> {
  if (invocation.command === 'set') checkChange(invocation.change); // bad weights never reach the network
  const env = readEnv();
  const target: Target = await resolveTarget(invocation.url, env);
  if (invocation.command === 'set') return runSet(invocation, target, env.gatewayToken);
  const viewOptions = { kubectl: env.kubectl, namespace: env.namespace };
  const view = await readConfiguredView(target, viewOptions);
  switch (invocation.command) {
    case 'test':
      return invocation.visitors
        ? runVisitors(invocation, view, invocation.visitors)
        : runTest(invocation, view);
    case 'config':
      return runConfig(invocation, view);
    case 'monitor':
      return runMonitor(invocation, view, () => readConfiguredView(target, viewOptions));
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const invocation = parseInvocation(argv, { overlays: listOverlays() });
    if (invocation.command === 'help') {
      process.stdout.write(`${helpText(invocation.topic)}\n`);
      return exitCodes.ok;
    }
    return await dispatch(invocation);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command ? `pnpm traffic ${error.command} --help` : 'pnpm traffic --help';
      process.stderr.write(`traffic: ${error.message}\nRun \`${help}\` for usage.\n`);
      return error.exitCode;
    }
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') {
      process.stderr.write(`traffic: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TargetError) {
      process.stderr.write(
        `traffic: ${error.message}.\nStart the local demo with \`pnpm dev\`, or point --url or GATEWAY_URL at a gateway.\n`,
      );
      return exitCodes.errors;
    }
    process.stderr.write(`traffic: ${(error as Error).message}\n`);
    return exitCodes.errors;
  }
}

// Set the exit code rather than calling process.exit, so stdout is flushed when piped (canary.sh reads it).
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
