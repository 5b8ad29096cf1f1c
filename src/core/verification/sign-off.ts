import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Subject } from '../../db/verification-query.ts';
import { signOffRefusal, type SignOffRefusal } from '../../domain/verification.ts';
import { parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import { SignOffInput } from './inputs.ts';
import { mustExist } from './subject.ts';
import { lockRecord } from './update.ts';

const REFUSALS: Record<SignOffRefusal, () => CustodyError> = {
  'not-in-review': () =>
    new CustodyError('VERIFICATION.NOT_IN_REVIEW', 'Only a record in review can be signed off.', {
      hint: 'The investigator sets the status to "in review" when the checks are done.',
    }),
  'own-work': () =>
    new CustodyError(
      'VERIFICATION.OWN_WORK',
      'You made the last change to this record, so another reviewer must sign it off.',
      { hint: 'Two people: ask a reviewer who did not change it.' },
    ),
  changed: () =>
    new CustodyError('VERIFICATION.CHANGED', 'The record changed since you looked at it.', {
      hint: 'Reload it, review the change and sign off again.',
    }),
};

/**
 * A reviewer's sign-off: sets the final status (verified, disputed or rejected), only on a
 * record in review and only by someone other than its last author (two-person rule; the
 * database refuses the same person too). Recorded with the author it signs off.
 */
export async function signOff(
  deps: CatalogueDeps,
  actor: string,
  subject: Subject,
  input: unknown,
): Promise<void> {
  const s = parse(SignOffInput, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await mustExist(tx, subject);
    const current = await lockRecord(tx, subject);
    const refusal = signOffRefusal(
      current === undefined
        ? null
        : { status: current.status, updatedBy: current.updated_by, updatedAt: current.updated_at },
      actor,
      s.seen === undefined ? undefined : new Date(s.seen),
    );
    if (refusal !== null || current === undefined) throw REFUSALS[refusal ?? 'not-in-review']();
    const confidence = s.confidence === undefined ? current.confidence : s.confidence;
    await tx
      .updateTable('verification')
      .set({
        status: s.status,
        confidence,
        signed_off_by: actor,
        signed_off_at: now,
        sign_off_note: s.note ?? '',
      })
      .where('subject_type', '=', subject.type)
      .where('subject_id', '=', subject.id)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'verification.signed-off',
          subjectType: subject.type,
          subjectId: subject.id,
          payload: {
            status: s.status,
            from: current.status,
            confidence,
            note: s.note ?? '',
            author: current.updated_by,
            authoredAt: current.updated_at.toISOString(),
          },
        },
      ],
      now,
    );
  });
}
