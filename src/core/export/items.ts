import type { ExportItemRow, ExportSighting } from '../../db/export-query.ts';
import { safeFileName } from '../../domain/bagit.ts';
import type { CustodyEvent } from '../../domain/custody-event.ts';
import { asSha256 } from '../../domain/hash.ts';
import { CustodyError } from '../errors.ts';
import type { BlobStore } from '../ports.ts';
import type { ProgressTracker } from '../progress.ts';
import type { BagWriter, WrittenFile } from './bag-writer.ts';

/** An item as items.json describes it (docs/export-package.md). */
export interface DescribedItem {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly kind: string;
  readonly file: string;
  readonly ingestedAt: string;
  readonly probeStatus: string;
  readonly probeFile: string | null;
  readonly media: Record<string, unknown> | null;
  readonly problems: readonly { code: string; message: string }[];
  readonly sightings: readonly {
    id: string;
    acquisition: string;
    path: string;
    pathBytes: string;
    size: number | null;
    mtimeNs: string | null;
  }[];
  readonly events: readonly number[];
}

/** A readable, unique payload name: hash prefix, then the name it was first seen under. */
export function originalName(item: ExportItemRow, firstPath: string | undefined): string {
  const base = firstPath === undefined ? 'file' : firstPath.slice(firstPath.lastIndexOf('/') + 1);
  return `originals/${item.sha256.slice(0, 12)}-${safeFileName(base)}`;
}

/**
 * Copies each original from the store into the bag, hashing on the way: a blob that no
 * longer matches its hash stops the export (a package must never carry a damaged original).
 */
export async function copyOriginals(
  blobs: BlobStore,
  bag: BagWriter,
  items: readonly ExportItemRow[],
  sightings: readonly ExportSighting[],
  progress: ProgressTracker,
  signal: AbortSignal | undefined,
): Promise<WrittenFile[]> {
  const firstPath = new Map<string, string>();
  for (const s of sightings) if (!firstPath.has(s.itemId)) firstPath.set(s.itemId, s.path);
  const written: WrittenFile[] = [];
  // One at a time: two cold reads at once make a disk seek, not go faster (bench/export.ts).
  for (const item of items) {
    if (signal?.aborted === true)
      throw new CustodyError(
        'EXPORT.INTERRUPTED',
        'The export was interrupted; nothing was written.',
        {
          hint: 'Run the same command again.',
        },
      );
    const sha256 = asSha256(item.sha256);
    const file = await bag.copyPayload(
      originalName(item, firstPath.get(item.id)),
      blobs.localPath(sha256),
    );
    if (file.sha256 !== item.sha256 || file.size !== item.size)
      throw new CustodyError(
        'BLOB.HASH_MISMATCH',
        `The stored original of item ${item.id} no longer matches its hash; nothing was exported.`,
        { hint: 'Run "custody verify" and restore the original from a backup before exporting.' },
      );
    written.push(file);
    progress.filesDone += 1;
    progress.bytesDone += file.size;
  }
  return written;
}

/** items.json: each item with its payload file, probe file, sightings and event numbers. */
export function describeItems(
  items: readonly ExportItemRow[],
  sightings: readonly ExportSighting[],
  events: readonly CustodyEvent[],
  originals: readonly WrittenFile[],
): DescribedItem[] {
  const fileOf = new Map(originals.map((f) => [f.sha256, f.path]));
  const sightingsOf = groupBy(sightings, (s) => s.itemId);
  const itemOfSighting = new Map(sightings.map((s) => [s.id, s.itemId]));
  const eventsOf = groupBy(
    events.filter((e) => e.subjectType === 'item' || e.subjectType === 'sighting'),
    (e) => (e.subjectType === 'item' ? e.subjectId : (itemOfSighting.get(e.subjectId) ?? '')),
  );
  return items.map((item) => ({
    id: item.id,
    sha256: item.sha256,
    size: item.size,
    kind: item.kind,
    file: fileOf.get(item.sha256) ?? '',
    ingestedAt: item.ingested_at.toISOString(),
    probeStatus: item.probe_status,
    probeFile: item.probe_text === null ? null : `data/metadata/probe/${item.id}.json`,
    media: item.media,
    problems: item.problems,
    sightings: (sightingsOf.get(item.id) ?? []).map((s) => ({
      id: s.id,
      acquisition: s.acquisitionId,
      path: s.path,
      pathBytes: s.pathBytes.toString('base64'),
      size: s.size,
      mtimeNs: s.mtimeNs,
    })),
    events: (eventsOf.get(item.id) ?? []).map((e) => e.seq),
  }));
}

function groupBy<T>(values: readonly T[], key: (v: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const v of values) {
    const k = key(v);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [v]);
    else list.push(v);
  }
  return groups;
}
