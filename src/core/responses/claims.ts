import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { change, notFound, parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { ClaimInput, ClaimPatch } from './inputs.ts';
import { checkAll } from './links.ts';

/**
 * Claims: exact sentences quoted from a source, what they say ("seven officers fired") and the
 * figure or date they state, linked to the incidents, people, organisations and responses they
 * are about. A claim's links and its custody event are written together.
 */

type Links = Pick<
  z.output<typeof ClaimPatch>,
  'incidents' | 'people' | 'organisations' | 'responses'
>;

/** Replaces the claim's links of each kind that was sent; leaves the others alone. */
async function writeLinks(tx: Transaction<Database>, claimId: string, links: Links) {
  if (links.incidents !== undefined) {
    await checkAll(tx, 'incident', links.incidents);
    await tx.deleteFrom('claim_incident').where('claim_id', '=', claimId).execute();
    const rows = [...new Set(links.incidents)].map((incident_id) => ({
      claim_id: claimId,
      incident_id,
    }));
    if (rows.length > 0) await tx.insertInto('claim_incident').values(rows).execute();
  }
  if (links.people !== undefined) {
    await checkAll(tx, 'person', links.people);
    await tx.deleteFrom('claim_person').where('claim_id', '=', claimId).execute();
    const rows = [...new Set(links.people)].map((person_id) => ({ claim_id: claimId, person_id }));
    if (rows.length > 0) await tx.insertInto('claim_person').values(rows).execute();
  }
  if (links.organisations !== undefined) {
    await checkAll(tx, 'organisation', links.organisations);
    await tx.deleteFrom('claim_organisation').where('claim_id', '=', claimId).execute();
    const rows = [...new Set(links.organisations)].map((organisation_id) => ({
      claim_id: claimId,
      organisation_id,
    }));
    if (rows.length > 0) await tx.insertInto('claim_organisation').values(rows).execute();
  }
  if (links.responses !== undefined) {
    await checkAll(tx, 'response', links.responses);
    await tx.deleteFrom('claim_response').where('claim_id', '=', claimId).execute();
    const rows = [...new Set(links.responses)].map((response_id) => ({
      claim_id: claimId,
      response_id,
    }));
    if (rows.length > 0) await tx.insertInto('claim_response').values(rows).execute();
  }
}

export async function createClaim(
  deps: CatalogueDeps,
  actor: string,
  input: unknown,
): Promise<{ id: string }> {
  const c = parse(ClaimInput, input);
  const id = randomUUID();
  return change(
    deps,
    actor,
    { action: 'claim.created', subjectType: 'claim', subjectId: id, payload: c },
    async (tx, now) => {
      await checkAll(tx, 'source', [c.sourceId]);
      await tx
        .insertInto('claim')
        .values({
          id,
          source_id: c.sourceId,
          quote: c.quote,
          summary: c.summary,
          figure: c.figure,
          figure_unit: c.figureUnit,
          claimed_date: c.claimedDate,
          created_by: actor,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await writeLinks(tx, id, c);
      return { id };
    },
  );
}

export async function updateClaim(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<{ id: string }> {
  const c = parse(ClaimPatch, input);
  return change(
    deps,
    actor,
    { action: 'claim.updated', subjectType: 'claim', subjectId: id, payload: c },
    async (tx, now) => {
      const result = await tx
        .updateTable('claim')
        .set({
          ...(c.quote === undefined ? {} : { quote: c.quote }),
          ...(c.summary === undefined ? {} : { summary: c.summary }),
          ...(c.figure === undefined ? {} : { figure: c.figure }),
          ...(c.figureUnit === undefined ? {} : { figure_unit: c.figureUnit }),
          ...(c.claimedDate === undefined ? {} : { claimed_date: c.claimedDate }),
          updated_at: now,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('claim');
      await writeLinks(tx, id, c);
      return { id };
    },
  );
}
