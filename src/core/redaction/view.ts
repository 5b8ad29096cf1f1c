import type { Kysely } from 'kysely';
import { eventsFor } from '../../db/custody-log.ts';
import type { RedactionStatus, RedactionTable } from '../../db/release-schema.ts';
import type { Database } from '../../db/schema.ts';
import type { RedactionSpec } from '../../domain/redaction.ts';
import { flaggedCount, notFound } from './redactions.ts';

/** A redaction as the staff API shows it: decisions, render, face check, review, history. */
export function redactionJson(row: RedactionTable) {
  const spec = JSON.parse(row.spec) as RedactionSpec;
  const current = row.render_version !== null && row.render_version === row.version;
  return {
    id: row.id,
    itemId: row.item_id,
    segmentId: row.segment_id,
    title: row.title,
    version: row.version,
    status: row.status,
    spec,
    authors: row.authors,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
    render:
      row.render_version === null
        ? null
        : {
            version: row.render_version,
            current,
            sha256: row.render_sha256,
            size: row.render_size,
            at: row.rendered_at?.toISOString() ?? null,
          },
    renderError: row.render_error,
    faceCheck:
      row.face_check === null ? null : (JSON.parse(row.face_check) as Record<string, unknown>),
    facesFlagged: flaggedCount(row.face_check),
    review:
      row.reviewed_by === null
        ? null
        : {
            by: row.reviewed_by,
            at: row.reviewed_at?.toISOString() ?? null,
            note: row.review_note,
          },
  };
}

export type RedactionJson = ReturnType<typeof redactionJson>;

export async function findRedaction(db: Kysely<Database>, id: string): Promise<RedactionTable> {
  const row = await db.selectFrom('redaction').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound();
  return row;
}

/** Whether the reader may review it now (a reviewer or admin who did not change it). */
export function canReview(row: RedactionTable, reader: { email: string; role: string }): boolean {
  return (
    (reader.role === 'reviewer' || reader.role === 'admin') &&
    !row.authors.includes(reader.email) &&
    row.status === 'rendered' &&
    row.render_version === row.version
  );
}

/** Its custody events: its own, and the renders recorded on the item, oldest first. */
export async function redactionHistory(db: Kysely<Database>, row: RedactionTable) {
  const own = await eventsFor(db, 'redaction', row.id);
  const renders = (await eventsFor(db, 'item', row.item_id)).filter(
    (e) => e.action === 'redaction.rendered' && e.payload['redaction'] === row.id,
  );
  return [...own, ...renders]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      version: typeof e.payload['version'] === 'number' ? e.payload['version'] : null,
      decision: typeof e.payload['decision'] === 'string' ? e.payload['decision'] : null,
    }));
}

export interface RedactionFilter {
  readonly status?: RedactionStatus | undefined;
  readonly itemId?: string | undefined;
}

export async function listRedactions(db: Kysely<Database>, filter: RedactionFilter = {}) {
  let q = db.selectFrom('redaction').selectAll().orderBy('updated_at', 'desc').limit(500);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.itemId !== undefined) q = q.where('item_id', '=', filter.itemId);
  return (await q.execute()).map(redactionJson);
}
