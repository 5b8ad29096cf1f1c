import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { isUuid } from '../domain/ids.ts';
import type { VerificationStatus } from '../domain/verification.ts';
import type { AcquisitionRow, Database, ItemRow } from './schema.ts';
import { verificationIs } from './verification-query.ts';

/** Read-side queries for the CLI (and later the API). Keyset-paged: no OFFSET scans. */

export interface ItemFilter {
  readonly kind?: string | undefined;
  readonly acquisitionId?: string | undefined;
  readonly withProblems?: boolean | undefined;
  /** Text anywhere in a path, a segment note or the media metadata (device tags included). */
  readonly search?: string | undefined;
  /** Seen under this folder (path prefix, without a trailing slash). */
  readonly folder?: string | undefined;
  /** Recorded (media creation time) within [from, to]. */
  readonly recordedFrom?: Date | undefined;
  readonly recordedTo?: Date | undefined;
  readonly minSeconds?: number | undefined;
  readonly maxSeconds?: number | undefined;
  /** Linked to an incident by at least one segment (true), or by none (false). */
  readonly linked?: boolean | undefined;
  /** The camera overlay names this device (exact, or a prefix such as 'ДОЗОР-77'). */
  readonly device?: string | undefined;
  /** The overlay's start time within [from, to]: wall-clock 'YYYY-MM-DDTHH:MM:SS', no zone. */
  readonly overlayFrom?: string | undefined;
  readonly overlayTo?: string | undefined;
  /** Face detection found faces (true) or ran and found none (false). */
  readonly faces?: boolean | undefined;
  /** A member of this cluster of copies and cuts. */
  readonly cluster?: string | undefined;
  /** Has other copies or cuts (true), or none found (false). */
  readonly copies?: boolean | undefined;
  /** The verification record's status ('unverified' also matches items without one). */
  readonly verification?: VerificationStatus | undefined;
}

/** LIKE pattern for text containing `s` literally (%, _ and \\ escaped). */
function contains(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Orders for the item list; each pages with a keyset of (its key, sha256). */
export const ITEM_SORTS = ['hash', 'recorded', 'overlay', 'ingested', 'duration', 'size'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

/** The sort key as SQL (never null, so row comparisons stay total), newest/largest first. */
const SORT_KEY: Record<Exclude<ItemSort, 'hash'>, RawBuilder<string>> = {
  recorded: sql<string>`coalesce(item.media->>'creationTime', '')`,
  overlay: sql<string>`coalesce((SELECT to_char(o.start, 'YYYY-MM-DD"T"HH24:MI:SS') FROM overlay_reading o WHERE o.item_id = item.id), '')`,
  ingested: sql<string>`to_char(item.ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
  duration: sql<string>`lpad(to_char(coalesce((item.media->>'durationSeconds')::double precision, -1) + 1, 'FM000000000.000'), 13, '0')`,
  size: sql<string>`lpad(item.size::text, 20, '0')`,
};

/** The cursor that continues after this row in this order. */
export function itemCursor(row: ItemRow & { sort_key?: string }, sort: ItemSort): string {
  return sort === 'hash' ? row.sha256 : `${row.sort_key ?? ''}|${row.sha256}`;
}

export async function itemsPage(
  db: Kysely<Database>,
  filter: ItemFilter,
  cursor: string,
  limit: number,
  sort: ItemSort = 'hash',
): Promise<(ItemRow & { sort_key?: string })[]> {
  let q =
    sort === 'hash'
      ? db
          .selectFrom('item')
          .selectAll()
          .where('sha256', '>', cursor)
          .orderBy('sha256')
          .limit(limit)
      : keyset(db, SORT_KEY[sort], cursor, limit);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.withProblems === true) q = q.where(sql<boolean>`problems <> '[]'::jsonb`);
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const like = contains(filter.search.trim());
    // One set of matching ids, each branch answered by its trigram index, then joined: far
    // cheaper than testing three conditions on every item in list order.
    q = q.where('item.id', 'in', (eb) =>
      eb
        .selectFrom('sighting')
        .select('sighting.item_id as id')
        .where('sighting.path_display', 'ilike', like)
        .$narrowType<{ id: string }>()
        .union(
          eb
            .selectFrom('segment')
            .select('segment.item_id as id')
            .where('segment.note', 'ilike', like)
            .where('segment.deleted_at', 'is', null),
        )
        .union(
          eb
            .selectFrom('item as m')
            .select('m.id')
            .where(sql<boolean>`m.media::text ILIKE ${like}`),
        ),
    );
  }
  if (filter.folder !== undefined) {
    const prefix = `${filter.folder.replace(/\/+$/, '').replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
    q = q.where('item.id', 'in', (sub) =>
      sub
        .selectFrom('sighting')
        .select('sighting.item_id')
        .where('sighting.path_display', 'like', prefix)
        .$narrowType<{ item_id: string }>(),
    );
  }
  const recorded = sql<string>`(item.media->>'creationTime')`;
  if (filter.recordedFrom !== undefined)
    q = q.where(recorded, '>=', filter.recordedFrom.toISOString());
  if (filter.recordedTo !== undefined) q = q.where(recorded, '<=', filter.recordedTo.toISOString());
  const seconds = sql<number>`((item.media->>'durationSeconds')::double precision)`;
  if (filter.minSeconds !== undefined) q = q.where(seconds, '>=', filter.minSeconds);
  if (filter.maxSeconds !== undefined) q = q.where(seconds, '<=', filter.maxSeconds);
  if (filter.linked !== undefined) {
    const linkedQuery = sql<boolean>`EXISTS (SELECT 1 FROM segment WHERE segment.item_id = item.id AND segment.incident_id IS NOT NULL AND segment.deleted_at IS NULL)`;
    q = q.where(filter.linked ? linkedQuery : sql<boolean>`NOT ${linkedQuery}`);
  }
  q = analysisFilters(q, filter);
  if (filter.verification !== undefined)
    q = q.where(verificationIs('item', 'item.id', filter.verification));
  if (filter.acquisitionId !== undefined) {
    const acquisitionId = filter.acquisitionId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('sighting')
          .select('sighting.id')
          .whereRef('sighting.item_id', '=', 'item.id')
          .where('sighting.acquisition_id', '=', acquisitionId),
      ),
    );
  }
  return q.execute();
}

export interface ItemPath {
  readonly itemId: string;
  readonly acquisitionId: string;
  readonly acquisition: string;
  readonly path: string;
  readonly size: number | null;
  readonly mtimeNs: string | null;
  readonly mode: number | null;
}

export async function pathsOf(
  db: Kysely<Database>,
  itemIds: readonly string[],
): Promise<ItemPath[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .selectFrom('sighting')
    .innerJoin('acquisition', 'acquisition.id', 'sighting.acquisition_id')
    .select([
      'sighting.item_id',
      'sighting.acquisition_id',
      'acquisition.name',
      'sighting.path_display',
      'sighting.size',
      'sighting.mtime_ns',
      'sighting.mode',
    ])
    .where('sighting.item_id', 'in', itemIds)
    .orderBy('acquisition.opened_at')
    .orderBy('sighting.path')
    .execute();
  return rows.map((r) => ({
    itemId: r.item_id ?? '',
    acquisitionId: r.acquisition_id,
    acquisition: r.name,
    path: r.path_display,
    size: r.size,
    mtimeNs: r.mtime_ns,
    mode: r.mode,
  }));
}

/** Items whose id is this uuid, or whose hash starts with this hex prefix (at most 2 returned). */
export async function findItems(db: Kysely<Database>, idOrPrefix: string): Promise<ItemRow[]> {
  const needle = idOrPrefix.toLowerCase();
  if (isUuid(needle)) {
    return db.selectFrom('item').selectAll().where('id', '=', needle).execute();
  }
  if (!/^[0-9a-f]{6,64}$/.test(needle)) return [];
  return db
    .selectFrom('item')
    .selectAll()
    .where('sha256', '>=', needle)
    .where('sha256', '<=', needle + 'g')
    .orderBy('sha256')
    .limit(2)
    .execute();
}

export interface AcquisitionStats {
  readonly row: AcquisitionRow;
  readonly files: number;
  readonly items: number;
  readonly symlinks: number;
  readonly skipped: number;
  readonly bytes: number;
}

export async function listAcquisitions(db: Kysely<Database>): Promise<AcquisitionStats[]> {
  const rows = await db.selectFrom('acquisition').selectAll().orderBy('opened_at').execute();
  const counts = await db
    .selectFrom('sighting')
    .select((eb) => [
      'acquisition_id',
      eb.fn.countAll<number>().filterWhere('entry_type', '=', 'file').as('files'),
      eb.fn.count<number>('item_id').distinct().as('items'),
      eb.fn.countAll<number>().filterWhere('entry_type', '=', 'symlink').as('symlinks'),
      eb.fn.countAll<number>().filterWhere('entry_type', '=', 'skipped').as('skipped'),
      eb.fn
        .coalesce(
          eb.fn.sum<string | number>('size').filterWhere('entry_type', '=', 'file'),
          eb.lit(0),
        )
        .as('bytes'),
    ])
    .groupBy('acquisition_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.acquisition_id, c]));
  return rows.map((row) => {
    const c = byId.get(row.id);
    return {
      row,
      files: c?.files ?? 0,
      items: c?.items ?? 0,
      symlinks: c?.symlinks ?? 0,
      skipped: c?.skipped ?? 0,
      bytes: Number(c?.bytes ?? 0),
    };
  });
}

export async function findAcquisition(
  db: Kysely<Database>,
  idOrName: string,
): Promise<AcquisitionRow | undefined> {
  const byId = isUuid(idOrName.toLowerCase());
  return db
    .selectFrom('acquisition')
    .selectAll()
    .where((eb) =>
      byId
        ? eb.or([eb('id', '=', idOrName.toLowerCase()), eb('name', '=', idOrName)])
        : eb('name', '=', idOrName),
    )
    .executeTakeFirst();
}

/**
 * Descending keyset over (key, sha256): the cursor `key|sha256` names the last row seen. Keys
 * are text made to sort like their values (zero-padded numbers, ISO times).
 */
function keyset(db: Kysely<Database>, key: RawBuilder<string>, cursor: string, limit: number) {
  const bar = cursor.lastIndexOf('|');
  let q = db
    .selectFrom('item')
    .selectAll()
    .select(key.as('sort_key'))
    .orderBy(key, 'desc')
    .orderBy('sha256', 'desc')
    .limit(limit);
  if (bar >= 0) {
    const after = cursor.slice(0, bar);
    const sha = cursor.slice(bar + 1);
    q = q.where(sql<boolean>`(${key}, item.sha256) < (${after}, ${sha})`);
  }
  return q;
}

/** The filters on what the analysis jobs found: overlay, faces, copies. */
function analysisFilters<Q extends SelectQueryBuilder<Database, 'item', object>>(
  q: Q,
  filter: ItemFilter,
): Q {
  let out = q;
  const overlay = (cond: RawBuilder<boolean>): RawBuilder<boolean> =>
    sql<boolean>`EXISTS (SELECT 1 FROM overlay_reading o WHERE o.item_id = item.id AND ${cond})`;
  if (filter.device !== undefined && filter.device.trim() !== '') {
    const device = filter.device.trim();
    const prefix = `${device.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    out = out.where(overlay(sql<boolean>`(o.device = ${device} OR o.device LIKE ${prefix})`)) as Q;
  }
  if (filter.overlayFrom !== undefined)
    out = out.where(overlay(sql<boolean>`o.start >= ${filter.overlayFrom}::timestamp`)) as Q;
  if (filter.overlayTo !== undefined)
    out = out.where(overlay(sql<boolean>`o.start <= ${filter.overlayTo}::timestamp`)) as Q;
  if (filter.faces !== undefined)
    out = out.where(
      sql<boolean>`EXISTS (SELECT 1 FROM face_run f WHERE f.item_id = item.id AND ${filter.faces ? sql`f.tracks > 0` : sql`f.tracks = 0`})`,
    ) as Q;
  if (filter.cluster !== undefined)
    out = out.where(
      sql<boolean>`EXISTS (SELECT 1 FROM item_cluster c WHERE c.item_id = item.id AND c.cluster = ${filter.cluster}::uuid)`,
    ) as Q;
  if (filter.copies !== undefined) {
    const inCluster = sql<boolean>`EXISTS (SELECT 1 FROM item_cluster c WHERE c.item_id = item.id)`;
    out = out.where(filter.copies ? inCluster : sql<boolean>`NOT ${inCluster}`) as Q;
  }
  return out;
}
