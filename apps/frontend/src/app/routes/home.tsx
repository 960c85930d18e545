import { HomeFeedView } from '../../features/catalogue/components/home-feed';

export function HomeRoute() {
  return <HomeFeedView />;
}
