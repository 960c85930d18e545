import { NotFoundState } from '../../components/query-states';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return (
    <NotFoundState title="Page not found">
      <p>There is no page at this address.</p>
    </NotFoundState>
  );
}
