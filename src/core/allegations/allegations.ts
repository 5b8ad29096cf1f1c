import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { AllegationStatus } from '../../db/allegations-schema.ts';
import type { Database } from '../../db/schema.ts';
import { change, parse } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import { checkAll } from '../responses/links.ts';
import { FollowUpInput, ReplyInput, SubmissionInput, TriagePatch } from './inputs.ts';
import { newReceipt, newToken, normaliseReceipt, receiptHash, tokenHash } from './receipt.ts';

/**
 * Allegations: accounts sent by prisoners and relatives through the public form, followed up
 * with a receipt code, triaged and answered by investigators. Every change writes its custody
 * event in the same transaction. Free text reaches the log only as its SHA-256 and length: the
 * hash fixes what was received, and the log (which travels in export packages) carries no
 * account of abuse in the clear.
 */

export interface AllegationDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** The actor of everything a submitter does: they have no account, and none is invented. */
export const SUBMITTER = 'anonymous submitter';

/** An upload token lets its page start this many uploads, for this long. */
export const GRANT_UPLOADS = 50;
export const GRANT_HOURS = 24;
/** Wrong receipt codes tolerated archive-wide in the window before lookups pause. */
export const RECEIPT_FAILURES = 30;
export const RECEIPT_WINDOW_MINUTES = 15;

export const allegationNotFound = (): CustodyError =>
  new CustodyError('ALLEGATION.NOT_FOUND', 'No such allegation.', { hint: 'Check the id.' });

function digest(text: string): { sha256: string; length: number } {
  return { sha256: createHash('sha256').update(text, 'utf8').digest('hex'), length: text.length };
}

/** A fresh upload token for the page that shows this allegation to its submitter. */
async function grantUploads(
  tx: Transaction<Database>,
  allegationId: string,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken();
  const expiresAt = new Date(now.getTime() + GRANT_HOURS * 3_600_000);
  await tx
    .insertInto('allegation_upload_grant')
    .values({ token_hash: hash, allegation_id: allegationId, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export interface Submitted {
  readonly id: string;
  /** Shown once, never stored. */
  readonly receipt: string;
  readonly uploadToken: string;
  readonly uploadTokenExpiresAt: Date;
}

/** Takes an allegation from the public form and makes its receipt code. */
export async function submitAllegation(deps: AllegationDeps, input: unknown): Promise<Submitted> {
  const s = parse(SubmissionInput, input);
  const id = randomUUID();
  const receipt = newReceipt();
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('allegation')
      .values({
        id,
        receipt_hash: receiptHash(normaliseReceipt(receipt) ?? ''),
        account: s.account,
        facility: s.facility,
        occurred_on: s.occurredOn,
        people: s.people,
        language: s.language,
        status: 'new',
        duplicate_of: null,
        acquisition_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const grant = await grantUploads(tx, id, now);
    await appendCustodyEvents(
      tx,
      [
        {
          actor: SUBMITTER,
          action: 'allegation.received',
          subjectType: 'allegation',
          subjectId: id,
          payload: {
            language: s.language,
            account: digest(s.account),
            facility: digest(s.facility),
            occurredOn: digest(s.occurredOn),
            people: digest(s.people),
          },
        },
      ],
      now,
    );
    return { id, receipt, uploadToken: grant.token, uploadTokenExpiresAt: grant.expiresAt };
  });
}

const throttled = (): CustodyError =>
  new CustodyError('ALLEGATION.THROTTLED', 'Too many wrong receipt codes were tried recently.', {
    hint: `Wait ${RECEIPT_WINDOW_MINUTES} minutes, then enter your code again.`,
  });

const unknownReceipt = (): CustodyError =>
  new CustodyError('ALLEGATION.NOT_FOUND', 'No allegation has this receipt code.', {
    hint: 'Check the code you wrote down: 25 letters and digits in five groups.',
  });

/**
 * Finds the allegation a receipt code opens. Wrong codes are counted archive-wide (a submitter
 * has no identity to count them by, and no address is kept); past the limit every lookup waits
 * out the window, right codes too, or the limit would not slow guessing at all.
 */
export async function allegationByReceipt(deps: AllegationDeps, typed: string): Promise<string> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - RECEIPT_WINDOW_MINUTES * 60_000);
  const failures = await deps.db
    .selectFrom('allegation_receipt_failure')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (failures.n >= RECEIPT_FAILURES) throw throttled();
  if (typed.trim() === '')
    throw new CustodyError('REQUEST.INVALID', 'Enter the receipt code.', {
      hint: 'It was shown when the allegation was sent: 25 letters and digits.',
    });
  const canonical = normaliseReceipt(typed);
  const row =
    canonical === null
      ? undefined
      : await deps.db
          .selectFrom('allegation')
          .select('id')
          .where('receipt_hash', '=', receiptHash(canonical))
          .executeTakeFirst();
  if (row === undefined) {
    await deps.db.insertInto('allegation_receipt_failure').values({ at: now }).execute();
    throw unknownReceipt();
  }
  return row.id;
}

/**
 * A submitter comes back with the receipt: adds what they wrote (if anything) and gets a new
 * upload token for more files. Sending the same text twice in a row (a reloaded page posting
 * the form again) adds it once.
 */
export async function followUp(
  deps: AllegationDeps,
  input: unknown,
): Promise<{ id: string; added: boolean; uploadToken: string; uploadTokenExpiresAt: Date }> {
  const f = parse(FollowUpInput, input);
  const id = await allegationByReceipt(deps, f.receipt);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    let added = false;
    if (f.message !== '') {
      const last = await tx
        .selectFrom('allegation_message')
        .select(['author', 'body'])
        .where('allegation_id', '=', id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last?.author !== 'submitter' || last.body !== f.message) {
        const messageId = randomUUID();
        await tx
          .insertInto('allegation_message')
          .values({
            id: messageId,
            allegation_id: id,
            author: 'submitter',
            staff_actor: null,
            body: f.message,
            created_at: now,
          })
          .execute();
        await appendCustodyEvents(
          tx,
          [
            {
              actor: SUBMITTER,
              action: 'allegation.follow-up',
              subjectType: 'allegation',
              subjectId: id,
              payload: { message: messageId, body: digest(f.message) },
            },
          ],
          now,
        );
        added = true;
      }
    }
    const grant = await grantUploads(tx, id, now);
    return { id, added, uploadToken: grant.token, uploadTokenExpiresAt: grant.expiresAt };
  });
}

/**
 * Spends one upload of a token: the allegation it is for, or null when the token is unknown,
 * expired or used up. Atomic, so parallel uploads cannot overrun the limit.
 */
export async function claimUploadGrant(
  deps: AllegationDeps,
  token: string,
): Promise<string | null> {
  if (token === '') return null;
  const row = await deps.db
    .updateTable('allegation_upload_grant')
    .set((eb) => ({ uploads: eb('uploads', '+', 1) }))
    .where('token_hash', '=', tokenHash(token))
    .where('expires_at', '>', deps.clock.now())
    .where('uploads', '<', GRANT_UPLOADS)
    .returning('allegation_id')
    .executeTakeFirst();
  return row?.allegation_id ?? null;
}

/** Forgets expired upload tokens and old failed receipt lookups. */
export async function forgetExpired(deps: AllegationDeps): Promise<void> {
  const now = deps.clock.now();
  await deps.db.deleteFrom('allegation_upload_grant').where('expires_at', '<', now).execute();
  await deps.db
    .deleteFrom('allegation_receipt_failure')
    .where('at', '<', new Date(now.getTime() - RECEIPT_WINDOW_MINUTES * 60_000))
    .execute();
}

// ---- investigators ------------------------------------------------------------------------

export async function replyToAllegation(
  deps: AllegationDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<{ id: string }> {
  const r = parse(ReplyInput, input);
  const messageId = randomUUID();
  return change(
    deps,
    actor,
    {
      action: 'allegation.replied',
      subjectType: 'allegation',
      subjectId: id,
      payload: { message: messageId, body: digest(r.body) },
    },
    async (tx, now) => {
      const found = await tx
        .selectFrom('allegation')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (found === undefined) throw allegationNotFound();
      await tx
        .insertInto('allegation_message')
        .values({
          id: messageId,
          allegation_id: id,
          author: 'staff',
          staff_actor: actor,
          body: r.body,
          created_at: now,
        })
        .execute();
      return { id: messageId };
    },
  );
}

async function replaceLinks(
  tx: Transaction<Database>,
  id: string,
  kind: 'incident' | 'person' | 'facility',
  ids: readonly string[] | undefined,
): Promise<void> {
  if (ids === undefined) return;
  await checkAll(tx, kind, ids);
  const unique = [...new Set(ids)];
  switch (kind) {
    case 'incident':
      await tx.deleteFrom('allegation_incident').where('allegation_id', '=', id).execute();
      if (unique.length > 0)
        await tx
          .insertInto('allegation_incident')
          .values(unique.map((incident_id) => ({ allegation_id: id, incident_id })))
          .execute();
      return;
    case 'person':
      await tx.deleteFrom('allegation_person').where('allegation_id', '=', id).execute();
      if (unique.length > 0)
        await tx
          .insertInto('allegation_person')
          .values(unique.map((person_id) => ({ allegation_id: id, person_id })))
          .execute();
      return;
    case 'facility':
      await tx.deleteFrom('allegation_facility').where('allegation_id', '=', id).execute();
      if (unique.length > 0)
        await tx
          .insertInto('allegation_facility')
          .values(unique.map((facility_id) => ({ allegation_id: id, facility_id })))
          .execute();
      return;
  }
}

/**
 * Triage: the status, the allegation this one repeats, and the incidents, people and
 * facilities it is about. Naming a duplicate makes the status "duplicate"; any other status
 * clears it.
 */
export async function triageAllegation(
  deps: AllegationDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<{ id: string }> {
  const p = parse(TriagePatch, input);
  return change(
    deps,
    actor,
    { action: 'allegation.updated', subjectType: 'allegation', subjectId: id, payload: p },
    async (tx, now) => {
      const row = await tx
        .selectFrom('allegation')
        .select(['status', 'duplicate_of'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (row === undefined) throw allegationNotFound();
      const status: AllegationStatus =
        p.status ?? (p.duplicateOf != null ? 'duplicate' : row.status);
      let duplicateOf = p.duplicateOf !== undefined ? p.duplicateOf : row.duplicate_of;
      if (status !== 'duplicate') duplicateOf = null;
      if (status === 'duplicate' && duplicateOf === null)
        throw new CustodyError('REQUEST.INVALID', 'Name the allegation this one repeats.', {
          hint: 'Send duplicateOf with the id of the earlier allegation.',
        });
      if (duplicateOf !== null) await checkDuplicate(tx, id, duplicateOf);
      await tx
        .updateTable('allegation')
        .set({ status, duplicate_of: duplicateOf, updated_at: now })
        .where('id', '=', id)
        .execute();
      await replaceLinks(tx, id, 'incident', p.incidents);
      await replaceLinks(tx, id, 'person', p.people);
      await replaceLinks(tx, id, 'facility', p.facilities);
      return { id };
    },
  );
}

async function checkDuplicate(
  tx: Transaction<Database>,
  id: string,
  duplicateOf: string,
): Promise<void> {
  if (duplicateOf === id)
    throw new CustodyError('REQUEST.INVALID', 'An allegation cannot repeat itself.', {
      hint: 'Name another allegation.',
    });
  const target = await tx
    .selectFrom('allegation')
    .select('duplicate_of')
    .where('id', '=', duplicateOf)
    .executeTakeFirst();
  if (target === undefined)
    throw new CustodyError(
      'CATALOGUE.INVALID_REFERENCE',
      'The allegation named as the original does not exist.',
      { hint: 'Check its id in the list of allegations.' },
    );
  if (target.duplicate_of === id)
    throw new CustodyError(
      'REQUEST.INVALID',
      'That allegation is marked as a repeat of this one.',
      {
        hint: 'Mark only the later one as the duplicate.',
      },
    );
}
