import { sql, type Kysely } from 'kysely';
import type { AllegationStatus } from './allegations-schema.ts';
import type { Database } from './schema.ts';

/** Small typed queries for allegations; the rules live in src/core/allegations/. */

export interface AllegationListRow {
  id: string;
  status: AllegationStatus;
  language: string;
  excerpt: string;
  facility: string;
  occurred_on: string;
  duplicate_of: string | null;
  created_at: Date;
  updated_at: Date;
  attachments: number;
  messages: number;
  last_message_at: Date | null;
  last_message_author: 'submitter' | 'staff' | null;
}

/** Newest first, a page at a time (keyset on created_at, id). */
export async function listAllegations(
  db: Kysely<Database>,
  filter: { status?: AllegationStatus | undefined },
  after: { createdAt: Date; id: string } | null,
  limit: number,
): Promise<AllegationListRow[]> {
  let q = db
    .selectFrom('allegation as a')
    .select((eb) => [
      'a.id',
      'a.status',
      'a.language',
      sql<string>`left(a.account, 200)`.as('excerpt'),
      'a.facility',
      'a.occurred_on',
      'a.duplicate_of',
      'a.created_at',
      'a.updated_at',
      eb
        .selectFrom('allegation_attachment as t')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('t.allegation_id', '=', 'a.id')
        .as('attachments'),
      eb
        .selectFrom('allegation_message as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.allegation_id', '=', 'a.id')
        .as('messages'),
      eb
        .selectFrom('allegation_message as m')
        .select('m.created_at')
        .whereRef('m.allegation_id', '=', 'a.id')
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(1)
        .as('last_message_at'),
      eb
        .selectFrom('allegation_message as m')
        .select('m.author')
        .whereRef('m.allegation_id', '=', 'a.id')
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(1)
        .as('last_message_author'),
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit);
  if (filter.status !== undefined) q = q.where('a.status', '=', filter.status);
  if (after !== null)
    q = q.where((eb) =>
      eb.or([
        eb('a.created_at', '<', after.createdAt),
        eb.and([eb('a.created_at', '=', after.createdAt), eb('a.id', '<', after.id)]),
      ]),
    );
  const rows = await q.execute();
  return rows.map((r) => ({
    ...r,
    attachments: r.attachments ?? 0,
    messages: r.messages ?? 0,
    last_message_at: r.last_message_at ?? null,
    last_message_author: r.last_message_author ?? null,
  }));
}

export function findAllegation(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('allegation')
    .select([
      'id',
      'account',
      'facility',
      'occurred_on',
      'people',
      'language',
      'status',
      'duplicate_of',
      'acquisition_id',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function messagesOf(db: Kysely<Database>, allegationId: string) {
  return db
    .selectFrom('allegation_message')
    .select(['id', 'author', 'staff_actor', 'body', 'created_at'])
    .where('allegation_id', '=', allegationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function attachmentsOf(db: Kysely<Database>, allegationId: string) {
  return db
    .selectFrom('allegation_attachment as t')
    .innerJoin('item', 'item.id', 't.item_id')
    .select([
      't.id',
      't.item_id',
      't.name',
      't.declared_type',
      't.size',
      't.sha256',
      't.received_at',
      'item.kind',
      'item.probe_status',
    ])
    .where('t.allegation_id', '=', allegationId)
    .orderBy('t.received_at')
    .orderBy('t.id')
    .execute();
}

/** The catalogue records an allegation is linked to, by name (people by pseudonym only). */
export async function linksOf(db: Kysely<Database>, allegationId: string) {
  // One after another: the embedded database has a single connection.
  const incidents = await db
    .selectFrom('allegation_incident as l')
    .innerJoin('incident', 'incident.id', 'l.incident_id')
    .select(['incident.id', 'incident.title'])
    .where('l.allegation_id', '=', allegationId)
    .orderBy('incident.title')
    .execute();
  const people = await db
    .selectFrom('allegation_person as l')
    .innerJoin('person', 'person.id', 'l.person_id')
    .select(['person.id', 'person.pseudonym'])
    .where('l.allegation_id', '=', allegationId)
    .orderBy('person.pseudonym')
    .execute();
  const facilities = await db
    .selectFrom('allegation_facility as l')
    .innerJoin('facility', 'facility.id', 'l.facility_id')
    .select(['facility.id', 'facility.name'])
    .where('l.allegation_id', '=', allegationId)
    .orderBy('facility.name')
    .execute();
  const duplicates = await db
    .selectFrom('allegation')
    .select('id')
    .where('duplicate_of', '=', allegationId)
    .orderBy('created_at')
    .execute();
  return { incidents, people, facilities, duplicates: duplicates.map((d) => d.id) };
}
