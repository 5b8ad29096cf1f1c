import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database, IncidentTable, PersonTable, SegmentTable } from '../../db/schema.ts';
import type { Json } from '../../domain/canonical-json.ts';
import type { CustodyAction, SubjectType } from '../../domain/custody-event.ts';
import { CustodyError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import {
  FacilityInput,
  FacilityPatch,
  IncidentInput,
  IncidentPatch,
  OrganisationInput,
  PersonInput,
  PersonLinkInput,
  PersonPatch,
  SegmentInput,
  SegmentPatch,
  ViolationTypeInput,
} from './inputs.ts';

export interface CatalogueDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** Parses input at the edge of the core: the CLI and the API get the same rules and messages. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
    .join('; ');
  throw new CustodyError('REQUEST.INVALID', `Invalid input: ${problems}.`, {
    hint: 'Correct the fields named and try again.',
  });
}

export const notFound = (what: string): CustodyError =>
  new CustodyError('CATALOGUE.NOT_FOUND', `No such ${what}.`, { hint: 'Check the id.' });

export const badReference = (what: string): CustodyError =>
  new CustodyError('CATALOGUE.INVALID_REFERENCE', `The ${what} does not exist.`, {
    hint: 'Create it first, or pick an existing one.',
  });

/** A patch as logged: only the fields that were sent. */
function sent(patch: Record<string, unknown>): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as {
    [key: string]: Json;
  };
}

/** A catalogue change and its custody event commit together or not at all. */
export async function change<T>(
  deps: CatalogueDeps,
  actor: string,
  event: {
    action: CustodyAction;
    subjectType: SubjectType;
    subjectId: string;
    payload: Record<string, unknown>;
  },
  write: (tx: Transaction<Database>, now: Date) => Promise<T>,
): Promise<T> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const result = await write(tx, now);
    await appendCustodyEvents(tx, [{ actor, ...event, payload: sent(event.payload) }], now);
    return result;
  });
}

async function exists(
  tx: Transaction<Database>,
  table: 'facility' | 'incident' | 'person' | 'item',
  id: string,
): Promise<boolean> {
  const row = await tx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

// ---- facilities and organisations ----------------------------------------------------------

export async function createFacility(deps: CatalogueDeps, actor: string, input: unknown) {
  const f = parse(FacilityInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'facility.created', subjectType: 'facility', subjectId: id, payload: f },
    async (tx, now) =>
      tx
        .insertInto('facility')
        .values({ id, ...f, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow(),
  );
}

export async function updateFacility(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
) {
  const patch = parse(FacilityPatch, input);
  return change(
    deps,
    actor,
    { action: 'facility.updated', subjectType: 'facility', subjectId: id, payload: patch },
    async (tx, now) => {
      const row = await tx
        .updateTable('facility')
        .set({ ...patch, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound('facility');
      return row;
    },
  );
}

export async function createOrganisation(deps: CatalogueDeps, actor: string, input: unknown) {
  const o = parse(OrganisationInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'organisation.created', subjectType: 'organisation', subjectId: id, payload: o },
    async (tx, now) =>
      tx
        .insertInto('organisation')
        .values({ id, ...o, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow(),
  );
}

export async function addViolationType(deps: CatalogueDeps, actor: string, input: unknown) {
  const v = parse(ViolationTypeInput, input);
  return change(
    deps,
    actor,
    { action: 'violation-type.added', subjectType: 'vocabulary', subjectId: v.code, payload: v },
    async (tx, now) => {
      const taken = await tx
        .selectFrom('violation_type')
        .select('code')
        .where('code', '=', v.code)
        .executeTakeFirst();
      if (taken !== undefined)
        throw new CustodyError('REQUEST.INVALID', `The act "${v.code}" already exists.`, {
          hint: 'Choose another code.',
        });
      return tx
        .insertInto('violation_type')
        .values({ code: v.code, label_en: v.labelEn, label_ru: v.labelRu, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  );
}

// ---- incidents ------------------------------------------------------------------------------

async function checkIncidentRefs(
  tx: Transaction<Database>,
  i: { facilityId?: string | null | undefined; acts?: readonly string[] | undefined },
): Promise<void> {
  if (i.facilityId != null && !(await exists(tx, 'facility', i.facilityId)))
    throw badReference('facility');
  if (i.acts !== undefined && i.acts.length > 0) {
    const known = await tx
      .selectFrom('violation_type')
      .select('code')
      .where('code', 'in', i.acts)
      .execute();
    const missing = i.acts.filter((a) => !known.some((k) => k.code === a));
    if (missing.length > 0) throw badReference(`act "${missing.join('", "')}"`);
  }
}

function incidentColumns(
  i: z.output<typeof IncidentPatch>,
): Partial<Omit<IncidentTable, 'id' | 'created_at' | 'updated_at'>> {
  return {
    ...(i.title === undefined ? {} : { title: i.title }),
    ...(i.startsAt === undefined
      ? {}
      : { starts_at: i.startsAt === null ? null : new Date(i.startsAt) }),
    ...(i.endsAt === undefined ? {} : { ends_at: i.endsAt === null ? null : new Date(i.endsAt) }),
    ...(i.facilityId === undefined ? {} : { facility_id: i.facilityId }),
    ...(i.description === undefined ? {} : { description: i.description }),
    ...(i.status === undefined ? {} : { status: i.status }),
    ...(i.acts === undefined ? {} : { acts: i.acts }),
  };
}

function checkTimes(starts: Date | null, ends: Date | null): void {
  if (starts !== null && ends !== null && ends < starts)
    throw new CustodyError('REQUEST.INVALID', 'The incident ends before it starts.', {
      hint: 'Swap or correct the start and end times.',
    });
}

export async function createIncident(deps: CatalogueDeps, actor: string, input: unknown) {
  const i = parse(IncidentInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'incident.created', subjectType: 'incident', subjectId: id, payload: i },
    async (tx, now) => {
      await checkIncidentRefs(tx, i);
      const cols = incidentColumns(i);
      checkTimes(cols.starts_at ?? null, cols.ends_at ?? null);
      return tx
        .insertInto('incident')
        .values({
          id,
          title: i.title,
          starts_at: cols.starts_at ?? null,
          ends_at: cols.ends_at ?? null,
          facility_id: i.facilityId,
          description: i.description,
          status: i.status,
          acts: i.acts,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  );
}

export async function updateIncident(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
) {
  const patch = parse(IncidentPatch, input);
  return change(
    deps,
    actor,
    { action: 'incident.updated', subjectType: 'incident', subjectId: id, payload: patch },
    async (tx, now) => {
      await checkIncidentRefs(tx, patch);
      const row = await tx
        .updateTable('incident')
        .set({ ...incidentColumns(patch), updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound('incident');
      checkTimes(row.starts_at, row.ends_at);
      return row;
    },
  );
}

// ---- people ---------------------------------------------------------------------------------

/** What the log says about a real name: that it changed, never what it is. */
function realNameNote(realName: string | null | undefined): Json {
  if (realName === undefined) return 'unchanged';
  return realName === null ? 'cleared' : 'set';
}

export async function createPerson(deps: CatalogueDeps, actor: string, input: unknown) {
  const p = parse(PersonInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    {
      action: 'person.created',
      subjectType: 'person',
      subjectId: id,
      payload: {
        pseudonym: p.pseudonym,
        realName: realNameNote(p.realName),
        aliases: p.aliases,
        note: p.note,
      },
    },
    async (tx, now) =>
      tx
        .insertInto('person')
        .values({
          id,
          pseudonym: p.pseudonym,
          real_name: p.realName,
          aliases: p.aliases,
          note: p.note,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
  );
}

export async function updatePerson(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<PersonTable> {
  const p = parse(PersonPatch, input);
  return change(
    deps,
    actor,
    {
      action: 'person.updated',
      subjectType: 'person',
      subjectId: id,
      payload: {
        ...(p.pseudonym === undefined ? {} : { pseudonym: p.pseudonym }),
        ...(p.note === undefined ? {} : { note: p.note }),
        ...(p.aliases === undefined ? {} : { aliases: p.aliases }),
        realName: realNameNote(p.realName),
      },
    },
    async (tx, now) => {
      const row = await tx
        .updateTable('person')
        .set({
          ...(p.pseudonym === undefined ? {} : { pseudonym: p.pseudonym }),
          ...(p.note === undefined ? {} : { note: p.note }),
          ...(p.realName === undefined ? {} : { real_name: p.realName }),
          ...(p.aliases === undefined ? {} : { aliases: p.aliases }),
          updated_at: now,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound('person');
      return row;
    },
  );
}

export async function linkPerson(
  deps: CatalogueDeps,
  actor: string,
  incidentId: string,
  input: unknown,
): Promise<void> {
  const l = parse(PersonLinkInput, input);
  await change(
    deps,
    actor,
    { action: 'person.linked', subjectType: 'incident', subjectId: incidentId, payload: l },
    async (tx) => {
      if (!(await exists(tx, 'incident', incidentId))) throw notFound('incident');
      if (!(await exists(tx, 'person', l.personId))) throw badReference('person');
      await tx
        .insertInto('incident_person')
        .values({ incident_id: incidentId, person_id: l.personId, role: l.role })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
  );
}

/** Reading a real name is itself recorded: who looked, and when. */
export async function revealRealName(
  deps: CatalogueDeps,
  actor: string,
  id: string,
): Promise<string | null> {
  return change(
    deps,
    actor,
    { action: 'person.real-name-viewed', subjectType: 'person', subjectId: id, payload: {} },
    async (tx) => {
      const row = await tx
        .selectFrom('person')
        .select('real_name')
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) throw notFound('person');
      return row.real_name;
    },
  );
}

// ---- segments -------------------------------------------------------------------------------

async function checkSegmentRefs(
  tx: Transaction<Database>,
  s: { incidentId?: string | null | undefined; people?: readonly string[] | undefined },
): Promise<void> {
  if (s.incidentId != null && !(await exists(tx, 'incident', s.incidentId)))
    throw badReference('incident');
  for (const person of s.people ?? [])
    if (!(await exists(tx, 'person', person))) throw badReference('person');
}

export async function createSegment(deps: CatalogueDeps, actor: string, input: unknown) {
  const s = parse(SegmentInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'segment.created', subjectType: 'segment', subjectId: id, payload: s },
    async (tx, now) => {
      if (!(await exists(tx, 'item', s.itemId))) throw badReference('item');
      await checkSegmentRefs(tx, s);
      return tx
        .insertInto('segment')
        .values({
          id,
          item_id: s.itemId,
          start_seconds: s.start,
          end_seconds: s.end,
          incident_id: s.incidentId,
          note: s.note,
          tags: s.tags,
          people: s.people,
          created_by: actor,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  );
}

export async function updateSegment(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<SegmentTable> {
  const s = parse(SegmentPatch, input);
  return change(
    deps,
    actor,
    { action: 'segment.updated', subjectType: 'segment', subjectId: id, payload: s },
    async (tx, now) => {
      await checkSegmentRefs(tx, s);
      const row = await tx
        .updateTable('segment')
        .set({
          ...(s.start === undefined ? {} : { start_seconds: s.start }),
          ...(s.end === undefined ? {} : { end_seconds: s.end }),
          ...(s.incidentId === undefined ? {} : { incident_id: s.incidentId }),
          ...(s.note === undefined ? {} : { note: s.note }),
          ...(s.tags === undefined ? {} : { tags: s.tags }),
          ...(s.people === undefined ? {} : { people: s.people }),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound('segment');
      if (row.end_seconds <= row.start_seconds)
        throw new CustodyError('REQUEST.INVALID', 'A segment must end after it starts.', {
          hint: 'Correct the start or end.',
        });
      return row;
    },
  );
}

/** Segments are withdrawn, not erased: the record of what was marked stays. */
export async function deleteSegment(deps: CatalogueDeps, actor: string, id: string) {
  await change(
    deps,
    actor,
    { action: 'segment.deleted', subjectType: 'segment', subjectId: id, payload: {} },
    async (tx, now) => {
      const row = await tx
        .updateTable('segment')
        .set({ deleted_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (row.numUpdatedRows === 0n) throw notFound('segment');
    },
  );
}
