import { type ReactNode, StrictMode } from 'react';
import { defaultQuerySettings, type QuerySettings, QuerySettingsContext } from '../lib/query-settings';

export function AppProvider({
  children,
  settings = defaultQuerySettings,
}: {
  children: ReactNode;
  settings?: QuerySettings;
}) {
  return (
    <StrictMode>
      <QuerySettingsContext.Provider value={settings}>{children}</QuerySettingsContext.Provider>
    </StrictMode>
  );
}
