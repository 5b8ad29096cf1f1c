import { randomUUID } from 'node:crypto';
import type { Json } from '../../domain/canonical-json.ts';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import { findAcquisitionByName } from '../../db/ingest-store.ts';
import type { AcquisitionRow } from '../../db/schema.ts';
import { CustodyError } from '../errors.ts';
import type { RecordDeps } from './record.ts';

/** Who handed the material over, when and how: the first link of the chain of custody. */
export interface AcquisitionDetails {
  readonly name: string;
  readonly receivedFrom?: string | undefined;
  /** As the user gave it (a date or date-time); validated as ISO 8601. */
  readonly receivedAt?: string | undefined;
  readonly note?: string | undefined;
  /** For a BagIt bag: what it declared and what was checked (recorded, not compared on resume). */
  readonly bag?: { readonly [key: string]: Json } | undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function validateDetails(d: AcquisitionDetails): void {
  if (d.name.trim() === '') {
    throw new CustodyError('USAGE.INVALID', 'The acquisition needs a name.', {
      hint: 'Pass --acquisition "Drive from source A".',
    });
  }
  if (
    d.receivedAt !== undefined &&
    (!ISO_DATE.test(d.receivedAt) || Number.isNaN(Date.parse(d.receivedAt)))
  ) {
    throw new CustodyError('USAGE.INVALID', `--received-at "${d.receivedAt}" is not a date.`, {
      hint: 'Use ISO 8601, e.g. 2021-03-14 or 2021-03-14T10:30+03:00.',
    });
  }
}

/**
 * Opens a new acquisition, or resumes the one with this name when it was started from the
 * same source with the same details (a re-run after an interruption). Anything else is a
 * conflict: one name, one handover.
 */
export async function openAcquisition(
  deps: RecordDeps,
  details: AcquisitionDetails,
  sourcePath: string,
): Promise<{ row: AcquisitionRow; resumed: boolean }> {
  validateDetails(details);
  const existing = await findAcquisitionByName(deps.db, details.name);
  if (existing !== undefined) {
    const same =
      existing.source_path === sourcePath &&
      (details.receivedFrom === undefined || details.receivedFrom === existing.received_from) &&
      (details.receivedAt === undefined || details.receivedAt === existing.received_at) &&
      (details.note === undefined || details.note === existing.note);
    if (!same) {
      throw new CustodyError(
        'INGEST.ACQUISITION_CONFLICT',
        `An acquisition named "${details.name}" already exists with a different source or details.`,
        {
          hint: 'Re-run with exactly the same source and details to resume it, or choose another --acquisition name.',
        },
      );
    }
    return { row: existing, resumed: true };
  }
  const now = deps.clock.now();
  const row: AcquisitionRow = {
    id: randomUUID(),
    name: details.name,
    received_from: details.receivedFrom ?? null,
    received_at: details.receivedAt ?? null,
    note: details.note ?? null,
    source_path: sourcePath,
    opened_at: now,
    closed_at: null,
    summary: null,
  };
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('acquisition')
      .values({ ...row, summary: null })
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: deps.actor,
          action: 'acquisition.opened',
          subjectType: 'acquisition',
          subjectId: row.id,
          payload: {
            name: row.name,
            receivedFrom: row.received_from,
            receivedAt: row.received_at,
            note: row.note,
            source: sourcePath,
            ...(details.bag === undefined ? {} : { bag: details.bag }),
          },
        },
      ],
      now,
    );
  });
  return { row, resumed: false };
}

/** Records the end of the first complete pass with its summary (later re-runs change nothing). */
export async function closeAcquisition(
  deps: RecordDeps,
  acquisitionId: string,
  summary: Record<string, number>,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const closed = await tx
      .updateTable('acquisition')
      .set({ closed_at: now, summary: JSON.stringify(summary) })
      .where('id', '=', acquisitionId)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (closed.numUpdatedRows === 0n) return;
    await appendCustodyEvents(
      tx,
      [
        {
          actor: deps.actor,
          action: 'acquisition.closed',
          subjectType: 'acquisition',
          subjectId: acquisitionId,
          payload: summary,
        },
      ],
      now,
    );
  });
}
