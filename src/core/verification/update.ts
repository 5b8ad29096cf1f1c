import type { Transaction } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { missingLinks, type Subject } from '../../db/verification-query.ts';
import type { Json } from '../../domain/canonical-json.ts';
import { isFinal, statusAfterEdit } from '../../domain/verification.ts';
import { badReference, parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { VerificationPatch, type CheckPatch } from './inputs.ts';
import { mustExist } from './subject.ts';
import type { z } from 'zod';

/** The record's row, locked until the transaction ends so two changes never interleave. */
export function lockRecord(tx: Transaction<Database>, subject: Subject) {
  return tx
    .selectFrom('verification')
    .selectAll()
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .forUpdate()
    .executeTakeFirst();
}

async function writeChecks(
  tx: Transaction<Database>,
  subject: Subject,
  checks: readonly z.output<typeof CheckPatch>[],
  actor: string,
  now: Date,
): Promise<void> {
  if (checks.length === 0) return;
  const where = { subject_type: subject.type, subject_id: subject.id };
  const existing = new Map(
    (
      await tx
        .selectFrom('verification_check')
        .selectAll()
        .where('subject_type', '=', subject.type)
        .where('subject_id', '=', subject.id)
        .where(
          'code',
          'in',
          checks.map((c) => c.code),
        )
        .execute()
    ).map((c) => [c.code, c]),
  );
  for (const c of checks) {
    const before = existing.get(c.code);
    const row = {
      ...where,
      code: c.code,
      result: c.result ?? before?.result ?? 'not_checked',
      note: c.note ?? before?.note ?? '',
      updated_by: actor,
      updated_at: now,
    };
    await tx
      .insertInto('verification_check')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['subject_type', 'subject_id', 'code']).doUpdateSet({
          result: row.result,
          note: row.note,
          updated_by: actor,
          updated_at: now,
        }),
      )
      .execute();
    if (c.evidence === undefined) continue;
    await tx
      .deleteFrom('verification_evidence')
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .where('code', '=', c.code)
      .execute();
    const links = [...new Map(c.evidence.map((e) => [`${e.type} ${e.id}`, e])).values()];
    if (links.length > 0)
      await tx
        .insertInto('verification_evidence')
        .values(links.map((l) => ({ ...where, code: c.code, link_type: l.type, link_id: l.id })))
        .execute();
  }
}

/**
 * Changes a record's status (to an open one), confidence, summary or checks, creating it on
 * first change. A change to a signed-off record reopens it: the sign-off no longer covers what
 * it says, so it goes back to review. The change and its custody event commit together.
 */
export async function updateVerification(
  deps: CatalogueDeps,
  actor: string,
  subject: Subject,
  input: unknown,
): Promise<void> {
  const patch = parse(VerificationPatch, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await mustExist(tx, subject);
    const missing = (
      await missingLinks(tx, patch.checks?.flatMap((c) => c.evidence ?? []) ?? [])
    )[0];
    if (missing !== undefined) throw badReference(`${missing.type} ${missing.id}`);
    const current = await lockRecord(tx, subject);
    const from = current?.status ?? 'unverified';
    const status = statusAfterEdit(from, patch.status);
    const reopened = isFinal(from) && !isFinal(status);
    const values = {
      status,
      confidence: patch.confidence === undefined ? (current?.confidence ?? null) : patch.confidence,
      summary: patch.summary ?? current?.summary ?? '',
      updated_by: actor,
      updated_at: now,
      signed_off_by: null,
      signed_off_at: null,
      sign_off_note: '',
    };
    await tx
      .insertInto('verification')
      .values({ subject_type: subject.type, subject_id: subject.id, ...values })
      .onConflict((oc) => oc.columns(['subject_type', 'subject_id']).doUpdateSet(values))
      .execute();
    await writeChecks(tx, subject, patch.checks ?? [], actor, now);
    const payload = {
      from,
      status,
      ...(reopened ? { reopened: true } : {}),
      ...(patch.confidence === undefined ? {} : { confidence: patch.confidence }),
      ...(patch.summary === undefined ? {} : { summary: patch.summary }),
      ...(patch.checks === undefined ? {} : { checks: patch.checks as Json }),
    };
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'verification.updated',
          subjectType: subject.type,
          subjectId: subject.id,
          payload,
        },
      ],
      now,
    );
  });
}
