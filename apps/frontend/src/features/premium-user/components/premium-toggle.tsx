import { PREMIUM_HEADER } from '@movies/contracts/names';
import { useId } from 'react';
import { setPremiumUser, usePremiumUser } from '../../../lib/premium-store';
import { usePremiumRouting } from '../hooks/use-premium-routing';

/** The header-routing scenario: premium users are routed to v2 by the `x-user-type: premium` header. */
export function PremiumToggle() {
  const premium = usePremiumUser();
  const routing = usePremiumRouting();
  const hintId = useId();
  const effect = routing.state === 'on' ? 'routing on' : routing.state === 'off' ? 'routing off' : null;
  return (
    <span className="premium-toggle">
      <label className="premium-toggle__control">
        <input
          type="checkbox"
          role="switch"
          checked={premium}
          aria-checked={premium}
          aria-describedby={hintId}
          onChange={(event) => setPremiumUser(event.target.checked)}
        />
        <span className="premium-toggle__label">Premium user</span>
      </label>
      {premium && effect && (
        <span
          className={`premium-toggle__effect premium-toggle__effect--${routing.state}`}
          data-testid="premium-routing"
        >
          {effect}
        </span>
      )}
      <span id={hintId} className="visually-hidden">
        Adds the header {PREMIUM_HEADER.name}: {PREMIUM_HEADER.value} to every API call
      </span>
    </span>
  );
}
