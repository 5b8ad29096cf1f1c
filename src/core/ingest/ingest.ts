import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { finishedPaths } from '../../db/ingest-store.ts';
import { displayPath } from '../../domain/path-display.ts';
import { CustodyError, isCustodyError } from '../errors.ts';
import { pendingProbes, type ProbeDeps } from '../probe.ts';
import { closeAcquisition, openAcquisition, type AcquisitionDetails } from './acquisition.ts';
import type { EntryOutcome } from './outcome.ts';
import { ProbeQueue } from './probe-queue.ts';
import { ProgressTracker, type Progress } from '../progress.ts';
import { readSourceIntoStore } from './read-source.ts';
import { recordBatch } from './record.ts';
import { checkBagFirst, confirmAgainstManifest, type CheckedBag } from './bag-source.ts';
import { walkTree, type WalkEntry } from './walk.ts';

export type IngestDeps = ProbeDeps;

export interface IngestOptions {
  readonly source: string;
  readonly acquisition: AcquisitionDetails;
  /** The archive's own folder: a source that contains it would ingest the archive into itself. */
  readonly archiveDir?: string;
  /** Files read at once. Small files gain from a few; one large file is disk-bound anyway. */
  readonly concurrency?: number;
  readonly probeConcurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
}

export interface IngestSummary {
  readonly acquisitionId: string;
  readonly acquisition: string;
  readonly resumed: boolean;
  readonly interrupted: boolean;
  readonly filesSeen: number;
  readonly newItems: number;
  readonly duplicateFiles: number;
  readonly alreadyDone: number;
  readonly symlinks: number;
  readonly bytesCopied: number;
  readonly skipped: readonly { path: string; code: string; message: string }[];
  readonly problems: readonly { itemId: string; code: string; message: string }[];
  readonly seconds: number;
}

const BATCH_FILES = 200;
const BATCH_MS = 1000;
const LOOKUP_CHUNK = 256;

/**
 * Takes in a drive: walks it, reads every regular file once into the blob store, records
 * items, sightings, links and skips with their custody events, probes the media, and ends
 * with a summary. Interrupted at any point, it leaves the archive consistent; run again with
 * the same source and acquisition, it skips what is done and finishes the rest.
 */
export async function ingest(deps: IngestDeps, opts: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const given = await checkSource(opts.source, opts.archiveDir);
  const progress = new ProgressTracker(() => Date.now());
  const report = (): void => opts.onProgress?.(progress.snapshot());
  const signal = opts.signal ?? new AbortController().signal;
  let ticker = setInterval(report, opts.progressIntervalMs ?? 1000);
  let bag: CheckedBag | null;
  try {
    bag = await checkBagFirst(given, progress, signal);
  } finally {
    clearInterval(ticker);
  }
  const source = bag?.payload ?? given;
  const { row: acquisition, resumed } = await openAcquisition(
    deps,
    { ...opts.acquisition, bag: bag?.record },
    source,
  );
  await deps.blobs.sweepTemporaries();
  ticker = setInterval(report, opts.progressIntervalMs ?? 1000);

  const probes = new ProbeQueue(deps, opts.probeConcurrency ?? 2, () => (progress.probesDone += 1));
  const tally = {
    filesSeen: 0,
    newItems: 0,
    duplicateFiles: 0,
    alreadyDone: 0,
    symlinks: 0,
    bytesCopied: 0,
  };
  const skipped: { path: string; code: string; message: string }[] = [];
  try {
    report();
    await scanTotals(source, progress, signal);
    progress.phase = 'copying';
    report();

    const pending: EntryOutcome[] = [];
    let lastFlush = Date.now();
    let recording: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      const batch = pending.splice(0);
      lastFlush = Date.now();
      recording = recording.then(async () => {
        const result = await recordBatch(deps, acquisition.id, batch);
        tally.newItems += result.newItems.length;
        tally.duplicateFiles += result.duplicateFiles;
        for (const item of result.newItems) {
          if (!item.media) continue;
          progress.probesQueued += 1;
          probes.add(item);
        }
      });
      return recording;
    };

    const todo = entriesToDo(deps, acquisition.id, source, progress, tally, signal);
    const worker = async (): Promise<void> => {
      const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
      for await (const entry of todo) {
        const outcome = await processEntry(entry, deps, buffers, signal);
        if (outcome === null) break; // interrupted mid-file: not recorded, a re-run redoes it
        countOutcome(outcome, tally, skipped, progress);
        pending.push(outcome);
        if (pending.length >= BATCH_FILES || Date.now() - lastFlush > BATCH_MS) await flush();
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
    await flush();

    progress.phase = 'probing';
    await probes.drain();
    if (!signal.aborted) await probeLeftovers(deps, probes, progress, signal);
    const interrupted = signal.aborted;
    if (!interrupted)
      await closeAcquisition(deps, acquisition.id, { ...tally, skipped: skipped.length });
    progress.phase = 'done';
    report();
    return {
      acquisitionId: acquisition.id,
      acquisition: acquisition.name,
      resumed,
      interrupted,
      ...tally,
      skipped,
      problems: [
        ...(await problemsOf(deps, acquisition.id)),
        ...(bag === null ? [] : await confirmAgainstManifest(deps.db, given, acquisition.id)),
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    clearInterval(ticker);
  }
}

async function checkSource(source: string, archiveDir: string | undefined): Promise<string> {
  const resolved = path.resolve(source);
  if (
    archiveDir !== undefined &&
    (archiveDir + path.sep).startsWith(resolved.replace(/\/?$/, path.sep))
  ) {
    throw new CustodyError(
      'INGEST.SOURCE_CONTAINS_ARCHIVE',
      `${resolved} contains the archive itself (${archiveDir}).`,
      {
        hint: 'Ingest the drive or folder that holds the evidence, not a folder above the archive.',
      },
    );
  }
  let stat;
  try {
    stat = await fs.stat(resolved);
  } catch {
    throw new CustodyError('INGEST.SOURCE_NOT_FOUND', `Nothing to ingest at ${resolved}.`, {
      hint: 'Check that the drive is mounted and the path is right.',
    });
  }
  if (!stat.isDirectory()) {
    throw new CustodyError('INGEST.SOURCE_NOT_DIRECTORY', `${resolved} is not a folder.`, {
      hint: 'Give the folder that holds the files (the mount point of the drive).',
    });
  }
  return resolved;
}

/** A metadata-only pass, so progress can show totals and an ETA. */
async function scanTotals(
  source: string,
  progress: ProgressTracker,
  signal: AbortSignal,
): Promise<void> {
  let files = 0;
  let bytes = 0;
  for await (const entry of walkTree(source)) {
    if (signal.aborted) return;
    if (entry.type !== 'file') continue;
    files += 1;
    bytes += await fs.lstat(entry.abs).then(
      (s) => s.size,
      () => 0,
    );
  }
  progress.filesTotal = files;
  progress.bytesTotal = bytes;
}

/** The walk, less what an earlier run already recorded (looked up a chunk at a time). */
async function* entriesToDo(
  deps: IngestDeps,
  acquisitionId: string,
  source: string,
  progress: ProgressTracker,
  tally: { alreadyDone: number },
  signal: AbortSignal,
): AsyncGenerator<WalkEntry> {
  let chunk: WalkEntry[] = [];
  const release = async function* (): AsyncGenerator<WalkEntry> {
    const done = await finishedPaths(
      deps.db,
      acquisitionId,
      chunk.map((e) => e.rel),
    );
    for (const entry of chunk) {
      if (!done.has(entry.rel.toString('hex'))) {
        yield entry;
        continue;
      }
      tally.alreadyDone += 1;
      if (entry.type === 'file') {
        progress.filesDone += 1;
        progress.bytesDone += await fs.lstat(entry.abs).then(
          (s) => s.size,
          () => 0,
        );
      }
    }
    chunk = [];
  };
  for await (const entry of walkTree(source)) {
    if (signal.aborted) return;
    chunk.push(entry);
    if (chunk.length >= LOOKUP_CHUNK) yield* release();
  }
  if (!signal.aborted) yield* release();
}

async function processEntry(
  entry: WalkEntry,
  deps: IngestDeps,
  buffers: [Buffer, Buffer],
  signal: AbortSignal,
): Promise<EntryOutcome | null> {
  const lstat = async () => fs.lstat(entry.abs, { bigint: true }).catch(() => null);
  switch (entry.type) {
    case 'symlink':
      return {
        type: 'symlink',
        rel: entry.rel,
        stat: await lstat(),
        target: await fs.readlink(entry.abs, { encoding: 'buffer' }),
      };
    case 'special':
      return {
        type: 'skipped',
        rel: entry.rel,
        stat: await lstat(),
        code: 'INGEST.SPECIAL_FILE',
        message: 'A device, socket or pipe, not a file; nothing to copy.',
      };
    case 'unreadable-dir':
      return {
        type: 'skipped',
        rel: entry.rel,
        stat: null,
        code: 'INGEST.SOURCE_UNREADABLE',
        message: `The folder could not be read (${entry.error.code ?? 'error'}).`,
      };
    case 'file':
      try {
        const file = await readSourceIntoStore(entry.abs, deps.blobs, buffers, signal);
        return { type: 'file', rel: entry.rel, stat: file.stat, blob: file.blob, head: file.head };
      } catch (e) {
        if (!isCustodyError(e) || !e.code.startsWith('INGEST.')) throw e;
        if (e.code === 'INGEST.INTERRUPTED') return null;
        return {
          type: 'skipped',
          rel: entry.rel,
          stat: await lstat(),
          code: e.code,
          message: e.message,
        };
      }
  }
}

function countOutcome(
  o: EntryOutcome,
  tally: { filesSeen: number; symlinks: number; bytesCopied: number },
  skipped: { path: string; code: string; message: string }[],
  progress: ProgressTracker,
): void {
  if (o.type === 'symlink') {
    tally.symlinks += 1;
    return;
  }
  if (o.type === 'skipped')
    skipped.push({ path: displayPath(o.rel), code: o.code, message: o.message });
  if (o.type === 'file' || o.stat?.isFile() === true) {
    tally.filesSeen += 1;
    progress.filesDone += 1;
    const size = o.type === 'file' ? o.blob.size : Number(o.stat?.size ?? 0);
    progress.bytesDone += size;
    if (o.type === 'file') tally.bytesCopied += size;
  }
}

/** Items left pending by an interrupted earlier run. */
async function probeLeftovers(
  deps: IngestDeps,
  probes: ProbeQueue,
  progress: ProgressTracker,
  signal: AbortSignal,
): Promise<void> {
  for await (const item of pendingProbes(deps.db)) {
    if (signal.aborted) break;
    progress.probesQueued += 1;
    probes.add(item);
    if (progress.probesQueued - progress.probesDone >= 50) await probes.drain();
  }
  await probes.drain();
}

async function problemsOf(
  deps: IngestDeps,
  acquisitionId: string,
): Promise<{ itemId: string; code: string; message: string }[]> {
  const rows = await deps.db
    .selectFrom('item')
    .select(['item.id', 'item.problems'])
    .where(sql<boolean>`item.problems <> '[]'::jsonb`)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sighting')
          .select('sighting.id')
          .whereRef('sighting.item_id', '=', 'item.id')
          .where('sighting.acquisition_id', '=', acquisitionId),
      ),
    )
    .limit(1000)
    .execute();
  return rows.flatMap((r) =>
    r.problems.map((p) => ({ itemId: r.id, code: p.code, message: p.message })),
  );
}
