import { sql, type Kysely } from 'kysely';
import type { MatchKind, ResponseType } from './responses-schema.ts';
import type { Database } from './schema.ts';

/**
 * Read-side queries of sources, claims and responses. Calendar days are selected as text
 * ('YYYY-MM-DD'): the drivers would otherwise turn them into Dates at different midnights.
 */

const publishedOn = sql<string | null>`source.published_on::text`.as('published_on');
const claimedDate = sql<string | null>`claim.claimed_date::text`.as('claimed_date');
const responseDate = sql<string | null>`response.date::text`.as('date');

/** LIKE pattern for text containing `s` literally. */
function contains(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---- sources ------------------------------------------------------------------------------

const SOURCE_LIST_COLUMNS = [
  'source.id',
  'source.kind',
  'source.outlet',
  'source.author',
  'source.url',
  'source.language',
  'source.title',
  'source.item_id',
  'source.created_by',
  'source.created_at',
  'source.updated_at',
] as const;

/** The order of the source list, never null so keyset comparisons stay total. */
const sourceKey = sql<string>`coalesce(source.published_on::text, '')`;

/** Sources, latest publication first (undated last), a page after the cursor `<day>|<id>`. */
export async function listSources(
  db: Kysely<Database>,
  filter: { readonly search?: string | undefined },
  cursor: { key: string; id: string } | null,
  limit: number,
) {
  let q = db
    .selectFrom('source')
    .select(SOURCE_LIST_COLUMNS)
    .select([publishedOn, sourceKey.as('sort_key')])
    .select((eb) =>
      eb
        .selectFrom('claim')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('claim.source_id', '=', 'source.id')
        .as('claims'),
    )
    .orderBy(sourceKey, 'desc')
    .orderBy('source.id', 'desc')
    .limit(limit);
  if (cursor !== null)
    q = q.where(sql<boolean>`(${sourceKey}, source.id) < (${cursor.key}, ${cursor.id}::uuid)`);
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    const like = contains(search);
    q = q.where((eb) =>
      eb.or([
        eb('source.title', 'ilike', like),
        eb('source.outlet', 'ilike', like),
        eb('source.url', 'ilike', like),
        eb('source.author', 'ilike', like),
      ]),
    );
  }
  return q.execute();
}

export async function findSource(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('source')
    .select([...SOURCE_LIST_COLUMNS, 'source.archived_text', 'source.note'])
    .select(publishedOn)
    .where('source.id', '=', id)
    .executeTakeFirst();
}

// ---- claims -------------------------------------------------------------------------------

/** Ids linked to a claim through one link table, sorted. */
const linked = (table: string, column: string) =>
  sql<
    string[]
  >`coalesce((SELECT array_agg(l.${sql.ref(column)} ORDER BY l.${sql.ref(column)}) FROM ${sql.table(table)} l WHERE l.claim_id = claim.id), '{}')`;

export type ClaimWhere =
  | { readonly id: string }
  | { readonly sourceId: string }
  | { readonly responseId: string }
  | { readonly incidentId: string };

/** Claims with their links and the essentials of their source, in the source's order. */
export async function claimsWhere(db: Kysely<Database>, where: ClaimWhere) {
  let q = db
    .selectFrom('claim')
    .innerJoin('source', 'source.id', 'claim.source_id')
    .select([
      'claim.id',
      'claim.source_id',
      'claim.quote',
      'claim.summary',
      'claim.figure',
      'claim.figure_unit',
      'claim.created_by',
      'claim.created_at',
      'claim.updated_at',
      'source.outlet as source_outlet',
      'source.url as source_url',
      'source.title as source_title',
    ])
    .select([claimedDate, publishedOn])
    .select([
      linked('claim_incident', 'incident_id').as('incidents'),
      linked('claim_person', 'person_id').as('people'),
      linked('claim_organisation', 'organisation_id').as('organisations'),
      linked('claim_response', 'response_id').as('responses'),
    ])
    .orderBy(sql`source.published_on`, (ob) => ob.asc().nullsLast())
    .orderBy('claim.created_at')
    .orderBy('claim.id');
  if ('id' in where) q = q.where('claim.id', '=', where.id);
  else if ('sourceId' in where) q = q.where('claim.source_id', '=', where.sourceId);
  else if ('responseId' in where)
    q = q.where('claim.id', 'in', (eb) =>
      eb
        .selectFrom('claim_response')
        .select('claim_id')
        .where('response_id', '=', where.responseId),
    );
  else
    q = q.where('claim.id', 'in', (eb) =>
      eb
        .selectFrom('claim_incident')
        .select('claim_id')
        .where('incident_id', '=', where.incidentId),
    );
  return q.limit(5000).execute();
}

// ---- responses ----------------------------------------------------------------------------

export interface ResponseFilter {
  readonly type?: ResponseType | undefined;
  /** Concerning the facility directly, or answering an incident there. */
  readonly facilityId?: string | undefined;
  readonly incidentId?: string | undefined;
  /** Acting body. */
  readonly organisationId?: string | undefined;
}

/** Live responses with their acting body and facility names, oldest first (undated last). */
export async function listResponses(db: Kysely<Database>, filter: ResponseFilter, limit = 5000) {
  let q = db
    .selectFrom('response')
    .leftJoin('organisation', 'organisation.id', 'response.acting_body_id')
    .leftJoin('facility', 'facility.id', 'response.facility_id')
    .select([
      'response.id',
      'response.type',
      'response.acting_body_id',
      'response.facility_id',
      'response.summary',
      'response.created_by',
      'response.created_at',
      'response.updated_at',
      'organisation.name as acting_body',
      'facility.name as facility',
    ])
    .select(responseDate)
    .select((eb) => [
      eb
        .selectFrom('claim_response')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('claim_response.response_id', '=', 'response.id')
        .as('claims'),
      sql<
        string[]
      >`coalesce((SELECT array_agg(ri.incident_id ORDER BY ri.incident_id) FROM response_incident ri WHERE ri.response_id = response.id), '{}')`.as(
        'incidents',
      ),
    ])
    .where('response.deleted_at', 'is', null)
    .orderBy(sql`response.date`, (ob) => ob.asc().nullsLast())
    .orderBy('response.created_at')
    .orderBy('response.id')
    .limit(limit);
  if (filter.type !== undefined) q = q.where('response.type', '=', filter.type);
  if (filter.organisationId !== undefined)
    q = q.where('response.acting_body_id', '=', filter.organisationId);
  if (filter.incidentId !== undefined) {
    const incidentId = filter.incidentId;
    q = q.where('response.id', 'in', (eb) =>
      eb
        .selectFrom('response_incident')
        .select('response_id')
        .where('incident_id', '=', incidentId),
    );
  }
  if (filter.facilityId !== undefined) {
    const facilityId = filter.facilityId;
    q = q.where((eb) =>
      eb.or([
        eb('response.facility_id', '=', facilityId),
        eb(
          'response.id',
          'in',
          eb
            .selectFrom('response_incident')
            .innerJoin('incident', 'incident.id', 'response_incident.incident_id')
            .select('response_incident.response_id')
            .where('incident.facility_id', '=', facilityId),
        ),
      ]),
    );
  }
  return q.execute();
}

export async function findResponse(db: Kysely<Database>, id: string) {
  const [row] = await db
    .selectFrom('response')
    .leftJoin('organisation', 'organisation.id', 'response.acting_body_id')
    .leftJoin('facility', 'facility.id', 'response.facility_id')
    .select([
      'response.id',
      'response.type',
      'response.acting_body_id',
      'response.facility_id',
      'response.summary',
      'response.created_by',
      'response.created_at',
      'response.updated_at',
      'organisation.name as acting_body',
      'facility.name as facility',
    ])
    .select(responseDate)
    .where('response.id', '=', id)
    .where('response.deleted_at', 'is', null)
    .execute();
  return row;
}

/** The people a response concerns, by pseudonym (never the real name). */
export async function peopleOfResponses(db: Kysely<Database>, responseIds: readonly string[]) {
  if (responseIds.length === 0) return [];
  return db
    .selectFrom('response_person')
    .innerJoin('person', 'person.id', 'response_person.person_id')
    .select([
      'response_person.response_id',
      'person.id',
      'person.pseudonym',
      'response_person.role',
    ])
    .where('response_person.response_id', 'in', responseIds)
    .orderBy('response_person.role')
    .orderBy('person.pseudonym')
    .execute();
}

/** The incidents a response answers, with when and where. */
export async function incidentsOfResponse(db: Kysely<Database>, responseId: string) {
  return db
    .selectFrom('response_incident')
    .innerJoin('incident', 'incident.id', 'response_incident.incident_id')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .select([
      'incident.id',
      'incident.title',
      'incident.starts_at',
      'incident.status',
      'facility.name as facility',
    ])
    .where('response_incident.response_id', '=', responseId)
    .orderBy('incident.starts_at')
    .orderBy('incident.id')
    .execute();
}

/** The sources that report each of these responses (through their claims), by publication. */
export async function sourcesOfResponses(db: Kysely<Database>, responseIds: readonly string[]) {
  if (responseIds.length === 0) return [];
  return db
    .selectFrom('claim_response')
    .innerJoin('claim', 'claim.id', 'claim_response.claim_id')
    .innerJoin('source', 'source.id', 'claim.source_id')
    .select(['claim_response.response_id', 'source.id', 'source.outlet', 'source.url'])
    .select(publishedOn)
    .distinct()
    .where('claim_response.response_id', 'in', responseIds)
    .orderBy('claim_response.response_id')
    .orderBy('published_on')
    .orderBy('source.id')
    .execute();
}

// ---- the accountability view ----------------------------------------------------------------

/** Incidents at a facility, or one incident, with the fields a public timeline may show. */
export async function incidentsInScope(
  db: Kysely<Database>,
  scope: { facilityId: string } | { incidentId: string },
) {
  let q = db
    .selectFrom('incident')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .select([
      'incident.id',
      'incident.title',
      'incident.starts_at',
      'incident.ends_at',
      'incident.status',
      'incident.acts',
      'incident.facility_id',
      'facility.name as facility',
    ])
    .orderBy('incident.starts_at')
    .orderBy('incident.id')
    .limit(5000);
  q =
    'facilityId' in scope
      ? q.where('incident.facility_id', '=', scope.facilityId)
      : q.where('incident.id', '=', scope.incidentId);
  return q.execute();
}

export async function facilityName(db: Kysely<Database>, id: string) {
  return (await db.selectFrom('facility').select('name').where('id', '=', id).executeTakeFirst())
    ?.name;
}

// ---- names for matching -------------------------------------------------------------------

export interface NamedRecord {
  readonly id: string;
  /** What the record is shown as: a pseudonym for people. */
  readonly label: string;
  readonly aliases: string[];
}

/** Every record of a kind with its names; for people the pseudonym, never the real name. */
export async function namedRecords(db: Kysely<Database>, kind: MatchKind): Promise<NamedRecord[]> {
  if (kind === 'person')
    return db
      .selectFrom('person')
      .select(['id', 'pseudonym as label', 'aliases'])
      .orderBy('pseudonym')
      .orderBy('id')
      .execute();
  return db
    .selectFrom(kind)
    .select(['id', 'name as label', 'aliases'])
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** The ids an investigator has already decided about against this record (either way). */
export async function decidedPartners(
  db: Kysely<Database>,
  kind: MatchKind,
  id: string,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('alias_decision')
    .select(['a', 'b'])
    .where('kind', '=', kind)
    .where((eb) => eb.or([eb('a', '=', id), eb('b', '=', id)]))
    .execute();
  return new Set(rows.map((r) => (r.a === id ? r.b : r.a)));
}
