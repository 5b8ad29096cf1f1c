import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendCustodyEvents, sha256Hex } from '../../db/custody-log.ts';
import { itemIdsByHash, upsertSightings } from '../../db/ingest-store.ts';
import type { Database, NewSighting } from '../../db/schema.ts';
import type { NewCustodyEvent } from '../../domain/custody-event.ts';
import type { Sha256 } from '../../domain/hash.ts';
import { uuidFromDigest } from '../../domain/ids.ts';
import { guessKind, looksLikeMedia, type ItemKind } from '../../domain/media-kind.ts';
import { displayPath } from '../../domain/path-display.ts';
import type { Clock } from '../ports.ts';
import type { EntryOutcome } from './outcome.ts';

export interface RecordDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly actor: string;
}

export interface BatchResult {
  readonly newItems: readonly { id: string; sha256: Sha256; kind: ItemKind; media: boolean }[];
  readonly duplicateFiles: number;
}

/** The same path in the same acquisition always gets the same sighting id. */
export function sightingId(acquisitionId: string, rel: Buffer): string {
  return uuidFromDigest(sha256Hex(acquisitionId + '\u0000' + rel.toString('hex')));
}

/**
 * Writes a batch of outcomes: new items, sightings, and one custody event for each, in a
 * single transaction. A crash before commit leaves nothing of the batch visible (its blobs may
 * already be stored; a re-run finds them in place and records them).
 */
export async function recordBatch(
  deps: RecordDeps,
  acquisitionId: string,
  outcomes: readonly EntryOutcome[],
): Promise<BatchResult> {
  if (outcomes.length === 0) return { newItems: [], duplicateFiles: 0 };
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const files = outcomes.filter((o) => o.type === 'file');
    const known = await itemIdsByHash(tx, [...new Set(files.map((f) => f.blob.sha256))]);
    const newItems: { id: string; sha256: Sha256; kind: ItemKind; media: boolean; size: number }[] =
      [];
    const sightings: NewSighting[] = [];
    const events: NewCustodyEvent[] = [];
    let duplicateFiles = 0;
    for (const o of outcomes) {
      const id = sightingId(acquisitionId, o.rel);
      const path = displayPath(o.rel);
      const base = sightingBase(id, acquisitionId, o, path, now);
      if (o.type === 'file') {
        let itemId = known.get(o.blob.sha256);
        if (itemId === undefined) {
          itemId = randomUUID();
          known.set(o.blob.sha256, itemId);
          const kind = guessKind(o.head, path.slice(path.lastIndexOf('/') + 1));
          const media = o.blob.size > 0 && looksLikeMedia(kind);
          newItems.push({ id: itemId, sha256: o.blob.sha256, kind, media, size: o.blob.size });
          events.push(
            event(deps.actor, 'item.ingested', 'item', itemId, {
              sha256: o.blob.sha256,
              size: o.blob.size,
              kind,
              acquisition: acquisitionId,
              path,
            }),
          );
        } else {
          duplicateFiles += 1;
        }
        sightings.push({ ...base, entry_type: 'file', item_id: itemId });
        events.push(
          event(deps.actor, 'sighting.recorded', 'sighting', id, {
            acquisition: acquisitionId,
            item: itemId,
            sha256: o.blob.sha256,
            type: 'file',
            ...entryPayload(o, path),
          }),
        );
      } else if (o.type === 'symlink') {
        const target = displayPath(o.target);
        sightings.push({
          ...base,
          entry_type: 'symlink',
          link_target: o.target,
          link_target_display: target,
        });
        events.push(
          event(deps.actor, 'sighting.recorded', 'sighting', id, {
            acquisition: acquisitionId,
            type: 'symlink',
            target,
            ...entryPayload(o, path),
          }),
        );
      } else {
        sightings.push({
          ...base,
          entry_type: 'skipped',
          skip_code: o.code,
          skip_message: o.message,
        });
        events.push(
          event(deps.actor, 'entry.skipped', 'sighting', id, {
            acquisition: acquisitionId,
            code: o.code,
            ...entryPayload(o, path),
          }),
        );
      }
    }
    if (newItems.length > 0) {
      await tx
        .insertInto('item')
        .values(
          newItems.map((n) => ({
            id: n.id,
            sha256: n.sha256,
            size: n.size,
            kind: n.kind,
            ingested_at: now,
            probe_status: n.media ? ('pending' as const) : ('not-media' as const),
            problems: JSON.stringify(
              n.size === 0
                ? [{ code: 'INGEST.EMPTY_FILE', message: 'The file is empty (0 bytes).' }]
                : [],
            ),
          })),
        )
        .execute();
    }
    await upsertSightings(tx, sightings);
    await appendCustodyEvents(tx, events, now);
    return { newItems, duplicateFiles };
  });
}

function sightingBase(
  id: string,
  acquisitionId: string,
  o: EntryOutcome,
  path: string,
  now: Date,
): NewSighting {
  return {
    id,
    acquisition_id: acquisitionId,
    path: o.rel,
    path_display: path,
    entry_type: 'skipped',
    item_id: null,
    size: o.stat === null ? null : Number(o.stat.size),
    mtime_ns: o.stat === null ? null : o.stat.mtimeNs.toString(),
    mode: o.stat === null ? null : Number(o.stat.mode),
    uid: o.stat === null ? null : Number(o.stat.uid),
    gid: o.stat === null ? null : Number(o.stat.gid),
    recorded_at: now,
  };
}

/** What the log says about an entry: the exact name bytes travel with their safe rendering. */
function entryPayload(o: EntryOutcome, path: string): Record<string, string | number | null> {
  return {
    path,
    pathBytes: o.rel.toString('base64'),
    size: o.stat === null ? null : Number(o.stat.size),
    mtimeNs: o.stat === null ? null : o.stat.mtimeNs.toString(),
    mode: o.stat === null ? null : Number(o.stat.mode),
  };
}

function event(
  actor: string,
  action: NewCustodyEvent['action'],
  subjectType: NewCustodyEvent['subjectType'],
  subjectId: string,
  payload: NewCustodyEvent['payload'],
): NewCustodyEvent {
  return { actor, action, subjectType, subjectId, payload };
}
