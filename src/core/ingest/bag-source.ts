import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { parseManifestLenient } from '../../domain/bagit.ts';
import type { Json } from '../../domain/canonical-json.ts';
import { CustodyError } from '../errors.ts';
import type { ProgressTracker } from '../progress.ts';
import { isBag, validateBag, type BagProblem } from './bag.ts';

/** A bag that passed its own manifests, ready to be taken in from its payload folder. */
export interface CheckedBag {
  /** The folder ingest walks: the bag's data/. */
  readonly payload: string;
  /** What the acquisition records about the bag (its bag-info and what was checked). */
  readonly record: { readonly [key: string]: Json };
}

/**
 * A BagIt bag is checked against its own manifests before anything is taken in: a package
 * that arrives altered or incomplete is refused whole, with every problem listed, so that
 * what enters the archive is exactly what the sender hashed.
 */
export async function checkBagFirst(
  source: string,
  progress: ProgressTracker,
  signal: AbortSignal,
): Promise<CheckedBag | null> {
  if (!(await isBag(source))) return null;
  progress.phase = 'verifying';
  const report = await validateBag(source, {
    signal,
    onProgress: (p) => {
      progress.filesDone = p.filesDone;
      progress.filesTotal = p.filesTotal;
      progress.bytesDone = p.bytesDone;
      progress.bytesTotal = p.bytesTotal;
    },
  });
  progress.filesDone = 0;
  progress.bytesDone = 0;
  if (report.problems.length > 0) throw refused(report.problems);
  return {
    payload: path.join(source, 'data'),
    record: {
      bagitVersion: report.version,
      algorithms: report.algorithms,
      payloadFiles: report.payloadFiles,
      payloadBytes: report.payloadBytes,
      bagInfo: report.info.map(([label, value]) => [label, value]),
    },
  };
}

function refused(problems: readonly BagProblem[]): CustodyError {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  const summary = [...counts].map(([code, n]) => `${n} ${code}`).join(', ');
  return new CustodyError(
    'BAGIT.INVALID',
    `The bag does not match its own manifests (${summary}); nothing was ingested.`,
    {
      hint: 'Ask the sender for a fresh copy, or check the medium it came on. To keep it anyway as received, ingest its data/ folder as an ordinary folder (the bag will not be trusted).',
      details: problems,
    },
  );
}

/**
 * After the copy, every file taken in must still have the SHA-256 the bag's manifest gives
 * (it could have changed between the check and the copy). Returns the ones that differ.
 */
export async function confirmAgainstManifest(
  db: Kysely<Database>,
  bagRoot: string,
  acquisitionId: string,
): Promise<{ itemId: string; code: string; message: string }[]> {
  const text = await fs
    .readFile(path.join(bagRoot, 'manifest-sha256.txt'), 'utf8')
    .catch(() => null);
  if (text === null) return []; // a bag with other algorithms only: checked before the copy
  // Checked (and parseable) before the copy; lenient here so a late change cannot crash the summary.
  const expected = new Map(
    parseManifestLenient(text, 'sha256').entries.map((e) => [
      e.path.slice('data/'.length),
      e.digest,
    ]),
  );
  const rows = await db
    .selectFrom('sighting')
    .innerJoin('item', 'item.id', 'sighting.item_id')
    .select(['sighting.path', 'item.id', 'item.sha256'])
    .where('sighting.acquisition_id', '=', acquisitionId)
    .execute();
  return rows
    .filter((r) => expected.get(Buffer.from(r.path).toString('utf8')) !== r.sha256)
    .map((r) => ({
      itemId: r.id,
      code: 'BAGIT.INVALID',
      message:
        'This file does not have the SHA-256 the bag’s manifest gives: it changed after the bag was checked.',
    }));
}
