import { useState } from 'react';
import type { ReactNode } from 'react';
import { api, type Item, type ListedItem } from '../api.ts';

/** Only readable videos get derivatives (a background job makes them). */
export const mayHaveDerivatives = (item: Pick<Item, 'kind' | 'probeStatus'>): boolean =>
  item.kind === 'video' && item.probeStatus === 'ok';

/**
 * The item's poster frame, when a background job has made one (the list says which
 * derivatives exist, so no poster is asked for that is not there); an empty frame otherwise.
 * Decorative: the name beside it says what the item is.
 */
export function Poster({ item }: { item: ListedItem }): ReactNode {
  const [failed, setFailed] = useState(false);
  if (!mayHaveDerivatives(item)) return null;
  if (failed || !item.derivatives.includes('poster'))
    return <span className="poster poster-none" aria-hidden="true" />;
  return (
    <img
      className="poster"
      src={api.posterUrl(item.id)}
      alt=""
      width={64}
      height={36}
      loading="lazy"
      decoding="async"
      onError={() => {
        setFailed(true);
      }}
    />
  );
}
