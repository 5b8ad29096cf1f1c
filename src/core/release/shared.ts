import type { Kysely } from 'kysely';
import type { AccessAction, ReleaseTable } from '../../db/release-schema.ts';
import type { Database } from '../../db/schema.ts';
import { CustodyError } from '../errors.ts';
import { tokenHash } from './links.ts';

/**
 * What people outside see of releases, and nothing else. Who is asking (the public, a partner
 * account, a share link) decides which releases exist for them; everything else answers the
 * same "not found" as an id that never existed, so nothing can be learnt by guessing. Every
 * question goes to the database: a revocation or an expiry holds from the next request on.
 *
 * The view is written field by field from a whitelist: no item, redaction, account or incident
 * ids, no names of files, devices, people or staff, no notes.
 */

export type Viewer =
  | { readonly kind: 'public' }
  | { readonly kind: 'partner'; readonly accountId: string; readonly name: string }
  | { readonly kind: 'link'; readonly token: string };

/** A release as one viewer may see it, with who they are for the access record. */
export interface Opened {
  readonly release: ReleaseTable;
  readonly recipient: string;
  readonly accountId: string | null;
  readonly linkId: string | null;
  /** When a share link stops working; null for the public and partner accounts. */
  readonly expiresAt: Date | null;
}

export const hidden = (): CustodyError =>
  new CustodyError('RELEASE.NOT_FOUND', 'No such release, or it is not shared with you.', {
    hint: 'Check the address, or ask whoever shared it with you.',
  });

const linkInvalid = (): CustodyError =>
  new CustodyError('RELEASE.LINK_INVALID', 'This link is unknown, expired or revoked.', {
    hint: 'Ask whoever sent it for a new link.',
  });

/** Out for its audience: approved, not revoked, and its embargo has passed. */
export function isPublished(r: Pick<ReleaseTable, 'status' | 'embargo_at'>, now: Date): boolean {
  return r.status === 'approved' && r.embargo_at.getTime() <= now.getTime();
}

/** The releases a viewer may see now, newest first. */
export async function visibleReleases(
  db: Kysely<Database>,
  viewer: Viewer,
  now: Date,
): Promise<ReleaseTable[]> {
  let q = db
    .selectFrom('release')
    .selectAll('release')
    .where('release.status', '=', 'approved')
    .where('release.embargo_at', '<=', now)
    .orderBy('release.embargo_at', 'desc')
    .limit(1000);
  if (viewer.kind === 'public') q = q.where('release.audience', '=', 'public');
  else if (viewer.kind === 'partner')
    q = q
      .innerJoin('release_partner', 'release_partner.release_id', 'release.id')
      .where('release.audience', '=', 'partners')
      .where('release_partner.account_id', '=', viewer.accountId);
  else {
    const opened = await openByLink(db, viewer.token, now);
    return [opened.release];
  }
  return q.execute();
}

async function openByLink(db: Kysely<Database>, token: string, now: Date): Promise<Opened> {
  if (token.length < 20 || token.length > 100) throw linkInvalid();
  const link = await db
    .selectFrom('release_link')
    .selectAll()
    .where('token_sha256', '=', tokenHash(token))
    .executeTakeFirst();
  if (link === undefined || link.revoked_at !== null || link.expires_at <= now) throw linkInvalid();
  const release = await db
    .selectFrom('release')
    .selectAll()
    .where('id', '=', link.release_id)
    .executeTakeFirst();
  if (release === undefined || release.audience !== 'partners' || !isPublished(release, now))
    throw linkInvalid();
  return {
    release,
    recipient: link.recipient,
    accountId: null,
    linkId: link.id,
    expiresAt: link.expires_at,
  };
}

/** One release for one viewer, or RELEASE.NOT_FOUND (never a different answer for "exists"). */
export async function openRelease(
  db: Kysely<Database>,
  viewer: Viewer,
  releaseId: string | null,
  now: Date,
): Promise<Opened> {
  if (viewer.kind === 'link') return openByLink(db, viewer.token, now);
  const visible = await visibleReleases(db, viewer, now);
  const release = visible.find((r) => r.id === releaseId);
  if (release === undefined) throw hidden();
  return {
    release,
    recipient: viewer.kind === 'partner' ? viewer.name : 'public',
    accountId: viewer.kind === 'partner' ? viewer.accountId : null,
    linkId: null,
    expiresAt: null,
  };
}

/** A video of an opened release: the rendered redaction it shows (by position, 1-based). */
export async function releasedVideo(db: Kysely<Database>, opened: Opened, position: number) {
  const row = await db
    .selectFrom('release_video')
    .innerJoin('redaction', 'redaction.id', 'release_video.redaction_id')
    .select([
      'release_video.position',
      'redaction.id as redactionId',
      'redaction.render_version as version',
      'redaction.status',
    ])
    .where('release_video.release_id', '=', opened.release.id)
    .where('release_video.position', '=', position)
    .executeTakeFirst();
  if (row?.status !== 'approved' || row.version === null) throw hidden();
  return { position: row.position, redactionId: row.redactionId, version: row.version };
}

/** Records a view, play or download by someone outside (no IP address, no user agent). */
export async function recordAccess(
  db: Kysely<Database>,
  opened: Opened,
  action: AccessAction,
  position: number | null,
  at: Date,
): Promise<void> {
  await db
    .insertInto('release_access')
    .values({
      release_id: opened.release.id,
      position,
      account_id: opened.accountId,
      link_id: opened.linkId,
      recipient: opened.recipient,
      action,
      at,
    })
    .execute();
}

/** The release as outsiders see it: a whitelist of fields, videos by position only. */
export async function sharedReleaseJson(db: Kysely<Database>, r: ReleaseTable) {
  const videos = await db
    .selectFrom('release_video')
    .innerJoin('redaction', 'redaction.id', 'release_video.redaction_id')
    .select(['release_video.position', 'release_video.caption', 'redaction.spec'])
    .where('release_video.release_id', '=', r.id)
    .orderBy('release_video.position')
    .execute();
  const texts = await db
    .selectFrom('release_text')
    .leftJoin('incident', 'incident.id', 'release_text.incident_id')
    .leftJoin('facility', 'facility.id', 'incident.facility_id')
    .select([
      'release_text.position',
      'release_text.heading',
      'release_text.body',
      'incident.starts_at',
      'incident.ends_at',
      'incident.acts',
      'facility.name as facility',
    ])
    .where('release_text.release_id', '=', r.id)
    .orderBy('release_text.position')
    .execute();
  const codes = [...new Set(texts.flatMap((t) => t.acts ?? []))];
  const labels = new Map(
    (codes.length === 0
      ? []
      : await db
          .selectFrom('violation_type')
          .select(['code', 'label_en', 'label_ru'])
          .where('code', 'in', codes)
          .execute()
    ).map((v) => [v.code, { en: v.label_en, ru: v.label_ru }]),
  );
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    contentWarning: r.content_warning,
    publishedAt: r.embargo_at.toISOString(),
    videos: videos.map((v) => ({
      position: v.position,
      caption: v.caption,
      durationSeconds: cutLength(v.spec),
    })),
    texts: texts.map((t) => ({
      position: t.position,
      heading: t.heading,
      body: t.body,
      incident:
        t.starts_at === null && t.facility === null && (t.acts ?? []).length === 0
          ? null
          : {
              startsAt: t.starts_at?.toISOString() ?? null,
              endsAt: t.ends_at?.toISOString() ?? null,
              facility: t.facility,
              acts: (t.acts ?? []).map((code) => labels.get(code) ?? { en: code, ru: code }),
            },
    })),
  };
}

export type SharedReleaseJson = Awaited<ReturnType<typeof sharedReleaseJson>>;

function cutLength(spec: string): number | null {
  const cut = (JSON.parse(spec) as { cut?: { start: number; end: number } | null }).cut;
  return cut === null || cut === undefined ? null : Math.round((cut.end - cut.start) * 10) / 10;
}
