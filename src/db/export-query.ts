import type { Kysely } from 'kysely';
import { toCustodyEvent } from './custody-log.ts';
import type { CustodyEvent } from '../domain/custody-event.ts';
import type { AcquisitionRow, Database, ItemRow } from './schema.ts';

/** Lists of ids go to the database in chunks: well under PostgreSQL's parameter limit. */
const CHUNK = 1000;

function* chunks<T>(values: readonly T[]): Generator<T[]> {
  for (let i = 0; i < values.length; i += CHUNK) yield values.slice(i, i + CHUNK);
}

/** Every item id, in id order. */
export async function allItemIds(db: Kysely<Database>): Promise<string[]> {
  const ids: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('item')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(5000)
      .execute();
    for (const r of rows) ids.push(r.id);
    const last = rows.at(-1);
    if (last === undefined) return ids;
    after = last.id;
  }
}

/** Total size of these items, for progress. */
export async function bytesOf(db: Kysely<Database>, ids: readonly string[]): Promise<number> {
  let total = 0;
  for (const chunk of chunks(ids)) {
    const row = await db
      .selectFrom('item')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('size'), eb.lit(0)).as('bytes'))
      .where('id', 'in', chunk)
      .executeTakeFirst();
    total += Number(row?.bytes ?? 0);
  }
  return total;
}

/** Items seen (as files) in an acquisition. */
export async function itemIdsInAcquisition(
  db: Kysely<Database>,
  acquisitionId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('sighting')
    .select('item_id')
    .distinct()
    .where('acquisition_id', '=', acquisitionId)
    .where('item_id', 'is not', null)
    .orderBy('item_id')
    .execute();
  return rows.flatMap((r) => (r.item_id === null ? [] : [r.item_id]));
}

/** An item as exported: everything but the parsed probe report (its exact text travels). */
export type ExportItemRow = Omit<ItemRow, 'probe'>;

export async function itemsByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<ExportItemRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('item')
    .select([
      'id',
      'sha256',
      'size',
      'kind',
      'ingested_at',
      'probe_status',
      'media',
      'probe_text',
      'problems',
    ])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
}

export interface ExportSighting {
  readonly id: string;
  readonly itemId: string;
  readonly acquisitionId: string;
  readonly path: string;
  readonly pathBytes: Buffer;
  readonly size: number | null;
  readonly mtimeNs: string | null;
}

/** The file sightings of these items, oldest first per item. */
export async function sightingsOf(
  db: Kysely<Database>,
  itemIds: readonly string[],
): Promise<ExportSighting[]> {
  const out: ExportSighting[] = [];
  for (const ids of chunks(itemIds)) {
    const rows = await db
      .selectFrom('sighting')
      .select(['id', 'item_id', 'acquisition_id', 'path', 'path_display', 'size', 'mtime_ns'])
      .where('item_id', 'in', ids)
      .where('entry_type', '=', 'file')
      .orderBy('item_id')
      .orderBy('recorded_at')
      .orderBy('path_display')
      .execute();
    for (const r of rows) {
      if (r.item_id === null) continue;
      out.push({
        id: r.id,
        itemId: r.item_id,
        acquisitionId: r.acquisition_id,
        path: r.path_display,
        pathBytes: Buffer.from(r.path),
        size: r.size,
        mtimeNs: r.mtime_ns,
      });
    }
  }
  return out;
}

export async function acquisitionsByIds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<AcquisitionRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('acquisition')
    .selectAll()
    .where('id', 'in', ids)
    .orderBy('opened_at')
    .execute();
}

/** The archive-level events that say who the archive is and which keys sign it. */
export async function archiveIdentityEvents(
  db: Kysely<Database>,
  upToSeq: number,
): Promise<CustodyEvent[]> {
  const rows = await db
    .selectFrom('custody_event')
    .selectAll()
    .where('subject_type', '=', 'archive')
    .where('action', 'in', ['archive.created', 'signing-key.created'])
    .where('seq', '<=', upToSeq)
    .orderBy('seq')
    .execute();
  return rows.map(toCustodyEvent);
}

/** Every event about the chosen subjects, up to the sealed tree size, sorted by seq. */
export async function eventsForExport(
  db: Kysely<Database>,
  subjects: {
    readonly type: 'item' | 'sighting' | 'acquisition' | 'incident';
    readonly ids: readonly string[];
  }[],
  upToSeq: number,
): Promise<CustodyEvent[]> {
  const events: CustodyEvent[] = [];
  for (const s of subjects) {
    for (const ids of chunks(s.ids)) {
      const rows = await db
        .selectFrom('custody_event')
        .selectAll()
        .where('subject_type', '=', s.type)
        .where('subject_id', 'in', ids)
        .where('seq', '<=', upToSeq)
        .execute();
      events.push(...rows.map(toCustodyEvent));
    }
  }
  return events.sort((a, b) => a.seq - b.seq);
}
