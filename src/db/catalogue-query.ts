import { sql, type Kysely } from 'kysely';
import { toCustodyEvent } from './custody-log.ts';
import type { CustodyEvent } from '../domain/custody-event.ts';
import type { VerificationStatus } from '../domain/verification.ts';
import type { Database } from './schema.ts';
import { verificationIs } from './verification-query.ts';

/** Read-side queries of the catalogue, keyset-paged where lists can grow. */

export async function listFacilities(db: Kysely<Database>) {
  return db.selectFrom('facility').selectAll().orderBy('name').orderBy('id').execute();
}

export async function listOrganisations(db: Kysely<Database>) {
  return db.selectFrom('organisation').selectAll().orderBy('name').orderBy('id').execute();
}

export async function listViolationTypes(db: Kysely<Database>) {
  return db.selectFrom('violation_type').selectAll().orderBy('code').execute();
}

/** People by pseudonym; the real name is never selected here. */
export async function listPeople(db: Kysely<Database>, after: string, limit: number) {
  return db
    .selectFrom('person')
    .select(['id', 'pseudonym', 'aliases', 'note', 'created_at', 'updated_at'])
    .select(sql<boolean>`real_name IS NOT NULL`.as('has_real_name'))
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findPerson(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('person')
    .select(['id', 'pseudonym', 'aliases', 'note', 'created_at', 'updated_at'])
    .select(sql<boolean>`real_name IS NOT NULL`.as('has_real_name'))
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface IncidentFilter {
  readonly status?: string | undefined;
  readonly facilityId?: string | undefined;
  /** Incidents overlapping [from, to]. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** The verification record's status ('unverified' also matches incidents without one). */
  readonly verification?: VerificationStatus | undefined;
}

/**
 * Incidents newest first by when they happened (or were recorded, when the time is unknown),
 * a page at a time after the cursor `<iso time>|<id>`.
 */
export async function listIncidents(
  db: Kysely<Database>,
  filter: IncidentFilter,
  cursor: { at: Date; id: string } | null,
  limit: number,
) {
  const at = sql<Date>`coalesce(incident.starts_at, incident.created_at)`;
  let q = db
    .selectFrom('incident')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .selectAll('incident')
    .select(['facility.name as facility_name'])
    .select(at.as('sort_at'))
    .select(
      sql<VerificationStatus>`coalesce((SELECT v.status FROM verification v WHERE v.subject_type = 'incident' AND v.subject_id = incident.id), 'unverified')`.as(
        'verification',
      ),
    )
    .orderBy(at, 'desc')
    .orderBy('incident.id', 'desc')
    .limit(limit);
  if (cursor !== null)
    q = q.where(sql<boolean>`(${at}, incident.id) < (${cursor.at}, ${cursor.id}::uuid)`);
  if (filter.status !== undefined) q = q.where('incident.status', '=', filter.status as never);
  if (filter.facilityId !== undefined) q = q.where('incident.facility_id', '=', filter.facilityId);
  if (filter.from !== undefined)
    q = q.where(sql<boolean>`coalesce(incident.ends_at, incident.starts_at) >= ${filter.from}`);
  if (filter.to !== undefined) q = q.where('incident.starts_at', '<=', filter.to);
  if (filter.verification !== undefined)
    q = q.where(verificationIs('incident', 'incident.id', filter.verification));
  return q.execute();
}

export async function findIncident(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('incident')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .selectAll('incident')
    .select(['facility.name as facility_name'])
    .where('incident.id', '=', id)
    .executeTakeFirst();
}

export async function peopleOfIncident(db: Kysely<Database>, incidentId: string) {
  return db
    .selectFrom('incident_person')
    .innerJoin('person', 'person.id', 'incident_person.person_id')
    .select(['person.id', 'person.pseudonym', 'incident_person.role'])
    .where('incident_person.incident_id', '=', incidentId)
    .orderBy('incident_person.role')
    .orderBy('person.pseudonym')
    .execute();
}

/** Live segments of an item or of an incident, with the item's first path for display. */
export async function segmentsWhere(
  db: Kysely<Database>,
  where: { itemId: string } | { incidentId: string },
) {
  return db
    .selectFrom('segment')
    .select([
      'segment.id',
      'segment.item_id',
      'segment.start_seconds',
      'segment.end_seconds',
      'segment.incident_id',
      'segment.note',
      'segment.tags',
      'segment.people',
      'segment.created_by',
      'segment.created_at',
      'segment.updated_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('sighting')
        .select('sighting.path_display')
        .whereRef('sighting.item_id', '=', 'segment.item_id')
        .orderBy('sighting.recorded_at')
        .limit(1)
        .as('item_path'),
    )
    .where('segment.deleted_at', 'is', null)
    .where((eb) =>
      'itemId' in where
        ? eb('segment.item_id', '=', where.itemId)
        : eb('segment.incident_id', '=', where.incidentId),
    )
    .orderBy('segment.item_id')
    .orderBy('segment.start_seconds')
    .execute();
}

/**
 * An incident's history: its own events and those of every segment ever linked to it
 * (withdrawn ones included), oldest first.
 */
export async function incidentHistory(
  db: Kysely<Database>,
  incidentId: string,
): Promise<CustodyEvent[]> {
  const rows = await db
    .selectFrom('custody_event')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_type', '=', 'incident'), eb('subject_id', '=', incidentId)]),
        eb.and([
          eb('subject_type', '=', 'segment'),
          eb(
            'subject_id',
            'in',
            eb
              .selectFrom('segment')
              .select(sql<string>`segment.id::text`.as('id'))
              .where('segment.incident_id', '=', incidentId),
          ),
        ]),
        eb.and([
          eb('subject_type', '=', 'segment'),
          eb(sql<string>`custody_event.payload->>'incidentId'`, '=', incidentId),
        ]),
      ]),
    )
    .orderBy('seq')
    .execute();
  return rows.map(toCustodyEvent);
}

/**
 * Incidents per month and facility (by when they started), for the timeline: how many, and
 * which, so the page can link to each.
 */
export async function incidentTimeline(
  db: Kysely<Database>,
  from: Date | undefined,
  to: Date | undefined,
) {
  let q = db
    .selectFrom('incident')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .select([
      sql<string>`to_char(incident.starts_at AT TIME ZONE 'UTC', 'YYYY-MM')`.as('month'),
      'incident.facility_id',
      'facility.name as facility',
      'incident.id',
      'incident.title',
      'incident.status',
      'incident.starts_at',
    ])
    .where('incident.starts_at', 'is not', null)
    .orderBy('incident.starts_at')
    .orderBy('incident.id')
    .limit(5000);
  if (from !== undefined) q = q.where('incident.starts_at', '>=', from);
  if (to !== undefined) q = q.where('incident.starts_at', '<=', to);
  return q.execute();
}
