import { randomUUID } from 'node:crypto';
import { sightingId } from '../ingest/record.ts';
import { readSourceIntoStore } from '../ingest/read-source.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import { itemIdsByHash, upsertSightings } from '../../db/ingest-store.ts';
import type { NewCustodyEvent } from '../../domain/custody-event.ts';
import { guessKind, looksLikeMedia, type ItemKind } from '../../domain/media-kind.ts';
import { displayPath } from '../../domain/path-display.ts';
import { CustodyError } from '../errors.ts';
import { probeItem, recordProbes, type ProbeDeps } from '../probe.ts';
import { allegationNotFound, SUBMITTER } from './allegations.ts';

/**
 * A file a submitter uploaded becomes evidence exactly like an ingested one: read once from
 * the finished upload into the blob store (hashed on the way, the bytes untouched), recorded as
 * an item seen in an acquisition — one per allegation, opened with its first file — with the
 * usual `item.ingested` and `sighting.recorded` events, then probed with the same limits as any
 * hostile media. An `allegation.attachment-received` event ties it to the allegation. All the
 * records and their events commit in one transaction; the temporary upload is removed only
 * after that, so a failure leaves it in place for the next sweep to record.
 */

export type AttachmentDeps = ProbeDeps;

export interface FinishedUpload {
  /** The tus upload id. */
  readonly uploadId: string;
  readonly allegationId: string;
  /** The file name and type the submitter's browser declared. */
  readonly name: string;
  readonly declaredType: string;
  readonly size: number;
  /** The finished temporary file. */
  readonly file: string;
}

export interface RecordedAttachment {
  readonly attachmentId: string;
  readonly itemId: string;
  readonly sha256: string;
  readonly size: number;
}

/** The path the item is seen at: the upload, then the name as given (any '/' made harmless). */
function sightingPath(upload: FinishedUpload): Buffer {
  const name = upload.name.replaceAll('/', '_').replaceAll('\u0000', '_') || 'unnamed';
  return Buffer.from(`${upload.uploadId}/${name}`, 'utf8');
}

export async function recordUpload(
  deps: AttachmentDeps,
  upload: FinishedUpload,
): Promise<RecordedAttachment> {
  const done = await deps.db
    .selectFrom('allegation_attachment')
    .select(['id', 'item_id', 'sha256', 'size'])
    .where('upload_id', '=', upload.uploadId)
    .executeTakeFirst();
  if (done !== undefined)
    return { attachmentId: done.id, itemId: done.item_id, sha256: done.sha256, size: done.size };

  const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
  const file = await readSourceIntoStore(Buffer.from(upload.file), deps.blobs, buffers);
  if (file.blob.size !== upload.size)
    throw new CustodyError(
      'ALLEGATION.UPLOAD_FAILED',
      `The upload holds ${file.blob.size} bytes, not the ${upload.size} announced.`,
      { hint: 'Send the file again.' },
    );
  const sha256 = file.blob.sha256;
  const now = deps.clock.now();
  const rel = sightingPath(upload);
  const path = displayPath(rel);
  const recorded = await deps.db.transaction().execute(async (tx) => {
    const allegation = await tx
      .selectFrom('allegation')
      .select(['id', 'acquisition_id'])
      .where('id', '=', upload.allegationId)
      .forUpdate()
      .executeTakeFirst();
    if (allegation === undefined) throw allegationNotFound();
    const events: NewCustodyEvent[] = [];
    const event = (
      action: NewCustodyEvent['action'],
      subjectType: NewCustodyEvent['subjectType'],
      subjectId: string,
      payload: NewCustodyEvent['payload'],
    ): void => {
      events.push({ actor: SUBMITTER, action, subjectType, subjectId, payload });
    };

    let acquisitionId = allegation.acquisition_id;
    if (acquisitionId === null) {
      acquisitionId = randomUUID();
      const name = `Allegation ${allegation.id}`;
      await tx
        .insertInto('acquisition')
        .values({
          id: acquisitionId,
          name,
          received_from: 'public submission form (anonymous)',
          received_at: null,
          note: null,
          source_path: 'public-upload',
          opened_at: now,
          closed_at: null,
          summary: null,
        })
        .execute();
      await tx
        .updateTable('allegation')
        .set({ acquisition_id: acquisitionId })
        .where('id', '=', allegation.id)
        .execute();
      event('acquisition.opened', 'acquisition', acquisitionId, {
        name,
        receivedFrom: 'public submission form (anonymous)',
        receivedAt: null,
        note: null,
        source: 'public-upload',
        allegation: allegation.id,
      });
    }

    const known = await itemIdsByHash(tx, [sha256]);
    let itemId = known.get(sha256);
    let created: { kind: ItemKind; media: boolean } | null = null;
    if (itemId === undefined) {
      itemId = randomUUID();
      const kind = guessKind(file.head, upload.name);
      created = { kind, media: file.blob.size > 0 && looksLikeMedia(kind) };
      await tx
        .insertInto('item')
        .values({
          id: itemId,
          sha256,
          size: file.blob.size,
          kind,
          ingested_at: now,
          probe_status: created.media ? 'pending' : 'not-media',
          problems: JSON.stringify(
            file.blob.size === 0
              ? [{ code: 'INGEST.EMPTY_FILE', message: 'The file is empty (0 bytes).' }]
              : [],
          ),
        })
        .execute();
      event('item.ingested', 'item', itemId, {
        sha256,
        size: file.blob.size,
        kind,
        acquisition: acquisitionId,
        path,
      });
    }

    const sighting = sightingId(acquisitionId, rel);
    await upsertSightings(tx, [
      {
        id: sighting,
        acquisition_id: acquisitionId,
        path: rel,
        path_display: path,
        entry_type: 'file',
        item_id: itemId,
        size: file.blob.size,
        // The submitter's file times and owner never reach us; the temporary file's are ours.
        mtime_ns: null,
        mode: null,
        uid: null,
        gid: null,
        recorded_at: now,
      },
    ]);
    event('sighting.recorded', 'sighting', sighting, {
      acquisition: acquisitionId,
      item: itemId,
      sha256,
      type: 'file',
      path,
      pathBytes: rel.toString('base64'),
      size: file.blob.size,
      mtimeNs: null,
      mode: null,
    });

    const attachmentId = randomUUID();
    await tx
      .insertInto('allegation_attachment')
      .values({
        id: attachmentId,
        allegation_id: allegation.id,
        upload_id: upload.uploadId,
        item_id: itemId,
        name: upload.name,
        declared_type: upload.declaredType,
        size: file.blob.size,
        sha256,
        received_at: now,
      })
      .execute();
    event('allegation.attachment-received', 'allegation', allegation.id, {
      attachment: attachmentId,
      item: itemId,
      sha256,
      size: file.blob.size,
      name: displayPath(Buffer.from(upload.name, 'utf8')),
      declaredType: upload.declaredType,
    });
    await appendCustodyEvents(tx, events, now);
    return { attachmentId, itemId, created };
  });

  if (recorded.created?.media === true) {
    const probed = await probeItem(deps, {
      id: recorded.itemId,
      sha256,
      kind: recorded.created.kind,
    });
    await recordProbes(deps, [probed]);
  }
  return {
    attachmentId: recorded.attachmentId,
    itemId: recorded.itemId,
    sha256,
    size: file.blob.size,
  };
}
