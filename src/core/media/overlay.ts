import { sql, type Kysely, type Transaction } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database } from '../../db/schema.ts';
import { displayedSize } from '../../domain/displayed-size.ts';
import { asSha256 } from '../../domain/hash.ts';
import { summarizeProbe } from '../../domain/media-summary.ts';
import { parseWall } from '../../domain/overlay.ts';
import { CustodyError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { AnalysisContext, AnalysisDeps } from './analysis.ts';
import { readOverlayFromVideo, type OverlayMedia } from './overlay-reader.ts';

/** The overlay reading of an item as stored, `start` as 'YYYY-MM-DD HH:MM:SS'. */
export interface StoredOverlay {
  readonly start: string | null;
  readonly device: string | null;
  readonly confidence: number;
  readonly source: 'ocr' | 'manual';
}

/**
 * Reads the camera overlay of a video item from its stored original and records it with a
 * custody event in one transaction. Re-running replaces the machine reading; where an
 * investigator corrected the start or device, their values stay and only the machine reading
 * (ocr, frames, region) is refreshed. A video with no overlay found still gets a row (start
 * and device null, confidence 0), so it is known to have been read.
 */
export async function readOverlay(
  deps: AnalysisDeps,
  itemId: string,
  job: AnalysisContext,
): Promise<void> {
  const item = await videoItem(deps.db, itemId);
  const input = deps.blobs.localPath(asSha256(item.sha256));
  const result = await readOverlayFromVideo(deps, input, item.media, job);
  job.signal.throwIfAborted();
  const ocr = { start: result.start, device: result.device, confidence: result.confidence };
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const before = await stored(tx, item.id, true);
    const manual = before?.source === 'manual';
    const kept = manual ? before : { ...ocr, source: 'ocr' as const };
    const machine = {
      region: result.region === null ? null : JSON.stringify(result.region),
      frames: JSON.stringify(result.frames),
      ocr: JSON.stringify(ocr),
      read_at: now,
    };
    await tx
      .insertInto('overlay_reading')
      .values({
        item_id: item.id,
        start: kept.start,
        device: kept.device,
        confidence: kept.confidence,
        source: kept.source,
        ...machine,
      })
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet({
          start: kept.start,
          device: kept.device,
          confidence: kept.confidence,
          source: kept.source,
          ...machine,
        }),
      )
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: 'custody',
          action: 'overlay.read',
          subjectType: 'item',
          subjectId: item.id,
          payload: {
            from: item.sha256,
            start: result.start,
            device: result.device,
            confidence: result.confidence,
            ambiguous: result.ambiguous,
            frames: result.frames.map((f) => f.t),
            region: result.region === null ? null : { ...result.region },
            correctionKept: manual,
            tool: 'tesseract',
          },
        },
      ],
      now,
    );
  });
  job.progress(1, 'read');
}

/**
 * An investigator's reading of the overlay: it replaces start and device (source 'manual',
 * confidence 1) and keeps the machine reading beside it. The old and new values go into the
 * `overlay.corrected` event, written in the same transaction.
 * @param start 'YYYY-MM-DD HH:MM:SS' (or with 'T'), a real date-time, or null
 * @param device at most 100 characters once trimmed, or null (an empty string is null)
 * @throws CustodyError REQUEST.INVALID, ITEM.NOT_FOUND
 */
export async function correctOverlay(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  itemId: string,
  values: { readonly start: string | null; readonly device: string | null },
  actor: string,
): Promise<StoredOverlay> {
  const start = validStart(values.start);
  const device = validDevice(values.device);
  const item = await deps.db
    .selectFrom('item')
    .select('id')
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined) throw notFound();
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const before = await stored(tx, item.id, true);
    const fields = {
      start,
      device,
      confidence: 1,
      source: 'manual' as const,
      corrected_by: actor,
      corrected_at: now,
    };
    await tx
      .insertInto('overlay_reading')
      .values({
        item_id: item.id,
        ...fields,
        region: null,
        frames: '[]',
        ocr: JSON.stringify({ start: null, device: null, confidence: 0 }),
        read_at: now,
      })
      .onConflict((oc) => oc.column('item_id').doUpdateSet(fields))
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor,
          action: 'overlay.corrected',
          subjectType: 'item',
          subjectId: item.id,
          payload: {
            old: { start: before?.start ?? null, device: before?.device ?? null },
            new: { start, device },
          },
        },
      ],
      now,
    );
    return { start, device, confidence: 1, source: 'manual' };
  });
}

/** The stored reading of an item, or null when it was never read nor corrected. */
export async function overlayReading(
  db: Kysely<Database>,
  itemId: string,
): Promise<StoredOverlay | null> {
  return stored(db, itemId, false);
}

async function stored(
  db: Kysely<Database> | Transaction<Database>,
  itemId: string,
  lock: boolean,
): Promise<StoredOverlay | null> {
  let query = db
    .selectFrom('overlay_reading')
    .select(['device', 'confidence', 'source'])
    // timestamp columns come back as Date objects from some drivers: read the text form.
    .select(sql<string | null>`to_char(start, 'YYYY-MM-DD HH24:MI:SS')`.as('start'))
    .where('item_id', '=', itemId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined
    ? null
    : { start: row.start, device: row.device, confidence: row.confidence, source: row.source };
}

/** The item, if it is a video ffprobe could read, with what the reader needs of its probe. */
async function videoItem(
  db: Kysely<Database>,
  itemId: string,
): Promise<{ id: string; sha256: string; media: OverlayMedia }> {
  const item = await db
    .selectFrom('item')
    .select(['id', 'sha256', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined) throw notFound();
  if (item.probe_status !== 'ok' || item.probe_text === null || item.kind !== 'video')
    throw new CustodyError('MEDIA.ANALYSIS_FAILED', 'This item is not a readable video.', {
      hint: 'Only videos that ffprobe could read have a camera overlay to read.',
    });
  const raw = JSON.parse(item.probe_text) as Record<string, unknown>;
  const summary = summarizeProbe(raw);
  const size =
    displayedSize(raw) ??
    (summary.width !== null && summary.height !== null
      ? { width: summary.width, height: summary.height }
      : null);
  if (size === null)
    throw new CustodyError('MEDIA.ANALYSIS_FAILED', 'The video has no picture size.', {
      hint: 'ffprobe found no usable video stream; the original is untouched.',
    });
  return {
    id: item.id,
    sha256: item.sha256,
    media: {
      width: Math.round(size.width),
      height: Math.round(size.height),
      durationSeconds: summary.durationSeconds,
      frameRate: summary.frameRate,
      container: summary.container,
    },
  };
}

function validStart(start: string | null): string | null {
  if (start === null) return null;
  const text = start.trim().replace('T', ' ');
  if (parseWall(text) === null)
    throw new CustodyError('REQUEST.INVALID', 'The start must be a real date and time.', {
      hint: "Write it as on the camera's clock: YYYY-MM-DD HH:MM:SS, e.g. 2020-02-18 14:22:05.",
    });
  return text;
}

function validDevice(device: string | null): string | null {
  if (device === null) return null;
  const text = device.trim();
  if (text === '') return null;
  // eslint-disable-next-line no-control-regex
  if (text.length > 100 || /[\u0000-\u001f\u007f]/.test(text))
    throw new CustodyError(
      'REQUEST.INVALID',
      'The device id is too long or has control characters.',
      {
        hint: 'Write the device id as the overlay shows it, at most 100 characters.',
      },
    );
  return text;
}

function notFound(): CustodyError {
  return new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'It may have been a typo.' });
}
