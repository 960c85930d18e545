import { BrowseView } from '../../features/browse/components/browse-view';

export default function BrowseRoute() {
  return <BrowseView />;
}
