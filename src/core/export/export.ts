import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { latestCheckpoint, timestampsFor } from '../../db/checkpoint-store.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import {
  acquisitionsByIds,
  archiveIdentityEvents,
  bytesOf,
  eventsForExport,
} from '../../db/export-query.ts';
import { CustodyError } from '../errors.ts';
import type { BlobStore } from '../ports.ts';
import { ProgressTracker, type Progress } from '../progress.ts';
import { seal, type SealDeps } from '../seal/seal.ts';
import { BagWriter } from './bag-writer.ts';
import { writeCustodyProof, writeEventFiles } from './custody-proof.ts';
import { writeItems } from './write-items.ts';
import { writeIncidents } from './incidents.ts';
import { resolveSelection, type Selection } from './select.ts';

export interface ExportDeps extends SealDeps {
  readonly blobs: BlobStore;
  readonly tsaCaFile: string | undefined;
  readonly organization: string | undefined;
}

export interface ExportOptions {
  readonly out: string;
  /** The package's id (bag-info External-Identifier); new when not given. */
  readonly exportId?: string | undefined;
  readonly selection: Selection;
  readonly description?: string | undefined;
  readonly organization?: string | undefined;
  /** Who handed the material over, the source's folder and notes: sensitive, off by default. */
  readonly includeAcquisitions?: boolean | undefined;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface ExportSummary {
  readonly exportId: string;
  readonly out: string;
  readonly items: number;
  readonly bytes: number;
  readonly events: number;
  readonly checkpoint: { readonly treeSize: number; readonly root: string };
  readonly timestamps: number;
  readonly manifestSha256: string;
  readonly seconds: number;
}

/** The verification guide and checker of this installation, copied into every bag. */
const GUIDE = path.resolve(import.meta.dirname, '../../../docs/verifying-an-export.md');
const CHECKER = path.resolve(import.meta.dirname, '../../../assets/export/verify-custody.py');

/**
 * Writes a BagIt package of the selected items that anyone can check without Custody: the
 * originals byte for byte, their descriptions and probe reports, and their custody events with
 * inclusion proofs against a freshly sealed, signed and timestamped checkpoint. It is built in
 * a staging folder and renamed into place only when complete, and the export itself is
 * recorded in the custody log.
 */
export async function exportBag(deps: ExportDeps, opts: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const organization = opts.organization ?? deps.organization;
  if (organization === undefined)
    throw new CustodyError('USAGE.INVALID', 'The package must name the organisation making it.', {
      hint: 'Pass --organization "Name", or set CUSTODY_ORGANIZATION.',
    });
  const out = path.resolve(opts.out);
  await checkTarget(out);
  const ids = await resolveSelection(deps.db, opts.selection);
  if (ids.length === 0)
    throw new CustodyError('EXPORT.NOTHING_SELECTED', 'Nothing to export: no items selected.', {
      hint: 'Check the item ids or the acquisition, or use --all.',
    });

  await seal(deps);
  const checkpoint = await latestCheckpoint(deps.db);
  if (checkpoint === null) throw new Error('sealing left no checkpoint');
  const timestamps = await timestampsFor(deps.db, checkpoint.treeSize);
  const exportId = opts.exportId ?? randomUUID();
  const now = deps.clock.now();
  const staging = `${out}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true, mode: 0o755 });
  const progress = new ProgressTracker(() => Date.now());
  progress.phase = 'exporting';
  progress.filesTotal = ids.length;
  progress.bytesTotal = await bytesOf(deps.db, ids);
  const ticker = setInterval(() => opts.onProgress?.(progress.snapshot()), 1000);
  try {
    const bag = new BagWriter(staging);
    const identity = await archiveIdentityEvents(deps.db, checkpoint.treeSize);
    await writeEventFiles(bag, identity);
    const written = await writeItems(
      deps,
      bag,
      ids,
      checkpoint.treeSize,
      {
        exportId,
        organization,
        description: opts.description ?? null,
        createdAt: now,
        archiveId: deps.id,
        items: ids.length,
        checkpoint,
        timestamps,
      },
      progress,
      opts.signal,
    );
    const acquisitionIds = opts.includeAcquisitions === true ? [...written.acquisitionIds] : [];
    const acquisitionEvents = await eventsForExport(
      deps.db,
      [{ type: 'acquisition', ids: acquisitionIds }],
      checkpoint.treeSize,
    );
    const incidentEvents = await writeIncidents(
      deps.db,
      bag,
      opts.selection.incidents ?? [],
      checkpoint.treeSize,
    );
    if (acquisitionIds.length > 0) {
      const acquisitions = await acquisitionsByIds(deps.db, acquisitionIds);
      await bag.writePayload('metadata/acquisitions.json', JSON.stringify(acquisitions, null, 2));
      await writeEventFiles(bag, acquisitionEvents);
    }
    const seqs = [...identity, ...acquisitionEvents, ...incidentEvents]
      .map((e) => e.seq)
      .concat(written.seqs)
      .sort((a, b) => a - b);
    await writeCustodyProof(deps.db, bag, seqs, checkpoint, timestamps, deps.tsaCaFile);
    await bag.writeTag('VERIFYING.md', await fs.readFile(GUIDE));
    await bag.writeTag('verify-custody.py', await fs.readFile(CHECKER));
    const { manifest } = await bag.finish([
      ['Source-Organization', organization],
      ['Bagging-Date', now.toISOString().slice(0, 10)],
      ['External-Identifier', exportId],
      ['External-Description', opts.description ?? `${ids.length} items from a Custody archive`],
      ['Bag-Software-Agent', 'Custody 0.1.0'],
      ['Custody-Archive-Id', deps.id],
      ['Custody-Checkpoint-Size', String(checkpoint.treeSize)],
      ['Custody-Export-Format', '1'],
    ]);
    await fs.rmdir(out).catch(() => undefined); // the empty target folder, if the user made one
    await fs.rename(staging, out);
    await recordExport(deps, exportId, {
      items: ids.length,
      bytes: bag.payloadBytes,
      manifestSha256: manifest.sha256,
      checkpointSize: checkpoint.treeSize,
      includeAcquisitions: acquisitionIds.length > 0,
      description: opts.description ?? null,
    });
    return {
      exportId,
      out,
      items: ids.length,
      bytes: written.originalBytes,
      events: seqs.length,
      checkpoint: { treeSize: checkpoint.treeSize, root: checkpoint.rootHash },
      timestamps: timestamps.length,
      manifestSha256: manifest.sha256,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  } finally {
    clearInterval(ticker);
    opts.onProgress?.(progress.snapshot());
  }
}

/** The target must not exist, or be an empty folder: an export never mixes with other files. */
async function checkTarget(out: string): Promise<void> {
  const entries = await fs.readdir(out).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') return ['(a file)'];
    throw e;
  });
  if (entries.length > 0)
    throw new CustodyError(
      'EXPORT.TARGET_NOT_EMPTY',
      `${path.basename(out)} already exists and is not empty.`,
      { hint: 'Choose a new folder name for the package.' },
    );
}

/** The hand-over itself is custody: what left, when, by whom, identified by its manifest. */
async function recordExport(
  deps: ExportDeps,
  exportId: string,
  payload: {
    items: number;
    bytes: number;
    manifestSha256: string;
    checkpointSize: number;
    includeAcquisitions: boolean;
    description: string | null;
  },
): Promise<void> {
  await deps.db.transaction().execute((tx) =>
    appendCustodyEvents(
      tx,
      [
        {
          actor: deps.actor,
          action: 'evidence.exported',
          subjectType: 'export',
          subjectId: exportId,
          payload: { format: 'bagit', ...payload },
        },
      ],
      deps.clock.now(),
    ),
  );
}
