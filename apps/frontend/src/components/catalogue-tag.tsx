import { catalogueLabel, catalogueTone } from '../lib/catalogue';
import type { ServedBy } from '../types/api';

/** Marks a block of content with the catalogue and version that served it (Bollywood v1, Hollywood v2). */
export function CatalogueTag({ servedBy }: { servedBy: ServedBy | null }) {
  const tone = catalogueTone(servedBy);
  return (
    <span className={`catalogue-tag catalogue-tag--${tone}`} data-testid="catalogue-tag">
      {catalogueLabel(servedBy)}
      {servedBy?.version && <span className="catalogue-tag__version"> · served by {servedBy.version}</span>}
    </span>
  );
}
