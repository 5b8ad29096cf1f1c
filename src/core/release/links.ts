import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import { parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import { LinkInput } from './inputs.ts';
import { lockRelease } from './releases.ts';

/**
 * Share links: an expiring, revocable address that shows one partners release to one named
 * recipient without an account. The token (256 random bits) is shown once; only its SHA-256 is
 * stored, so a copy of the database opens nothing.
 */

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createLink(
  deps: CatalogueDeps,
  actor: string,
  releaseId: string,
  input: unknown,
): Promise<{ id: string; token: string }> {
  const p = parse(LinkInput, input);
  const now = deps.clock.now();
  const expiresAt = new Date(p.expiresAt);
  if (expiresAt <= now)
    throw new CustodyError('REQUEST.INVALID', 'The link would expire before it is sent.', {
      hint: 'Pick an expiry date in the future.',
    });
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  await deps.db.transaction().execute(async (tx) => {
    const release = await lockRelease(tx, releaseId);
    if (release.audience !== 'partners' || release.status === 'revoked')
      throw new CustodyError(
        'RELEASE.NOT_READY',
        'Links are for partners releases that are not revoked.',
        { hint: 'A public release needs no link: it is on the public page.' },
      );
    await tx
      .insertInto('release_link')
      .values({
        id,
        release_id: releaseId,
        token_sha256: tokenHash(token),
        recipient: p.recipient,
        expires_at: expiresAt,
        created_by: actor,
        created_at: now,
      })
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'release.link-created',
          subjectType: 'release',
          subjectId: releaseId,
          payload: { link: id, recipient: p.recipient, expires_at: expiresAt.toISOString() },
        },
      ],
      now,
    );
  });
  return { id, token };
}

export async function revokeLink(
  deps: CatalogueDeps,
  actor: string,
  releaseId: string,
  linkId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const link = await tx
      .selectFrom('release_link')
      .select(['id', 'revoked_at'])
      .where('id', '=', linkId)
      .where('release_id', '=', releaseId)
      .forUpdate()
      .executeTakeFirst();
    if (link === undefined)
      throw new CustodyError('RELEASE.NOT_FOUND', 'No such link on this release.', {
        hint: 'Reload the release to see its links.',
      });
    if (link.revoked_at !== null) return;
    await tx
      .updateTable('release_link')
      .set({ revoked_at: now, revoked_by: actor })
      .where('id', '=', linkId)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'release.link-revoked',
          subjectType: 'release',
          subjectId: releaseId,
          payload: { link: linkId },
        },
      ],
      now,
    );
  });
}
