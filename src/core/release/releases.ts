import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { ReleaseTable } from '../../db/release-schema.ts';
import type { Database } from '../../db/schema.ts';
import type { Json } from '../../domain/canonical-json.ts';
import { parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import { isVerified } from '../verification/status.ts';
import { ReleaseDecisionInput, ReleaseInput, ReleasePatch, RevokeInput } from './inputs.ts';
import type { z } from 'zod';

/**
 * Releases: a batch of approved redactions and texts for named partners or the public, with a
 * content warning and an embargo. An investigator assembles it (draft) and submits it; a
 * reviewer who did not change it approves it (two-person rule, enforced by the database too);
 * from its embargo time on, the audience sees it. Revoking takes it away from everyone at once.
 */

type Tx = Transaction<Database>;
type Content = Pick<z.output<typeof ReleasePatch>, 'videos' | 'texts' | 'partners'>;

export const releaseNotFound = (): CustodyError =>
  new CustodyError('RELEASE.NOT_FOUND', 'No such release.', {
    hint: 'Check the id; "custody releases list" shows them.',
  });

const notReady = (message: string, hint: string): CustodyError =>
  new CustodyError('RELEASE.NOT_READY', message, { hint });

export async function lockRelease(tx: Tx, id: string): Promise<ReleaseTable> {
  const row = await tx
    .selectFrom('release')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (row === undefined) throw releaseNotFound();
  return row;
}

/** Checks what the content names exists (and partners are partner accounts), then writes it. */
async function writeContent(tx: Tx, id: string, c: Content): Promise<void> {
  if (c.videos !== undefined) {
    const ids = c.videos.map((v) => v.redactionId);
    if (new Set(ids).size !== ids.length)
      throw badInput('A video is in the release twice.', 'Keep each redaction once.');
    const found =
      ids.length === 0
        ? []
        : await tx.selectFrom('redaction').select('id').where('id', 'in', ids).execute();
    if (found.length !== ids.length)
      throw badReference('A video names a redaction that does not exist.');
    await tx.deleteFrom('release_video').where('release_id', '=', id).execute();
    if (c.videos.length > 0)
      await tx
        .insertInto('release_video')
        .values(
          c.videos.map((v, i) => ({
            release_id: id,
            position: i + 1,
            redaction_id: v.redactionId,
            caption: v.caption ?? '',
          })),
        )
        .execute();
  }
  if (c.texts !== undefined) {
    const incidents = c.texts.flatMap((t) => (t.incidentId == null ? [] : [t.incidentId]));
    const found =
      incidents.length === 0
        ? []
        : await tx.selectFrom('incident').select('id').where('id', 'in', incidents).execute();
    if (found.length !== new Set(incidents).size)
      throw badReference('A text names an incident that does not exist.');
    await tx.deleteFrom('release_text').where('release_id', '=', id).execute();
    if (c.texts.length > 0)
      await tx
        .insertInto('release_text')
        .values(
          c.texts.map((t, i) => ({
            release_id: id,
            position: i + 1,
            incident_id: t.incidentId ?? null,
            heading: t.heading ?? '',
            body: t.body ?? '',
          })),
        )
        .execute();
  }
  if (c.partners !== undefined) {
    const ids = [...new Set(c.partners)];
    const found =
      ids.length === 0
        ? []
        : await tx
            .selectFrom('account')
            .select('id')
            .where('id', 'in', ids)
            .where('role', '=', 'partner')
            .execute();
    if (found.length !== ids.length)
      throw badReference('A partner named is not a partner account.');
    await tx.deleteFrom('release_partner').where('release_id', '=', id).execute();
    if (ids.length > 0)
      await tx
        .insertInto('release_partner')
        .values(ids.map((account_id) => ({ release_id: id, account_id })))
        .execute();
  }
}

function badInput(message: string, hint: string): CustodyError {
  return new CustodyError('REQUEST.INVALID', message, { hint });
}

function badReference(message: string): CustodyError {
  return new CustodyError('CATALOGUE.INVALID_REFERENCE', message, {
    hint: 'Pick it from the lists in the release form.',
  });
}

/** What the log records of a change: the fields, and the content as ids (no free text). */
function changeRecord(p: Partial<z.output<typeof ReleasePatch>>): Record<string, Json> {
  return {
    ...(p.title === undefined ? {} : { title: p.title }),
    ...(p.audience === undefined ? {} : { audience: p.audience }),
    ...(p.embargoAt === undefined ? {} : { embargo_at: new Date(p.embargoAt).toISOString() }),
    ...(p.requireVerified === undefined ? {} : { require_verified: p.requireVerified }),
    ...(p.contentWarning === undefined ? {} : { content_warning: p.contentWarning }),
    ...(p.videos === undefined ? {} : { videos: p.videos.map((v) => v.redactionId) }),
    ...(p.texts === undefined ? {} : { texts: p.texts.length }),
    ...(p.partners === undefined ? {} : { partners: p.partners }),
  };
}

export async function createRelease(
  deps: CatalogueDeps,
  actor: string,
  input: unknown,
): Promise<string> {
  const p = parse(ReleaseInput, input);
  const id = randomUUID();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('release')
      .values({
        id,
        title: p.title,
        summary: p.summary ?? '',
        content_warning: p.contentWarning ?? '',
        audience: p.audience,
        embargo_at: new Date(p.embargoAt),
        require_verified: p.requireVerified ?? false,
        status: 'draft',
        version: 1,
        authors: [actor],
        created_by: actor,
        created_at: now,
        updated_by: actor,
        updated_at: now,
        revoke_reason: '',
      })
      .execute();
    await writeContent(tx, id, p);
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'release.created',
          subjectType: 'release',
          subjectId: id,
          payload: changeRecord(p),
        },
      ],
      now,
    );
  });
  return id;
}

/** Changes a draft. Submitted, approved and revoked releases do not change. */
export async function updateRelease(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<void> {
  const p = parse(ReleasePatch, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const row = await lockRelease(tx, id);
    if (row.status !== 'draft')
      throw new CustodyError('RELEASE.LOCKED', `This release is ${row.status} and cannot change.`, {
        hint:
          row.status === 'submitted'
            ? 'Ask the reviewer to send it back to draft, or withdraw it.'
            : 'Make a new release instead.',
      });
    if (row.version !== p.version) throw changedError();
    await tx
      .updateTable('release')
      .set({
        ...(p.title === undefined ? {} : { title: p.title }),
        ...(p.summary === undefined ? {} : { summary: p.summary }),
        ...(p.contentWarning === undefined ? {} : { content_warning: p.contentWarning }),
        ...(p.audience === undefined ? {} : { audience: p.audience }),
        ...(p.embargoAt === undefined ? {} : { embargo_at: new Date(p.embargoAt) }),
        ...(p.requireVerified === undefined ? {} : { require_verified: p.requireVerified }),
        version: row.version + 1,
        authors: row.authors.includes(actor) ? row.authors : [...row.authors, actor],
        updated_by: actor,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await writeContent(tx, id, p);
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'release.updated',
          subjectType: 'release',
          subjectId: id,
          payload: { version: row.version + 1, ...changeRecord(p) },
        },
      ],
      now,
    );
  });
}

function changedError(): CustodyError {
  return new CustodyError('RELEASE.CHANGED', 'The release changed since you loaded it.', {
    hint: 'Reload it, look at the change, and try again.',
  });
}

/** Why a release cannot go out as it is, or null: checked on submit and again on approval. */
async function readinessProblem(tx: Tx, row: ReleaseTable): Promise<CustodyError | null> {
  const videos = await tx
    .selectFrom('release_video')
    .innerJoin('redaction', 'redaction.id', 'release_video.redaction_id')
    .select(['release_video.position', 'redaction.status', 'redaction.item_id'])
    .where('release_video.release_id', '=', row.id)
    .execute();
  const texts = await tx
    .selectFrom('release_text')
    .select(['position', 'incident_id'])
    .where('release_id', '=', row.id)
    .execute();
  if (videos.length === 0 && texts.length === 0)
    return notReady('The release is empty.', 'Add at least one approved video or one text.');
  const unapproved = videos.filter((v) => v.status !== 'approved').map((v) => v.position);
  if (unapproved.length > 0)
    return notReady(
      `Video ${unapproved.join(', ')} is not an approved redaction.`,
      'Only redactions approved by a reviewer can be released.',
    );
  if (row.audience === 'public') {
    const partners = await tx
      .selectFrom('release_partner')
      .select('account_id')
      .where('release_id', '=', row.id)
      .execute();
    if (partners.length > 0)
      return notReady(
        'A public release names partners.',
        'Remove the partners, or make it a partners release.',
      );
  }
  if (row.require_verified) {
    for (const v of videos)
      if (!(await isVerified(tx, { type: 'item', id: v.item_id })))
        return notReady(
          `Video ${String(v.position)} is of an item that is not verified.`,
          'This release requires verified material: sign the item off first, or untick the requirement.',
        );
    for (const t of texts)
      if (
        t.incident_id !== null &&
        !(await isVerified(tx, { type: 'incident', id: t.incident_id }))
      )
        return notReady(
          `Text ${String(t.position)} is about an incident that is not verified.`,
          'This release requires verified material: sign the incident off first.',
        );
  }
  return null;
}

type Step = 'submit' | 'approve' | 'return';

const FROM: Record<Step, ReleaseTable['status']> = {
  submit: 'draft',
  approve: 'submitted',
  return: 'submitted',
};
const TO: Record<Step, ReleaseTable['status']> = {
  submit: 'submitted',
  approve: 'approved',
  return: 'draft',
};
const VERB: Record<Step, string> = {
  submit: 'submitted',
  approve: 'approved',
  return: 'sent back',
};
const ACTION = {
  submit: 'release.submitted',
  approve: 'release.approved',
  return: 'release.updated',
} as const;

/**
 * Moves a release along: draft → submitted (by anyone who may write) → approved (by a reviewer
 * who did not change it), or submitted → back to draft with a note.
 */
export async function releaseStep(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  step: Step,
  input: unknown,
): Promise<void> {
  const p = parse(ReleaseDecisionInput, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const row = await lockRelease(tx, id);
    if (row.version !== p.version) throw changedError();
    if (row.status !== FROM[step])
      throw notReady(
        `The release is ${row.status}; only a ${FROM[step]} release can be ${VERB[step]}.`,
        step === 'approve'
          ? 'The author submits it for review first.'
          : 'Reload it to see where it stands.',
      );
    if (step === 'approve' && row.authors.includes(actor))
      throw new CustodyError(
        'RELEASE.OWN_WORK',
        'You changed this release, so another reviewer must approve it.',
        {
          hint: 'Two people: ask a reviewer who did not work on it.',
        },
      );
    if (step !== 'return') {
      const problem = await readinessProblem(tx, row);
      if (problem !== null) throw problem;
    }
    await tx
      .updateTable('release')
      .set({
        status: TO[step],
        ...(step === 'approve' ? { approved_by: actor, approved_at: now } : {}),
      })
      .where('id', '=', id)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: ACTION[step],
          subjectType: 'release',
          subjectId: id,
          payload: {
            step,
            version: row.version,
            note: p.note ?? '',
            ...(step === 'approve'
              ? {
                  embargo_at: row.embargo_at.toISOString(),
                  audience: row.audience,
                  authors: row.authors,
                }
              : {}),
          },
        },
      ],
      now,
    );
  });
}

/** Takes a release away from every audience and link, effective on their next request. */
export async function revokeRelease(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<void> {
  const p = parse(RevokeInput, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const row = await lockRelease(tx, id);
    if (row.status === 'revoked')
      throw notReady('The release is already revoked.', 'Nothing to do.');
    await tx
      .updateTable('release')
      .set({ status: 'revoked', revoked_by: actor, revoked_at: now, revoke_reason: p.reason ?? '' })
      .where('id', '=', id)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'release.revoked',
          subjectType: 'release',
          subjectId: id,
          payload: { from: row.status, reason: p.reason ?? '' },
        },
      ],
      now,
    );
  });
}
