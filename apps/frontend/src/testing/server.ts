import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { backendHandlers } from './backend-handlers';
import { bollywood } from './fixtures';

/** The network the component tests see: by default backend v1 with the Bollywood fixture, no /__mesh. */
export const server = setupServer(
  ...backendHandlers({ pick: () => bollywood }),
  http.get('*/__mesh', () => new HttpResponse('not found', { status: 404 })),
);
