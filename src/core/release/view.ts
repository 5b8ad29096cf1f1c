import type { Kysely } from 'kysely';
import { eventsFor } from '../../db/custody-log.ts';
import { toCsv } from '../../domain/csv.ts';
import type { ReleaseStatus, ReleaseTable } from '../../db/release-schema.ts';
import type { Database } from '../../db/schema.ts';
import { releaseNotFound } from './releases.ts';
import { isPublished } from './shared.ts';

/** A release as staff see it: content, audience, review, links, who looked at it. */
export async function releaseJson(db: Kysely<Database>, r: ReleaseTable, now: Date) {
  const [videos, texts, partners, links, access] = await Promise.all([
    db
      .selectFrom('release_video')
      .innerJoin('redaction', 'redaction.id', 'release_video.redaction_id')
      .select([
        'release_video.position',
        'release_video.caption',
        'release_video.redaction_id as redactionId',
        'redaction.item_id as itemId',
        'redaction.title',
        'redaction.status',
      ])
      .where('release_video.release_id', '=', r.id)
      .orderBy('release_video.position')
      .execute(),
    db
      .selectFrom('release_text')
      .select(['position', 'incident_id as incidentId', 'heading', 'body'])
      .where('release_id', '=', r.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('release_partner')
      .innerJoin('account', 'account.id', 'release_partner.account_id')
      .select(['account.id', 'account.display_name as name', 'account.email'])
      .where('release_partner.release_id', '=', r.id)
      .orderBy('account.display_name')
      .execute(),
    db
      .selectFrom('release_link')
      .select(['id', 'recipient', 'expires_at', 'created_by', 'created_at', 'revoked_at'])
      .where('release_id', '=', r.id)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('release_access')
      .select(['recipient', 'action', 'position', 'at'])
      .where('release_id', '=', r.id)
      .orderBy('at', 'desc')
      .limit(500)
      .execute(),
  ]);
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    contentWarning: r.content_warning,
    audience: r.audience,
    embargoAt: r.embargo_at.toISOString(),
    requireVerified: r.require_verified,
    status: r.status,
    published: isPublished(r, now),
    version: r.version,
    authors: r.authors,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    approvedBy: r.approved_by,
    approvedAt: r.approved_at?.toISOString() ?? null,
    revokedBy: r.revoked_by,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokeReason: r.revoke_reason,
    videos,
    texts,
    partners,
    links: links.map((l) => ({
      id: l.id,
      recipient: l.recipient,
      expiresAt: l.expires_at.toISOString(),
      createdBy: l.created_by,
      createdAt: l.created_at.toISOString(),
      revokedAt: l.revoked_at?.toISOString() ?? null,
      active: l.revoked_at === null && l.expires_at > now,
    })),
    access: access.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}

export type ReleaseJson = Awaited<ReturnType<typeof releaseJson>>;

export async function findRelease(db: Kysely<Database>, id: string): Promise<ReleaseTable> {
  const row = await db.selectFrom('release').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw releaseNotFound();
  return row;
}

export async function listReleases(
  db: Kysely<Database>,
  now: Date,
  filter: { status?: ReleaseStatus | undefined } = {},
) {
  let q = db.selectFrom('release').selectAll().orderBy('updated_at', 'desc').limit(500);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    audience: r.audience,
    status: r.status,
    published: isPublished(r, now),
    embargoAt: r.embargo_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    createdBy: r.created_by,
    approvedBy: r.approved_by,
  }));
}

export async function releaseHistory(db: Kysely<Database>, id: string) {
  return (await eventsFor(db, 'release', id)).map((e) => ({
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
  }));
}

/** Partner accounts, for the release form's audience picker. */
export async function partnerAccounts(db: Kysely<Database>) {
  return db
    .selectFrom('account')
    .select(['id', 'display_name as name', 'email'])
    .where('role', '=', 'partner')
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .execute();
}

/**
 * Releases about some incidents (a text about one of them, or a video of a segment marked
 * with one), for the accountability view: what the NGO made public, and when.
 */
export async function releasesAbout(db: Kysely<Database>, incidentIds: readonly string[]) {
  if (incidentIds.length === 0) return [];
  const ids = [...incidentIds];
  const rows = await db
    .selectFrom('release')
    .select(['id', 'title', 'audience', 'status', 'embargo_at'])
    .where((eb) =>
      eb.or([
        eb(
          'id',
          'in',
          eb.selectFrom('release_text').select('release_id').where('incident_id', 'in', ids),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('release_video')
            .innerJoin('redaction', 'redaction.id', 'release_video.redaction_id')
            .innerJoin('segment', 'segment.id', 'redaction.segment_id')
            .select('release_video.release_id')
            .where('segment.incident_id', 'in', ids),
        ),
      ]),
    )
    .orderBy('embargo_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    audience: r.audience,
    status: r.status,
    embargoAt: r.embargo_at.toISOString(),
  }));
}

export type ReleaseAbout = Awaited<ReturnType<typeof releasesAbout>>[number];

/** Who outside viewed, played or downloaded what and when, oldest first, as CSV (UTF-8, CRLF). */
export async function accessCsv(db: Kysely<Database>, releaseId: string): Promise<string> {
  const rows = await db
    .selectFrom('release_access')
    .select(['at', 'recipient', 'action', 'position'])
    .where('release_id', '=', releaseId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return toCsv(
    ['at', 'recipient', 'action', 'video'],
    rows.map((r) => [r.at.toISOString(), r.recipient, r.action, r.position]),
  );
}
