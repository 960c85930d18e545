import { PREMIUM_HEADER } from '@movies/contracts/names';
import { usePremiumUser } from '../../../lib/premium-store';
import {
  type PremiumRouting,
  premiumSubset,
  usePremiumRouting,
  usePremiumRoutingProbe,
} from '../hooks/use-premium-routing';

const turnOn = (
  <>
    Turn it on with the header-routing overlay: <code>pnpm traffic set header-routing</code> (on a cluster:{' '}
    <code>kubectl apply -k k8s/overlays/header-routing</code>).
  </>
);

function why(routing: PremiumRouting): string | null {
  const header = `${PREMIUM_HEADER.name}: ${PREMIUM_HEADER.value}`;
  if (routing.state === 'off') {
    const answered = routing.answeredBy ? `This premium request was answered by ${routing.answeredBy}: ` : '';
    return `${answered}the gateway’s routing ${routing.source ?? '(a custom split)'} has no rule for ${header}, so premium requests follow the split (${routing.split}).`;
  }
  if (routing.state === 'unknown' && routing.answeredBy && routing.answeredBy !== premiumSubset) {
    return `This premium request was answered by ${routing.answeredBy}, not ${premiumSubset}: nothing routes on ${header}.`;
  }
  return null;
}

/** Under the header while the premium toggle is on but nothing routes on it. */
export function PremiumNotice() {
  usePremiumRoutingProbe();
  const premium = usePremiumUser();
  const routing = usePremiumRouting();
  const reason = premium ? why(routing) : null;
  if (!reason) return null;
  return (
    <div className="header-notice header-notice--premium" role="status" data-testid="premium-notice">
      <p>
        <strong>Premium routing is not in effect.</strong> {reason} {turnOn}
      </p>
    </div>
  );
}
