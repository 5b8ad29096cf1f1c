import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { Database, DerivativeKind } from '../../db/schema.ts';
import { asSha256 } from '../../domain/hash.ts';
import { summarizeProbe, type MediaSummary } from '../../domain/media-summary.ts';
import { CustodyError } from '../errors.ts';
import type { BlobStore, Clock, MediaDeriver } from '../ports.ts';

export interface DerivativeDeps {
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly deriver: MediaDeriver;
  /** Where derivatives live: never inside the blob store, which holds evidence only. */
  readonly derivativesDir: string;
}

const FILE: Record<DerivativeKind, string> = {
  proxy: 'proxy.mp4',
  poster: 'poster.jpg',
  'contact-sheet': 'contact-sheet.jpg',
};

/** Where a derivative of an item lives (by the item's hash, so identical items share it). */
export function derivativePath(dir: string, sha256: string, kind: DerivativeKind): string {
  return path.join(dir, sha256.slice(0, 2), sha256, FILE[kind]);
}

async function videoItem(db: Kysely<Database>, itemId: string) {
  const item = await db
    .selectFrom('item')
    .select(['id', 'sha256', 'kind', 'probe_status', 'probe_text'])
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (item === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'It may have been a typo.' });
  if (item.probe_status !== 'ok' || item.probe_text === null || item.kind !== 'video')
    throw new CustodyError('MEDIA.TRANSCODE_FAILED', 'This item is not a readable video.', {
      hint: 'Only videos that ffprobe could read get a proxy and thumbnails.',
    });
  const summary: MediaSummary = summarizeProbe(
    JSON.parse(item.probe_text) as Record<string, unknown>,
  );
  return { ...item, summary };
}

/**
 * Makes one kind of derivative of a video item from its stored original (never the source),
 * and records it with its hash and a custody event in one transaction. Re-running replaces
 * the file and the record: jobs are idempotent.
 */
export async function makeDerivative(
  deps: DerivativeDeps,
  itemId: string,
  kind: DerivativeKind,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const item = await videoItem(deps.db, itemId);
  const input = deps.blobs.localPath(asSha256(item.sha256));
  const target = derivativePath(deps.derivativesDir, item.sha256, kind);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const duration = item.summary.durationSeconds;
  if (kind === 'proxy')
    await deps.deriver.proxy(input, target, item.summary, (p) => {
      if (duration !== null && duration > 0) onProgress?.(Math.min(1, p.outTimeSeconds / duration));
    });
  else if (kind === 'poster') await deps.deriver.poster(input, target, item.summary);
  else await deps.deriver.contactSheet(input, target, item.summary);
  const bytes = await fs.readFile(target);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('derivative')
      .values({ item_id: item.id, kind, sha256, size: bytes.length, created_at: now })
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'kind'])
          .doUpdateSet({ sha256, size: bytes.length, created_at: now }),
      )
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: 'custody',
          action: 'derivative.created',
          subjectType: 'item',
          subjectId: item.id,
          payload: { kind, from: item.sha256, sha256, size: bytes.length, tool: 'ffmpeg' },
        },
      ],
      now,
    );
  });
}
