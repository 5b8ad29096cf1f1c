import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendCustodyEvents, sha256Hex } from '../../db/custody-log.ts';
import { faceTracks } from '../../db/faces-query.ts';
import type { Database } from '../../db/schema.ts';
import { canonicalJson, type Json } from '../../domain/canonical-json.ts';
import { summarizeProbe } from '../../domain/media-summary.ts';
import { masksFromTracks, normalizeSpec, type RedactionSpec } from '../../domain/redaction.ts';
import { parse, type CatalogueDeps } from '../catalogue/catalogue.ts';
import { CustodyError } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { CreateRedactionInput, ReviewRedactionInput, UpdateRedactionInput } from './inputs.ts';

/**
 * Redactions: the decisions behind a redacted copy of a video (masks, audio, cut), their render
 * by a background job, and their review by someone who did not make them. Every change is a
 * custody event in the same transaction; an approved redaction never changes again (a release
 * may be showing it), so changing one means starting another.
 */

export const notFound = (): CustodyError =>
  new CustodyError('REDACTION.NOT_FOUND', 'No such redaction.', {
    hint: 'Check the id; "custody redactions list" shows them.',
  });

const changed = (): CustodyError =>
  new CustodyError('REDACTION.CHANGED', 'The redaction changed since you loaded it.', {
    hint: 'Reload it, look at the change, and try again.',
  });

const locked = (): CustodyError =>
  new CustodyError('REDACTION.LOCKED', 'This redaction is approved and can no longer change.', {
    hint: 'Start a new redaction of the same video to change it.',
  });

/** The hash of a spec as recorded in the log (the full spec travels with the render event). */
export function specHash(spec: RedactionSpec): string {
  return sha256Hex(canonicalJson(spec as unknown as Json));
}

async function readableVideo(db: Kysely<Database>, itemId: string) {
  const item = await db
    .selectFrom('item')
    .select(['id', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'Check the id.' });
  if (item.kind !== 'video' || item.probe_status !== 'ok' || item.probe_text === null)
    throw new CustodyError('REQUEST.INVALID', 'Only a readable video can be redacted.', {
      hint: 'Pick a video item that ffprobe could read.',
    });
  const summary = summarizeProbe(JSON.parse(item.probe_text) as Record<string, unknown>);
  return { id: item.id, duration: summary.durationSeconds };
}

async function segmentCut(db: Kysely<Database>, itemId: string, segmentId: string | undefined) {
  if (segmentId === undefined) return null;
  const segment = await db
    .selectFrom('segment')
    .select(['start_seconds', 'end_seconds'])
    .where('id', '=', segmentId)
    .where('item_id', '=', itemId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (segment === undefined)
    throw new CustodyError('CATALOGUE.NOT_FOUND', 'No such segment of this item.', {
      hint: 'Pick one of the segments marked on this video.',
    });
  return { start: segment.start_seconds, end: segment.end_seconds };
}

/**
 * A new redaction of a video (or of one of its segments), pre-filled with an opaque mask over
 * every face track that the cut keeps. Detection may not have run yet: the view says so.
 */
export async function createRedaction(
  deps: CatalogueDeps,
  actor: string,
  itemId: string,
  input: unknown,
): Promise<string> {
  const p = parse(CreateRedactionInput, input);
  const video = await readableVideo(deps.db, itemId);
  const cut = await segmentCut(deps.db, itemId, p.segmentId);
  const faces = p.prefillFaces === false ? null : await faceTracks(deps.db, itemId);
  const masks =
    faces === null
      ? []
      : masksFromTracks(faces.tracks, faces.rate, video.duration).filter(
          (m) => cut === null || (m.end >= cut.start && m.start <= cut.end),
        );
  const spec: RedactionSpec = { masks, audio: [], cut };
  const id = randomUUID();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('redaction')
      .values({
        id,
        item_id: itemId,
        segment_id: p.segmentId ?? null,
        title: p.title ?? '',
        spec: JSON.stringify(spec),
        version: 1,
        status: 'draft',
        authors: [actor],
        created_by: actor,
        created_at: now,
        updated_by: actor,
        updated_at: now,
        review_note: '',
      })
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'redaction.created',
          subjectType: 'redaction',
          subjectId: id,
          payload: {
            item: itemId,
            segment: p.segmentId ?? null,
            version: 1,
            spec: specHash(spec),
            masks: masks.length,
            from_face_tracks: faces !== null,
          },
        },
      ],
      now,
    );
  });
  return id;
}

/** The row, locked until the transaction ends so that two changes never interleave. */
export async function lockRedaction(tx: Transaction<Database>, id: string) {
  const row = await tx
    .selectFrom('redaction')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (row === undefined) throw notFound();
  return row;
}

/** Changes the title or the decisions; the redaction goes back to draft and needs a new render. */
export async function updateRedaction(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<void> {
  const p = parse(UpdateRedactionInput, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const row = await lockRedaction(tx, id);
    if (row.status === 'approved') throw locked();
    if (row.version !== p.version) throw changed();
    const spec = p.spec === undefined ? null : normalizeSpec(p.spec);
    const version = row.version + 1;
    await tx
      .updateTable('redaction')
      .set({
        ...(p.title === undefined ? {} : { title: p.title }),
        ...(spec === null ? {} : { spec: JSON.stringify(spec) }),
        version,
        status: 'draft',
        authors: row.authors.includes(actor) ? row.authors : [...row.authors, actor],
        updated_by: actor,
        updated_at: now,
        reviewed_by: null,
        reviewed_at: null,
        review_note: '',
      })
      .where('id', '=', id)
      .execute();
    const current = spec ?? (JSON.parse(row.spec) as RedactionSpec);
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'redaction.updated',
          subjectType: 'redaction',
          subjectId: id,
          payload: {
            item: row.item_id,
            version,
            spec: specHash(current),
            masks: current.masks.length,
            audio: current.audio.length,
            cut: current.cut === null ? null : { ...current.cut },
          },
        },
      ],
      now,
    );
  });
}

/** Queues the render of the current version (in the same transaction as the status change). */
export async function queueRender(
  deps: CatalogueDeps & { startJobs(): Promise<JobQueue> },
  id: string,
): Promise<number> {
  const jobs = await deps.startJobs();
  return deps.db.transaction().execute(async (tx) => {
    const row = await lockRedaction(tx, id);
    if (row.status === 'approved') throw locked();
    await tx.updateTable('redaction').set({ status: 'rendering' }).where('id', '=', id).execute();
    await jobs.send(
      'media.redact',
      { redactionId: id, itemId: row.item_id, version: row.version },
      { transaction: tx },
    );
    return row.version;
  });
}

/**
 * A reviewer's decision on the render they watched: approve it, or send it back with a note.
 * Never by anyone who changed the redaction (the database refuses that too). Approving a
 * render in which the face check still found faces needs a note saying why that is safe.
 */
export async function reviewRedaction(
  deps: CatalogueDeps,
  actor: string,
  id: string,
  input: unknown,
): Promise<void> {
  const p = parse(ReviewRedactionInput, input);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const row = await lockRedaction(tx, id);
    if (row.version !== p.version) throw changed();
    if (row.authors.includes(actor))
      throw new CustodyError(
        'REDACTION.OWN_WORK',
        'You changed this redaction, so another reviewer must review it.',
        { hint: 'Two people: ask a reviewer who did not work on it.' },
      );
    if (row.status !== 'rendered' || row.render_version !== row.version)
      throw new CustodyError(
        'REDACTION.NOT_RENDERED',
        'Only a rendered redaction can be reviewed, once its render is of the current version.',
        { hint: 'Render it first, then watch the result.' },
      );
    const flagged = flaggedCount(row.face_check);
    if (p.decision === 'approve' && flagged > 0 && (p.note ?? '') === '')
      throw new CustodyError(
        'REQUEST.INVALID',
        `The face check still found faces in ${String(flagged)} sampled frame(s).`,
        { hint: 'Send it back, or approve with a note saying why those frames are safe.' },
      );
    await tx
      .updateTable('redaction')
      .set({
        status: p.decision === 'approve' ? 'approved' : 'returned',
        reviewed_by: actor,
        reviewed_at: now,
        review_note: p.note ?? '',
      })
      .where('id', '=', id)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'redaction.reviewed',
          subjectType: 'redaction',
          subjectId: id,
          payload: {
            item: row.item_id,
            decision: p.decision,
            version: row.version,
            sha256: row.render_sha256,
            faces_flagged: flagged,
            note: p.note ?? '',
          },
        },
      ],
      now,
    );
  });
}

/** How many sampled frames of the render the face check flagged (0 before a check). */
export function flaggedCount(faceCheck: string | null): number {
  if (faceCheck === null) return 0;
  const parsed = JSON.parse(faceCheck) as { flagged?: unknown };
  return Array.isArray(parsed.flagged) ? parsed.flagged.length : 0;
}
