import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CustodyEvent } from '../domain/custody-event.ts';
import type {
  EvidenceLink,
  EvidenceType,
  VerificationStatus,
  VerificationSubject,
} from '../domain/verification.ts';
import { toCustodyEvent } from './custody-log.ts';
import type { Database } from './schema.ts';

/** Read-side queries of verification records and what their hints are computed from. */

export interface Subject {
  readonly type: VerificationSubject;
  readonly id: string;
}

export async function findRecord(db: Kysely<Database>, subject: Subject) {
  return db
    .selectFrom('verification')
    .selectAll()
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .executeTakeFirst();
}

export async function checksOf(db: Kysely<Database>, subject: Subject) {
  const [checks, evidence] = await Promise.all([
    db
      .selectFrom('verification_check')
      .selectAll()
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .execute(),
    db
      .selectFrom('verification_evidence')
      .select(['code', 'link_type', 'link_id'])
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .orderBy('link_type')
      .orderBy('link_id')
      .execute(),
  ]);
  return { checks, evidence };
}

/** The statuses of many subjects of one type ('unverified' for those without a record). */
export async function statusesOf(
  db: Kysely<Database>,
  type: VerificationSubject,
  ids: readonly string[],
): Promise<Map<string, VerificationStatus>> {
  const out = new Map<string, VerificationStatus>(ids.map((id) => [id, 'unverified']));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('verification')
    .select(['subject_id', 'status'])
    .where('subject_type', '=', type)
    .where('subject_id', 'in', ids)
    .execute();
  for (const r of rows) out.set(r.subject_id, r.status);
  return out;
}

/** SQL for "the status of the record about `column` (e.g. 'item.id') is …", for list filters. */
export function verificationIs(
  type: VerificationSubject,
  column: string,
  status: VerificationStatus,
): RawBuilder<boolean> {
  return sql<boolean>`coalesce((SELECT v.status FROM verification v WHERE v.subject_type = ${type} AND v.subject_id = ${sql.ref(column)}), 'unverified') = ${status}`;
}

/** Which of these links name no live record (the first few). */
export async function missingLinks(
  db: Kysely<Database>,
  links: readonly EvidenceLink[],
): Promise<EvidenceLink[]> {
  const missing: EvidenceLink[] = [];
  const byType = new Map<EvidenceType, string[]>();
  for (const l of links) byType.set(l.type, [...(byType.get(l.type) ?? []), l.id]);
  for (const [type, ids] of byType) {
    const found = new Set((await liveIds(db, type, [...new Set(ids)])).keys());
    for (const id of ids) if (!found.has(id)) missing.push({ type, id });
  }
  return missing;
}

/** Live records of a type among these ids, each with a short text to show it by. */
export async function liveIds(
  db: Kysely<Database>,
  type: EvidenceType,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const firstPath = (itemRef: 'item.id' | 'segment.item_id') =>
    sql<
      string | null
    >`(SELECT s.path_display FROM sighting s WHERE s.item_id = ${sql.ref(itemRef)} ORDER BY s.recorded_at LIMIT 1)`;
  const add = (rows: readonly { id: string; label: string | null }[]): void => {
    for (const r of rows) out.set(r.id, r.label ?? '');
  };
  switch (type) {
    case 'item':
      add(
        await db
          .selectFrom('item')
          .select(['item.id', firstPath('item.id').as('label')])
          .where('item.id', 'in', ids)
          .execute(),
      );
      break;
    case 'segment':
      add(
        (
          await db
            .selectFrom('segment')
            .select([
              'segment.id',
              'segment.start_seconds',
              'segment.end_seconds',
              firstPath('segment.item_id').as('path'),
            ])
            .where('segment.id', 'in', ids)
            .where('segment.deleted_at', 'is', null)
            .execute()
        ).map((s) => ({
          id: s.id,
          label: `${s.path ?? ''} ${s.start_seconds.toFixed(1)}–${s.end_seconds.toFixed(1)} s`,
        })),
      );
      break;
    case 'incident':
      add(
        await db
          .selectFrom('incident')
          .select(['id', 'title as label'])
          .where('id', 'in', ids)
          .execute(),
      );
      break;
    case 'source':
      add(
        await db
          .selectFrom('source')
          .select([
            'id',
            sql<string>`concat_ws(': ', nullif(outlet, ''), nullif(title, ''))`.as('label'),
          ])
          .where('id', 'in', ids)
          .execute(),
      );
      break;
    case 'claim':
      add(
        await db
          .selectFrom('claim')
          .select(['id', sql<string>`left(quote, 160)`.as('label')])
          .where('id', 'in', ids)
          .execute(),
      );
      break;
    case 'response':
      add(
        await db
          .selectFrom('response')
          .select(['id', sql<string>`concat_ws(' ', type, date::text)`.as('label')])
          .where('id', 'in', ids)
          .where('deleted_at', 'is', null)
          .execute(),
      );
      break;
  }
  return out;
}

/**
 * The custody events about a subject (for an item, its sightings' too), each with the hash of
 * the event before it in the log, so each link can be checked without reading the whole log.
 */
export async function eventsWithPredecessors(
  db: Kysely<Database>,
  subject: Subject,
): Promise<{ event: CustodyEvent; predecessorHash: string | null }[]> {
  const sightings =
    subject.type === 'item'
      ? (
          await db.selectFrom('sighting').select('id').where('item_id', '=', subject.id).execute()
        ).map((s) => s.id)
      : [];
  const rows = await db
    .selectFrom('custody_event as e')
    .leftJoin('custody_event as p', (join) => join.on(sql<boolean>`p.seq = e.seq - 1`))
    .selectAll('e')
    .select('p.hash as predecessor_hash')
    .where((eb) =>
      eb.or([
        eb.and([eb('e.subject_type', '=', subject.type), eb('e.subject_id', '=', subject.id)]),
        ...(sightings.length === 0
          ? []
          : [eb.and([eb('e.subject_type', '=', 'sighting'), eb('e.subject_id', 'in', sightings)])]),
      ]),
    )
    .orderBy('e.seq')
    .execute();
  return rows.map((r) => ({ event: toCustodyEvent(r), predecessorHash: r.predecessor_hash }));
}

/** The last whole-archive check (`custody verify`), or null when it never ran. */
export async function lastArchiveCheck(db: Kysely<Database>) {
  const row = await db
    .selectFrom('custody_event')
    .select(['at', 'payload'])
    .where('action', '=', 'fixity.checked')
    .where('subject_type', '=', 'archive')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return null;
  const p = row.payload;
  return {
    at: row.at.toISOString(),
    ok: p['ok'] === true,
    mode: typeof p['mode'] === 'string' ? p['mode'] : null,
    events: typeof p['events'] === 'number' ? p['events'] : null,
  };
}
