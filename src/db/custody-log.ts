import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  canonicalEvent,
  type CustodyAction,
  type CustodyEvent,
  type NewCustodyEvent,
  type SubjectType,
} from '../domain/custody-event.ts';
import type { Json } from '../domain/canonical-json.ts';
import type { Database } from './schema.ts';

/** Serialises appends across processes (PostgreSQL server mode) so the chain stays linear. */
const CUSTODY_LOCK = 7355608;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Appends events to the chain. Must run inside the transaction that makes the change the
 * events record: both commit together or neither does. There is deliberately no function
 * here, or anywhere, that updates or deletes an event.
 */
export async function appendCustodyEvents(
  tx: Transaction<Database>,
  events: readonly NewCustodyEvent[],
  at: Date,
): Promise<CustodyEvent[]> {
  if (events.length === 0) return [];
  await sql`SELECT pg_advisory_xact_lock(${CUSTODY_LOCK})`.execute(tx);
  const head = await tx
    .selectFrom('custody_event')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? null;
  const written: CustodyEvent[] = [];
  for (const e of events) {
    seq += 1;
    const unhashed = { ...e, seq, at, prevHash };
    const event: CustodyEvent = { ...unhashed, hash: sha256Hex(canonicalEvent(unhashed)) };
    written.push(event);
    prevHash = event.hash;
  }
  // Batches of 500 keep each statement's parameter count well under PostgreSQL's limit.
  for (let i = 0; i < written.length; i += 500) {
    await tx
      .insertInto('custody_event')
      .values(
        written.slice(i, i + 500).map((e) => ({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          action: e.action,
          subject_type: e.subjectType,
          subject_id: e.subjectId,
          payload: JSON.stringify(e.payload),
          prev_hash: e.prevHash,
          hash: e.hash,
        })),
      )
      .execute();
  }
  return written;
}

type EventRow = Awaited<ReturnType<typeof selectEvents>>[number];

function selectEvents(db: Kysely<Database>, afterSeq: number, limit: number) {
  return db
    .selectFrom('custody_event')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export function toCustodyEvent(row: EventRow): CustodyEvent {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action as CustodyAction,
    subjectType: row.subject_type as SubjectType,
    subjectId: row.subject_id,
    payload: row.payload as { [key: string]: Json },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Streams the whole log in seq order, a page at a time (memory stays flat). */
export async function* readCustodyLog(
  db: Kysely<Database>,
  pageSize = 2000,
): AsyncGenerator<CustodyEvent> {
  let after = 0;
  for (;;) {
    const rows = await selectEvents(db, after, pageSize);
    for (const row of rows) yield toCustodyEvent(row);
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return;
    after = last.seq;
  }
}

/** Events about one subject, oldest first. */
export async function eventsFor(
  db: Kysely<Database>,
  subjectType: SubjectType,
  subjectId: string,
): Promise<CustodyEvent[]> {
  const rows = await db
    .selectFrom('custody_event')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map(toCustodyEvent);
}
