import type { Kysely } from 'kysely';
import { relationOf, type Relation } from '../domain/frame-match.ts';
import type { Database } from './schema.ts';

/** Another video that shares a run of frames with this one. */
export interface SimilarItem {
  readonly itemId: string;
  /** The other's time = this item's time + offsetSeconds. */
  readonly offsetSeconds: number;
  /** The shared stretch on this item's timeline, in seconds. */
  readonly thisRange: readonly [number, number];
  /** The same stretch on the other's timeline. */
  readonly otherRange: readonly [number, number];
  /** Half-second windows that matched. */
  readonly matched: number;
  /** 0…1: the share of compared windows that matched, less for their distance. */
  readonly score: number;
  /** copy: the same whole recording; cut-of: this item is a part of the other; contains-cut:
   * the other is a part of this one; overlap: each shares only a part of itself. */
  readonly relation: Relation;
}

// Columns are float4: round to the millisecond so 25.3 does not read back as 25.299999.
const ms = (s: number): number => Math.round(s * 1000) / 1000 + 0; // + 0: no "-0"

/**
 * Where each item's informative frames begin and end: the stretch a copy must cover. (Black
 * lead-ins and tails are not hashed, so they cannot be asked of a copy.)
 */
async function spans(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, readonly [number, number]>> {
  const out = new Map<string, readonly [number, number]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('frame_hash')
    .innerJoin('fingerprint', 'fingerprint.item_id', 'frame_hash.item_id')
    .select((eb) => [
      'frame_hash.item_id',
      'fingerprint.rate',
      eb.fn.min('frame_hash.t').as('first'),
      eb.fn.max('frame_hash.t').as('last'),
    ])
    .where('frame_hash.item_id', 'in', ids)
    .groupBy(['frame_hash.item_id', 'fingerprint.rate'])
    .execute();
  for (const r of rows) out.set(r.item_id, [ms(r.first), ms(r.last + 1 / r.rate)]);
  return out;
}

/** The videos that share a run of frames with `itemId`, best match first. */
export async function similarItems(db: Kysely<Database>, itemId: string): Promise<SimilarItem[]> {
  const rows = await db
    .selectFrom('similar_pair')
    .selectAll()
    .where((eb) => eb.or([eb('a', '=', itemId), eb('b', '=', itemId)]))
    .execute();
  const span = await spans(db, [itemId, ...rows.map((r) => (r.a === itemId ? r.b : r.a))]);
  const out = rows.map((r): SimilarItem => {
    const mine = r.a === itemId;
    const a: [number, number] = [ms(r.a_start), ms(r.a_end)];
    const b: [number, number] = [ms(r.b_start), ms(r.b_end)];
    const thisRange = mine ? a : b;
    const otherRange = mine ? b : a;
    const other = mine ? r.b : r.a;
    const thisSpan = span.get(itemId) ?? thisRange;
    const otherSpan = span.get(other) ?? otherRange;
    return {
      itemId: other,
      offsetSeconds: ms(mine ? r.offset_seconds : -r.offset_seconds),
      thisRange,
      otherRange,
      matched: r.matched,
      score: ms(r.score),
      relation: relationOf(thisRange, thisSpan, otherRange, otherSpan),
    };
  });
  return out.sort(
    (x, y) => y.score - x.score || y.matched - x.matched || (x.itemId < y.itemId ? -1 : 1),
  );
}

/** The members of the item's cluster (itself included, smallest id first); [] when it has none. */
export async function clusterOf(db: Kysely<Database>, itemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('item_cluster as mine')
    .innerJoin('item_cluster as member', 'member.cluster', 'mine.cluster')
    .select('member.item_id')
    .where('mine.item_id', '=', itemId)
    .orderBy('member.item_id')
    .execute();
  return rows.map((r) => r.item_id);
}
