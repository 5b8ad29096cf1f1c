import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { change, notFound, parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { ResponseInput, ResponsePatch } from './inputs.ts';
import { checkAll } from './links.ts';

/**
 * Responses: the official acts (an inspection sent, an official dismissed, a criminal case
 * opened), with the body that acted, the people and incidents concerned, and the claims that
 * report them. Withdrawn, not erased: the record of what was entered stays.
 */

type Links = Pick<z.output<typeof ResponsePatch>, 'people' | 'incidents' | 'claims'>;

async function writeLinks(tx: Transaction<Database>, responseId: string, links: Links) {
  if (links.people !== undefined) {
    await checkAll(
      tx,
      'person',
      links.people.map((p) => p.personId),
    );
    await tx.deleteFrom('response_person').where('response_id', '=', responseId).execute();
    const unique = new Map(links.people.map((p) => [`${p.personId} ${p.role}`, p]));
    const rows = [...unique.values()].map((p) => ({
      response_id: responseId,
      person_id: p.personId,
      role: p.role,
    }));
    if (rows.length > 0) await tx.insertInto('response_person').values(rows).execute();
  }
  if (links.incidents !== undefined) {
    await checkAll(tx, 'incident', links.incidents);
    await tx.deleteFrom('response_incident').where('response_id', '=', responseId).execute();
    const rows = [...new Set(links.incidents)].map((incident_id) => ({
      response_id: responseId,
      incident_id,
    }));
    if (rows.length > 0) await tx.insertInto('response_incident').values(rows).execute();
  }
  if (links.claims !== undefined) {
    await checkAll(tx, 'claim', links.claims);
    await tx.deleteFrom('claim_response').where('response_id', '=', responseId).execute();
    const rows = [...new Set(links.claims)].map((claim_id) => ({
      claim_id,
      response_id: responseId,
    }));
    if (rows.length > 0) await tx.insertInto('claim_response').values(rows).execute();
  }
}

async function checkRefs(
  tx: Transaction<Database>,
  r: { actingBodyId?: string | null | undefined; facilityId?: string | null | undefined },
) {
  if (r.actingBodyId != null) await checkAll(tx, 'organisation', [r.actingBodyId]);
  if (r.facilityId != null) await checkAll(tx, 'facility', [r.facilityId]);
}

export async function createResponse(
  deps: CatalogueDeps,
  actor: string,
  input: unknown,
): Promise<{ id: string }> {
  const r = parse(ResponseInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'response.created', subjectType: 'response', subjectId: id, payload: r },
    async (tx, now) => {
      await checkRefs(tx, r);
      await tx
        .insertInto('response')
        .values({
          id,
          type: r.type,
          date: r.date,
          acting_body_id: r.actingBodyId,
          facility_id: r.facilityId,
          summary: r.summary,
          created_by: actor,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .execute();
      await writeLinks(tx, id, r);
      return { id };
    },
  );
}

export async function updateResponse(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<{ id: string }> {
  const r = parse(ResponsePatch, input);
  return change(
    deps,
    actor,
    { action: 'response.updated', subjectType: 'response', subjectId: id, payload: r },
    async (tx, now) => {
      await checkRefs(tx, r);
      const result = await tx
        .updateTable('response')
        .set({
          ...(r.type === undefined ? {} : { type: r.type }),
          ...(r.date === undefined ? {} : { date: r.date }),
          ...(r.actingBodyId === undefined ? {} : { acting_body_id: r.actingBodyId }),
          ...(r.facilityId === undefined ? {} : { facility_id: r.facilityId }),
          ...(r.summary === undefined ? {} : { summary: r.summary }),
          updated_at: now,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('response');
      await writeLinks(tx, id, r);
      return { id };
    },
  );
}

/** Takes a response out of lists and views; its row, links and history stay. */
export async function withdrawResponse(
  deps: CatalogueDeps,
  actor: string,
  id: string,
): Promise<void> {
  await change(
    deps,
    actor,
    { action: 'response.withdrawn', subjectType: 'response', subjectId: id, payload: {} },
    async (tx, now) => {
      const result = await tx
        .updateTable('response')
        .set({ deleted_at: now })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('response');
    },
  );
}
