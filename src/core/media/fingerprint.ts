import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import {
  loadFrameHashes,
  replaceFrameHashes,
  replacePairsAndRecluster,
  searchIndex,
  settledPartners,
  type PairRow,
} from '../../db/fingerprint-store.ts';
import type { Database } from '../../db/schema.ts';
import type { Json } from '../../domain/canonical-json.ts';
import {
  matchTracks,
  offsetHypotheses,
  swapSides,
  type TrackFrame,
} from '../../domain/frame-match.ts';
import { asSha256 } from '../../domain/hash.ts';
import { summarizeProbe, type MediaSummary } from '../../domain/media-summary.ts';
import { FRAME_SIDE, SAMPLING, toSigned, WindowHasher } from '../../domain/phash.ts';
import { CustodyError } from '../errors.ts';
import type { AnalysisContext, AnalysisDeps } from './analysis.ts';

async function videoItem(
  db: Kysely<Database>,
  itemId: string,
): Promise<{ id: string; sha256: string; summary: MediaSummary }> {
  const item = await db
    .selectFrom('item')
    .select(['id', 'sha256', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'It may have been a typo.' });
  if (item.probe_status !== 'ok' || item.probe_text === null || item.kind !== 'video')
    throw new CustodyError('MEDIA.ANALYSIS_FAILED', 'This item is not a readable video.', {
      hint: 'Only videos that ffprobe could read get a fingerprint.',
    });
  const summary = summarizeProbe(JSON.parse(item.probe_text) as Record<string, unknown>);
  return { id: item.id, sha256: item.sha256, summary };
}

/** SHA-256 of the hash list as "t h" lines (t to the millisecond, h as stored): a checksum. */
export function hashListDigest(frames: readonly TrackFrame[]): string {
  const hash = createHash('sha256');
  for (const f of frames) hash.update(`${f.t.toFixed(3)} ${toSigned(f.h).toString()}\n`);
  return hash.digest('hex');
}

const ms = (s: number): number => Math.round(s * 1000) / 1000 + 0; // + 0: no "-0"

/**
 * Fingerprints one video and finds its copies and cuts among the videos fingerprinted before.
 *
 * 1. Decode (SAMPLING.decodeRate gray frames a second, FRAME_SIDE² pixels: the cheapest decode
 *    that the hash needs) and hash half-second windows, leaving low-information ones out.
 * 2. Publish the hashes (frame_hash, committed on their own), then search the band index for
 *    frames of other items near them. Storing before searching is what makes two jobs running
 *    at once find each other: whichever searches second sees the other's hashes.
 * 3. Check each credible offset over both fingerprints, then in one transaction: this item's
 *    pairs (replacing its old ones with the items its search was bound to see: see
 *    settledPartners), the fingerprint row, the clusters they touch, and the custody event.
 *    Pairs are computed with the smaller item id as `a`, so either item's job writes the same
 *    row: re-running is idempotent.
 */
export async function fingerprintItem(
  deps: AnalysisDeps,
  itemId: string,
  job: AnalysisContext,
): Promise<void> {
  const item = await videoItem(deps.db, itemId);
  const input = deps.blobs.localPath(asSha256(item.sha256));
  const duration = item.summary.durationSeconds;
  const hasher = new WindowHasher();
  const frames: TrackFrame[] = [];
  let windows = 0;
  const keep = (w: ReturnType<WindowHasher['push']>): void => {
    if (w === null) return;
    windows += 1;
    if (w.informative) frames.push({ t: w.t, h: w.hash });
  };
  job.progress(0, 'decoding');
  for await (const frame of deps.frames.frames(input, {
    rate: SAMPLING.decodeRate,
    width: FRAME_SIDE,
    height: FRAME_SIDE,
    pixelFormat: 'gray',
    container: item.summary.container,
    mediaSeconds: duration,
    signal: job.signal,
  })) {
    // Also checked here: a signal aborted before the decode started never fires its event.
    job.signal.throwIfAborted();
    keep(hasher.push(frame.data));
    if (duration !== null && duration > 0 && frame.t !== null)
      job.progress(Math.min(0.9, (0.9 * frame.t) / duration), 'decoding');
  }
  keep(hasher.flush());
  job.signal.throwIfAborted();

  await deps.db.transaction().execute((tx) => replaceFrameHashes(tx, item.id, frames));
  job.progress(0.9, 'searching');
  const replaceable = await settledPartners(deps.db, item.id);
  const candidates = await searchIndex(deps.db, item.id, frames, job.signal);
  const own = { rate: SAMPLING.rate, frames };
  const pairs: PairRow[] = [];
  for (const [other, found] of [...candidates.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    job.signal.throwIfAborted();
    // A few stray candidates vote for no offset: not worth loading the other fingerprint.
    if (offsetHypotheses(found, SAMPLING.rate).length === 0) continue;
    const theirs = { rate: SAMPLING.rate, frames: await loadFrameHashes(deps.db, other) };
    // Always from the smaller id's side, whichever item's job this is.
    const match =
      item.id < other
        ? matchTracks(own, theirs, found)
        : matchTracks(theirs, own, swapSides(found));
    if (match === null) continue;
    pairs.push(item.id < other ? { a: item.id, b: other, match } : { a: other, b: item.id, match });
  }
  job.progress(0.95, 'clustering');

  const matches: Json[] = pairs.map(({ a, b, match: m }) => {
    const mine = a === item.id;
    return {
      item: mine ? b : a,
      offsetSeconds: ms(mine ? m.offsetSeconds : -m.offsetSeconds),
      range: mine ? [ms(m.aStart), ms(m.aEnd)] : [ms(m.bStart), ms(m.bEnd)],
      otherRange: mine ? [ms(m.bStart), ms(m.bEnd)] : [ms(m.aStart), ms(m.aEnd)],
      matched: m.matched,
      score: ms(m.score),
    };
  });
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    // First: it takes the lock that orders the jobs' rewrites of pairs and clusters.
    const cluster = await replacePairsAndRecluster(tx, item.id, pairs, replaceable);
    await tx
      .insertInto('fingerprint')
      .values({
        item_id: item.id,
        rate: SAMPLING.rate,
        frames: windows,
        kept: frames.length,
        computed_at: now,
      })
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet({
          rate: SAMPLING.rate,
          frames: windows,
          kept: frames.length,
          computed_at: now,
        }),
      )
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: 'custody',
          action: 'fingerprint.computed',
          subjectType: 'item',
          subjectId: item.id,
          payload: {
            from: item.sha256,
            rate: SAMPLING.rate,
            frames: windows,
            kept: frames.length,
            sha256: hashListDigest(frames),
            cluster,
            matches,
          },
        },
      ],
      now,
    );
  });
  job.progress(1);
}
