import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { appendCustodyEvents, readCustodyLog, sha256Hex } from '../db/custody-log.ts';
import type { Database } from '../db/schema.ts';
import { ChainChecker, type ChainProblem } from '../domain/custody-event.ts';
import type { Sha256 } from '../domain/hash.ts';
import { ProgressTracker, type Progress } from './progress.ts';
import type { BlobStore, Clock, TimestampChecker } from './ports.ts';
import { allCheckpoints } from '../db/checkpoint-store.ts';
import { CheckpointChecker, checkTimestamps, type CheckpointProblem } from './seal/check.ts';

export interface VerifyDeps {
  readonly id: string;
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly actor: string;
  /** Checks stored timestamp tokens; absent when no TSA roots are configured. */
  readonly checkTimestamp?: TimestampChecker | undefined;
}

export type VerifyProblem =
  | {
      readonly class: 'chain-broken';
      readonly seq: number;
      readonly detail: ChainProblem['kind'];
      readonly message: string;
    }
  | {
      readonly class: 'blob-changed' | 'blob-missing';
      readonly sha256: string;
      readonly itemId: string;
      readonly message: string;
    }
  | { readonly class: 'blob-not-in-database'; readonly sha256: string; readonly message: string }
  | CheckpointProblem
  | {
      readonly class: 'item-without-custody-event';
      readonly itemId: string;
      readonly message: string;
    };

export interface VerifyReport {
  readonly ok: boolean;
  readonly mode: 'full' | 'quick';
  readonly events: number;
  readonly head: string | null;
  /** Signed checkpoints checked against the rebuilt Merkle tree. */
  readonly checkpoints: number;
  /** Timestamp tokens re-verified against the configured roots (0 when none are configured). */
  readonly timestamps: number;
  readonly items: number;
  readonly bytesHashed: number;
  readonly problems: readonly VerifyProblem[];
}

const CHAIN_MESSAGES: Record<ChainProblem['kind'], string> = {
  'hash-mismatch':
    'the event was altered after it was written (its hash does not match its content)',
  'link-broken':
    'the event does not link to the one before it (an event was altered, removed or inserted)',
  gap: 'events are missing before this one',
};

/**
 * Proves the archive: the custody chain link by link, every blob against its hash (or, with
 * quick, its size), blobs nobody recorded, and items with no custody record. Reading every
 * original is itself recorded, as a `fixity.checked` event with the outcome.
 */
export async function verifyArchive(
  deps: VerifyDeps,
  opts: { quick?: boolean; onProgress?: (p: Progress) => void } = {},
): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const chain = new ChainChecker(sha256Hex);
  const checkpoints = await allCheckpoints(deps.db);
  const sealed = new CheckpointChecker(deps.id, checkpoints);
  for await (const event of readCustodyLog(deps.db)) {
    chain.check(event);
    sealed.push(event);
  }
  sealed.finish();
  for (const p of chain.problems) {
    problems.push({
      class: 'chain-broken',
      seq: p.seq,
      detail: p.kind,
      message: `Chain broken at event ${p.seq}: ${CHAIN_MESSAGES[p.kind]}.`,
    });
  }

  problems.push(...sealed.problems);
  const stamps =
    deps.checkTimestamp === undefined
      ? { checked: 0, problems: [] }
      : await checkTimestamps(deps.db, checkpoints, deps.checkTimestamp);
  problems.push(...stamps.problems);

  const totals = await deps.db
    .selectFrom('item')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.coalesce(eb.fn.sum<string | number>('size'), eb.lit(0)).as('bytes'),
    ])
    .executeTakeFirstOrThrow();
  const progress = new ProgressTracker(() => Date.now());
  progress.phase = 'verifying';
  progress.filesTotal = totals.n;
  progress.bytesTotal = opts.quick === true ? null : Number(totals.bytes);
  const ticker = setInterval(() => opts.onProgress?.(progress.snapshot()), 1000);
  try {
    await checkBlobs(deps, opts.quick === true, progress, problems);
  } finally {
    clearInterval(ticker);
  }
  await findOrphans(deps, problems);
  await findUnrecordedItems(deps, problems);

  const report: VerifyReport = {
    ok: problems.length === 0,
    mode: opts.quick === true ? 'quick' : 'full',
    events: chain.checked,
    head: chain.head,
    checkpoints: sealed.checked,
    timestamps: stamps.checked,
    items: progress.filesDone,
    bytesHashed: opts.quick === true ? 0 : progress.bytesDone,
    problems,
  };
  await deps.db.transaction().execute((tx) =>
    appendCustodyEvents(
      tx,
      [
        {
          actor: deps.actor,
          action: 'fixity.checked',
          subjectType: 'archive',
          subjectId: 'archive',
          payload: {
            mode: report.mode,
            ok: report.ok,
            events: report.events,
            head: report.head,
            checkpoints: report.checkpoints,
            items: report.items,
            problems: problems.length,
          },
        },
      ],
      deps.clock.now(),
    ),
  );
  return report;
}

async function checkBlobs(
  deps: VerifyDeps,
  quick: boolean,
  progress: ProgressTracker,
  problems: VerifyProblem[],
): Promise<void> {
  let after = '';
  for (;;) {
    const page = await deps.db
      .selectFrom('item')
      .select(['id', 'sha256', 'size'])
      .where('sha256', '>', after)
      .orderBy('sha256')
      .limit(500)
      .execute();
    // Two hashes at a time: one reads while the other computes.
    for (let i = 0; i < page.length; i += 2) {
      await Promise.all(
        page.slice(i, i + 2).map(async (item) => {
          const problem = await checkBlob(
            deps.blobs,
            item.id,
            item.sha256 as Sha256,
            item.size,
            quick,
          );
          if (problem !== null) problems.push(problem);
          progress.filesDone += 1;
          if (!quick) progress.bytesDone += item.size;
        }),
      );
    }
    const last = page.at(-1);
    if (last === undefined || page.length < 500) return;
    after = last.sha256;
  }
}

async function checkBlob(
  blobs: BlobStore,
  itemId: string,
  sha256: Sha256,
  size: number,
  quick: boolean,
): Promise<VerifyProblem | null> {
  const stored = await blobs.stat(sha256);
  if (stored === null)
    return {
      class: 'blob-missing',
      sha256,
      itemId,
      message: `Blob ${sha256} is missing from the store.`,
    };
  if (stored !== size)
    return {
      class: 'blob-changed',
      sha256,
      itemId,
      message: `Blob ${sha256} has ${stored} bytes, ${size} were recorded.`,
    };
  if (quick) return null;
  const hash = createHash('sha256');
  for await (const chunk of blobs.read(sha256)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  return actual === sha256
    ? null
    : {
        class: 'blob-changed',
        sha256,
        itemId,
        message: `Blob ${sha256} now hashes to ${actual}: its content changed.`,
      };
}

async function findOrphans(deps: VerifyDeps, problems: VerifyProblem[]): Promise<void> {
  let batch: string[] = [];
  const check = async (): Promise<void> => {
    if (batch.length === 0) return;
    const known = new Set(
      (
        await deps.db.selectFrom('item').select('sha256').where('sha256', 'in', batch).execute()
      ).map((r) => r.sha256),
    );
    for (const sha256 of batch) {
      if (!known.has(sha256))
        problems.push({
          class: 'blob-not-in-database',
          sha256,
          message: `Blob ${sha256} is in the store but no item records it.`,
        });
    }
    batch = [];
  };
  for await (const sha256 of deps.blobs.list()) {
    batch.push(sha256);
    if (batch.length >= 500) await check();
  }
  await check();
}

async function findUnrecordedItems(deps: VerifyDeps, problems: VerifyProblem[]): Promise<void> {
  const rows = await deps.db
    .selectFrom('item')
    .select('item.id')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('custody_event')
            .select('custody_event.seq')
            .where('custody_event.subject_type', '=', 'item')
            .where('custody_event.action', '=', 'item.ingested')
            .where(sql<boolean>`custody_event.subject_id = item.id::text`),
        ),
      ),
    )
    .limit(1000)
    .execute();
  for (const r of rows)
    problems.push({
      class: 'item-without-custody-event',
      itemId: r.id,
      message: `Item ${r.id} has no ingest event in the custody log.`,
    });
}
