import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { backendHandlers } from '../../../testing/backend-handlers';
import { bollywood, hollywood } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render-app';
import { server } from '../../../testing/server';

describe('backend version badge', () => {
  it('names the version and catalogue of the last API response', async () => {
    let next = bollywood;
    server.use(...backendHandlers({ pick: () => next }));
    const { user } = renderApp('/');
    const badge = screen.getByTestId('version-badge');
    expect(badge).toHaveTextContent('Waiting for the API');
    await waitFor(() => expect(badge).toHaveTextContent('Last API response served by v1 · Bollywood'));
    expect(badge).toHaveClass('version-badge--bollywood');

    next = hollywood;
    await user.click(screen.getByRole('link', { name: 'Browse' }));
    await waitFor(() => expect(screen.getByTestId('version-badge')).toHaveTextContent('v2'));
    expect(screen.getByTestId('version-badge')).toHaveTextContent('Hollywood');
    expect(screen.getByTestId('version-badge')).toHaveClass('version-badge--hollywood');
  });
});
