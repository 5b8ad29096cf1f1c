import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { JobName } from '../jobs/catalogue.ts';
import type { JobQueue } from '../jobs/queue.ts';

/** The per-video jobs, and how to tell that one has already done its work. */
const DONE: Readonly<Record<VideoJob, ReturnType<typeof sql<boolean>>>> = {
  'media.proxy': sql<boolean>`EXISTS (SELECT 1 FROM derivative d WHERE d.item_id = item.id AND d.kind = 'proxy')`,
  'media.thumbnails': sql<boolean>`(SELECT count(*) FROM derivative d WHERE d.item_id = item.id AND d.kind IN ('poster', 'contact-sheet')) = 2`,
  'media.overlay': sql<boolean>`EXISTS (SELECT 1 FROM overlay_reading o WHERE o.item_id = item.id)`,
  'media.fingerprint': sql<boolean>`EXISTS (SELECT 1 FROM fingerprint f WHERE f.item_id = item.id)`,
  'media.faces': sql<boolean>`EXISTS (SELECT 1 FROM face_run f WHERE f.item_id = item.id)`,
};

export type VideoJob = Extract<
  JobName,
  'media.proxy' | 'media.thumbnails' | 'media.overlay' | 'media.fingerprint' | 'media.faces'
>;
export const VIDEO_JOBS = Object.keys(DONE) as readonly VideoJob[];

/**
 * Queues, for every readable video, each job in `only` whose result is missing (idempotent:
 * a job already queued or running is not queued twice). Called when a worker starts, so work
 * cut short by a crash or added by an ingest is picked up. Pages by id: memory stays flat.
 */
export async function queueMissingWork(
  db: Kysely<Database>,
  jobs: JobQueue,
  only: readonly VideoJob[] = VIDEO_JOBS,
): Promise<number> {
  let queued = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    let q = db
      .selectFrom('item')
      .select('item.id')
      .where('item.kind', '=', 'video')
      .where('item.probe_status', '=', 'ok')
      .where('item.id', '>', after)
      .orderBy('item.id')
      .limit(500);
    for (const name of only) q = q.select(DONE[name].as(name.replace('.', '_')));
    const rows = (await q.execute()) as ({ id: string } & Record<string, unknown>)[];
    for (const row of rows) {
      for (const name of only) {
        if (row[name.replace('.', '_')] === true) continue;
        if ((await jobs.send(name, { itemId: row.id })) !== null) queued += 1;
      }
    }
    const last = rows.at(-1);
    if (last === undefined) return queued;
    after = last.id;
  }
}
