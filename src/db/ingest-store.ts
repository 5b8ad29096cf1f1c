import type { Kysely, Transaction } from 'kysely';
import type { AcquisitionRow, Database, NewSighting } from './schema.ts';

/** Small typed queries used by ingest. No rules here: what to write is decided in core. */

export function findAcquisitionByName(
  db: Kysely<Database>,
  name: string,
): Promise<AcquisitionRow | undefined> {
  return db.selectFrom('acquisition').selectAll().where('name', '=', name).executeTakeFirst();
}

/**
 * Which of these paths this acquisition already holds in a final state. Skips for passing
 * reasons (file changed, unreadable) are not final: a re-run tries them again.
 */
export async function finishedPaths(
  db: Kysely<Database>,
  acquisitionId: string,
  paths: readonly Buffer[],
): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const rows = await db
    .selectFrom('sighting')
    .select('path')
    .where('acquisition_id', '=', acquisitionId)
    .where('path', 'in', paths)
    .where((eb) =>
      eb.or([eb('entry_type', '!=', 'skipped'), eb('skip_code', 'not in', RETRYABLE_SKIPS)]),
    )
    .execute();
  return new Set(rows.map((r) => Buffer.from(r.path).toString('hex')));
}

export const RETRYABLE_SKIPS = ['INGEST.SOURCE_CHANGED', 'INGEST.SOURCE_UNREADABLE'];

export async function itemIdsByHash(
  tx: Transaction<Database>,
  hashes: readonly string[],
): Promise<Map<string, string>> {
  if (hashes.length === 0) return new Map();
  const rows = await tx
    .selectFrom('item')
    .select(['id', 'sha256'])
    .where('sha256', 'in', hashes)
    .execute();
  return new Map(rows.map((r) => [r.sha256, r.id]));
}

/** Inserts sightings; a retried skip is replaced by its new outcome. */
export async function upsertSightings(
  tx: Transaction<Database>,
  rows: readonly NewSighting[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto('sighting')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc
          .columns(['acquisition_id', 'path'])
          .doUpdateSet((eb) => ({
            entry_type: eb.ref('excluded.entry_type'),
            item_id: eb.ref('excluded.item_id'),
            size: eb.ref('excluded.size'),
            mtime_ns: eb.ref('excluded.mtime_ns'),
            mode: eb.ref('excluded.mode'),
            uid: eb.ref('excluded.uid'),
            gid: eb.ref('excluded.gid'),
            link_target: eb.ref('excluded.link_target'),
            link_target_display: eb.ref('excluded.link_target_display'),
            skip_code: eb.ref('excluded.skip_code'),
            skip_message: eb.ref('excluded.skip_message'),
            recorded_at: eb.ref('excluded.recorded_at'),
          }))
          .where('sighting.entry_type', '=', 'skipped'),
      )
      .execute();
  }
}
