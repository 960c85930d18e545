import { createContext, useContext } from 'react';

export type QuerySettings = {
  /** After this long without an answer a request is shown as slow rather than as plain loading. */
  slowAfterMs: number;
};

export const defaultQuerySettings: QuerySettings = { slowAfterMs: 2_500 };

export const QuerySettingsContext = createContext<QuerySettings>(defaultQuerySettings);

export function useQuerySettings(): QuerySettings {
  return useContext(QuerySettingsContext);
}
