/**
 * What the scripts ask before they act, answered by the rules the TypeScript tools use, so no bash code repeats
 * them: a split's validity (@movies/mesh parseWeight/parseSplit) and which target a canary runs against (the
 * traffic CLI's chooseTarget). Refusals are USAGE errors (exit 64) naming the bad value.
 */
import { AppError } from '@movies/contracts/errors';
import { parseSplit, parseWeight, WeightsError } from '@movies/mesh';
import { chooseTarget, readEnv, type TargetChoice, type TargetMode } from '@movies/traffic/target';

/** shift-traffic.sh's V1 V2: a whole split over v1 and v2; returns "V1 V2" as numbers ("05" → 5). */
export function checkWeights(values: readonly string[]): string {
  if (values.length !== 2)
    throw new AppError(
      'USAGE',
      `expected two weights (V1 V2), got ${values.length}: ${values.join(' ') || 'nothing'}`,
    );
  const [v1, v2] = values as [string, string];
  const weights = parseSplit([
    ['v1', v1],
    ['v2', v2],
  ]);
  return `${weights.v1} ${weights.v2}`;
}

function canaryStep(text: string): number {
  const refused = () =>
    new AppError('USAGE', `--steps: each step must be a percentage from 1 to 100, got '${text}'`);
  let step: number;
  try {
    step = parseWeight(text, 'v2');
  } catch (error) {
    if (error instanceof WeightsError) throw refused();
    throw error;
  }
  if (step === 0) throw refused();
  return step;
}

/** canary.sh's --steps: v2's weight at each step, rising to 100 (the promotion); returns them as "5,10,100". */
export function checkCanarySteps(list: string): string {
  if (!/^\d+(,\d+)*$/.test(list))
    throw new AppError(
      'USAGE',
      `--steps must be a comma-separated list of percentages such as 5,10,50,100, got '${list}'`,
    );
  const steps = list.split(',').map(canaryStep);
  steps.forEach((step, i) => {
    const previous = steps[i - 1] ?? 0;
    if (step <= previous) throw new AppError('USAGE', `--steps must increase, got ${step} after ${previous}`);
  });
  const last = steps.at(-1);
  if (last !== 100) throw new AppError('USAGE', `--steps must end at 100 (the promotion), got ${last}`);
  return steps.join(',');
}

/** canary.sh's target from its --local/--cluster and --url: "MODE URL" ("-" for no URL). */
export async function checkTarget(
  mode: TargetMode | undefined,
  url: string | undefined,
): Promise<TargetChoice> {
  return chooseTarget({ mode, url }, readEnv());
}
