import { sql, type Kysely, type Transaction } from 'kysely';
import {
  bands,
  clusterComponents,
  INDEX_RADIUS,
  probes,
  type CandidatePair,
  type FrameMatch,
  type TrackFrame,
} from '../domain/frame-match.ts';
import { fromStored, toSigned } from '../domain/phash.ts';
import type { Database } from './schema.ts';

/**
 * Storage of fingerprints (frame_hash), the index search over them, similar pairs and clusters.
 * Hashes travel as text: our drivers parse int8 into JS numbers, which would round them.
 */

/** The band index expressions of migration 0007, over a column or an expression. */
const BAND_EXPRESSIONS: readonly ((h: string) => string)[] = [
  (h) => `((${h} >> 48) & 65535)`,
  (h) => `((${h} >> 32) & 65535)`,
  (h) => `((${h} >> 16) & 65535)`,
  (h) => `(${h} & 65535)`,
];

/** Serialises the rewriting of pairs and clusters across processes (PostgreSQL server mode). */
const CLUSTER_LOCK = 7355609;

/** Rows per INSERT: three parameters each, far below PostgreSQL's 65,535. */
const INSERT_BATCH = 2000;
/**
 * Distinct query hashes per index search: bounds each statement's arrays (17 probes per band
 * per hash) while keeping statements few (each reads the pages holding its candidates once).
 */
const SEARCH_BATCH = 1000;

/** Replaces an item's frame hashes (the frames of `track`, informative ones only). */
export async function replaceFrameHashes(
  db: Kysely<Database> | Transaction<Database>,
  itemId: string,
  frames: readonly TrackFrame[],
): Promise<void> {
  await db.deleteFrom('frame_hash').where('item_id', '=', itemId).execute();
  for (let i = 0; i < frames.length; i += INSERT_BATCH) {
    await db
      .insertInto('frame_hash')
      .values(
        frames
          .slice(i, i + INSERT_BATCH)
          .map((f) => ({ item_id: itemId, t: f.t, h: toSigned(f.h).toString() })),
      )
      .execute();
  }
}

/** An item's stored frame hashes in time order. */
export async function loadFrameHashes(db: Kysely<Database>, itemId: string): Promise<TrackFrame[]> {
  const rows = await db
    .selectFrom('frame_hash')
    .select(['t', sql<string>`h::text`.as('h')])
    .where('item_id', '=', itemId)
    .orderBy('t')
    .execute();
  return rows.map((r) => ({ t: r.t, h: fromStored(r.h) }));
}

/**
 * Every stored frame of another item within INDEX_RADIUS of one of `frames`, grouped by item:
 * multi-index hashing. For each band, one bitmap scan of its index fetches the rows whose band
 * equals a probe value (a query hash's band or one of its 16 one-bit neighbours), a hash join
 * pairs each row with the query hashes that probed its value, and the exact Hamming distance
 * keeps the near ones. (A nested loop of one index probe per value reads the same rows in
 * random order: about twice slower at a million rows, measured by bench/similar-index.ts.)
 */
export async function searchIndex(
  db: Kysely<Database>,
  itemId: string,
  frames: readonly TrackFrame[],
  signal?: AbortSignal,
): Promise<Map<string, CandidatePair[]>> {
  // Each distinct hash is looked up once: a still scene repeats one hash for many windows.
  const timesOf = new Map<bigint, number[]>();
  for (const f of frames) {
    const times = timesOf.get(f.h);
    if (times === undefined) timesOf.set(f.h, [f.t]);
    else times.push(f.t);
  }
  const hashes = [...timesOf.keys()];
  const found = new Map<string, CandidatePair[]>();
  for (let i = 0; i < hashes.length; i += SEARCH_BATCH) {
    signal?.throwIfAborted();
    const batch = hashes.slice(i, i + SEARCH_BATCH);
    const perBand = BAND_EXPRESSIONS.map((expression, band) => {
      const values: number[] = [];
      const which: number[] = [];
      const hs: string[] = [];
      for (const [j, h] of batch.entries()) {
        const stored = toSigned(h).toString();
        for (const v of probes(bands(h)[band] ?? 0)) {
          values.push(v);
          which.push(i + j);
          hs.push(stored);
        }
      }
      const distinct = [...new Set(values)].sort((x, y) => x - y);
      // A pair within the radius is near in one band or more; it is reported by the first of
      // them only, so the bands' results need no deduplicating sort.
      const earlier = BAND_EXPRESSIONS.slice(0, band).map(
        (e) => sql` AND bit_count(${sql.raw(e('(f.h # p.h)'))}::bit(64)) > 1`,
      );
      return sql`
        SELECT p.q, f.item_id AS other, f.t AS tb,
          bit_count((f.h # p.h)::bit(64))::int AS distance
        FROM (
          SELECT item_id, t, h FROM frame_hash
          WHERE ${sql.raw(expression('h'))} = ANY(${distinct}::int8[]) AND item_id <> ${itemId}
        ) f
        JOIN unnest(${values}::int8[], ${which}::int4[], ${hs}::int8[]) AS p (v, q, h)
          ON ${sql.raw(expression('f.h'))} = p.v
        WHERE bit_count((f.h # p.h)::bit(64)) <= ${INDEX_RADIUS}${sql.join(earlier, sql``)}`;
    });
    const rows = await db.transaction().execute(async (tx) => {
      // The hash tables of the joins hold about a hundred thousand candidates at a million
      // stored hashes: in memory, not spilled to temporary files (PostgreSQL's default is 4 MB).
      await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
      return sql<{ q: number; other: string; tb: number; distance: number }>`${sql.join(
        perBand,
        sql` UNION ALL `,
      )}`.execute(tx);
    });
    for (const r of rows.rows) {
      let list = found.get(r.other);
      if (list === undefined) found.set(r.other, (list = []));
      const h = hashes[r.q];
      for (const ta of h === undefined ? [] : (timesOf.get(h) ?? []))
        list.push({ ta, tb: r.tb, distance: r.distance });
    }
  }
  return found;
}

/**
 * The items paired with `itemId` that were fingerprinted (their `fingerprint` row committed, so
 * their hashes too) before this moment: a search that starts after this call sees them, so its
 * result may replace their pairs. A pair with any other item may have been written by that
 * item's job running alongside, after this search began: it is kept (that job saw both).
 */
export async function settledPartners(db: Kysely<Database>, itemId: string): Promise<string[]> {
  const rows = await sql<{ partner: string }>`
    SELECT f.item_id AS partner FROM similar_pair p
    JOIN fingerprint f ON f.item_id = CASE WHEN p.a = ${itemId} THEN p.b ELSE p.a END
    WHERE p.a = ${itemId} OR p.b = ${itemId}`.execute(db);
  return rows.rows.map((r) => r.partner);
}

/** A similar pair as stored: a < b, b's time = a's time + offset. */
export interface PairRow {
  readonly a: string;
  readonly b: string;
  readonly match: FrameMatch;
}

/**
 * Replaces the pairs of `itemId` with `pairs`: its old pairs with the items in `replaceable`
 * (see settledPartners) or in `pairs` are deleted, the others kept. Then recomputes the
 * clusters this can change: the components of the item, of its partners and of its old cluster
 * (which may have fallen apart). Clusters hold two or more items; an item that matches nothing
 * has no row. Runs under an advisory lock, so two jobs never rewrite overlapping clusters from
 * stale reads.
 * @returns the cluster id of `itemId`, or null when it matches nothing
 */
export async function replacePairsAndRecluster(
  tx: Transaction<Database>,
  itemId: string,
  pairs: readonly PairRow[],
  replaceable: readonly string[],
): Promise<string | null> {
  await sql`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK})`.execute(tx);
  const partners = [
    ...new Set([...replaceable, ...pairs.map((p) => (p.a === itemId ? p.b : p.a))]),
  ];
  for (let i = 0; i < partners.length; i += 1000) {
    const part = partners.slice(i, i + 1000);
    await tx
      .deleteFrom('similar_pair')
      .where((eb) =>
        eb.or([
          eb.and([eb('a', '=', itemId), eb('b', 'in', part)]),
          eb.and([eb('b', '=', itemId), eb('a', 'in', part)]),
        ]),
      )
      .execute();
  }
  if (pairs.length > 0)
    await tx
      .insertInto('similar_pair')
      .values(
        pairs.map(({ a, b, match: m }) => ({
          a,
          b,
          offset_seconds: m.offsetSeconds,
          a_start: m.aStart,
          a_end: m.aEnd,
          b_start: m.bStart,
          b_end: m.bEnd,
          matched: m.matched,
          score: m.score,
        })),
      )
      .execute();
  const oldCluster = await tx
    .selectFrom('item_cluster')
    .select('cluster')
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  const seeds = new Set<string>([itemId, ...pairs.flatMap((p) => [p.a, p.b])]);
  if (oldCluster !== undefined) {
    const members = await tx
      .selectFrom('item_cluster')
      .select('item_id')
      .where('cluster', '=', oldCluster.cluster)
      .execute();
    for (const m of members) seeds.add(m.item_id);
  }
  // Walk the pairs outward from the seeds until the components are closed.
  const seen = new Set<string>(seeds);
  const edges = new Map<string, readonly [string, string]>();
  let frontier = [...seeds];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += 1000) {
      const part = frontier.slice(i, i + 1000);
      const rows = await tx
        .selectFrom('similar_pair')
        .select(['a', 'b'])
        .where((eb) => eb.or([eb('a', 'in', part), eb('b', 'in', part)]))
        .execute();
      for (const r of rows) {
        edges.set(`${r.a} ${r.b}`, [r.a, r.b]);
        for (const x of [r.a, r.b])
          if (!seen.has(x)) {
            seen.add(x);
            next.push(x);
          }
      }
    }
    frontier = next;
  }
  const cluster = clusterComponents(seen, edges.values());
  const size = new Map<string, number>();
  for (const root of cluster.values()) size.set(root, (size.get(root) ?? 0) + 1);
  const all = [...seen];
  for (let i = 0; i < all.length; i += 1000)
    await tx
      .deleteFrom('item_cluster')
      .where('item_id', 'in', all.slice(i, i + 1000))
      .execute();
  const rows = all
    .map((id) => ({ item_id: id, cluster: cluster.get(id) ?? id }))
    .filter((r) => (size.get(r.cluster) ?? 0) >= 2);
  for (let i = 0; i < rows.length; i += INSERT_BATCH)
    await tx
      .insertInto('item_cluster')
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
  const own = cluster.get(itemId);
  return own !== undefined && (size.get(own) ?? 0) >= 2 ? own : null;
}
