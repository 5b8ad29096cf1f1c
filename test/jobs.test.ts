import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openJobQueue, type JobQueueOptions } from '../src/adapters/queue-pgboss.ts';
import {
  InvalidJobPayloadError,
  JOB_NAMES,
  defineHandlers,
  parseJobPayload,
  type ItemJob,
  type JobContext,
  type JobHandlers,
  type JobName,
} from '../src/core/jobs/catalogue.ts';
import type { JobInfo, JobQueue, JobState } from '../src/core/jobs/queue.ts';
import { openPglite, openPostgres } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { DATABASES, freshPostgresDatabase, tempDir, type DatabaseName } from './helpers/archive.ts';

const CONCURRENCY = 4;
const WAIT = { timeout: 60_000, interval: 50 };

/** PGlite started as the archive starts it (src/db/connect.ts: fsync on, extensions, int8). */
async function openTestPglite(): Promise<{ pglite: PGlite; db: Kysely<Database> }> {
  const handle = await openPglite(await tempDir('jobs-db'));
  if (handle.pglite === null) throw new Error('openPglite gave no PGlite instance');
  return { pglite: handle.pglite, db: handle.db };
}

async function openTestDatabase(
  database: DatabaseName,
): Promise<{ db: Kysely<Database>; queueOptions: JobQueueOptions }> {
  if (database === 'pglite') {
    const { pglite, db } = await openTestPglite();
    await migrate(db); // the archive's own tables beside pg-boss's, as in a real archive
    return { db, queueOptions: { kind: 'pglite', pglite, db } };
  }
  const url = await freshPostgresDatabase();
  const { db } = openPostgres(url);
  await migrate(db);
  return { db, queueOptions: { kind: 'postgres', url } };
}

/** Handlers whose behaviour each test sets per item: hold it at a gate, make it fail. */
class Script {
  readonly running = new Map<JobName, number>();
  readonly maxRunning = new Map<JobName, number>();
  /** The retryCount of each attempt, per item. */
  readonly attempts = new Map<string, number[]>();
  readonly gates = new Map<string, Promise<void>>();
  readonly failures = new Map<string, string>();
  /** Progress each item's job reports before it waits at its gate. */
  readonly progress = new Map<string, number>();

  readonly handlers: JobHandlers = defineHandlers({
    'media.proxy': (payload, job) => this.#run('media.proxy', payload, job),
    'media.thumbnails': (payload, job) => this.#run('media.thumbnails', payload, job),
    'media.overlay': (payload, job) => this.#run('media.overlay', payload, job),
    'media.fingerprint': () => Promise.resolve(), // not sent by these tests
    'media.faces': () => Promise.resolve(),
    'media.redact': () => Promise.resolve(),
    'export.bagit': () => Promise.resolve(),
  });

  /** Holds the item's job until the returned function is called. */
  gate(itemId: string): () => void {
    const { promise, resolve } = Promise.withResolvers<undefined>();
    this.gates.set(itemId, promise);
    return () => {
      resolve(undefined);
    };
  }

  async #run(name: JobName, { itemId }: ItemJob, job: JobContext): Promise<void> {
    const now = (this.running.get(name) ?? 0) + 1;
    this.running.set(name, now);
    this.maxRunning.set(name, Math.max(now, this.maxRunning.get(name) ?? 0));
    this.attempts.set(itemId, [...(this.attempts.get(itemId) ?? []), job.retryCount]);
    try {
      const fraction = this.progress.get(itemId);
      if (fraction !== undefined) job.progress(fraction, `frame ${String(fraction * 100)}`);
      await this.gates.get(itemId);
      await sleep(5); // a little real work, so that workers overlap
      const failure = this.failures.get(itemId);
      if (failure !== undefined) throw new Error(failure);
    } finally {
      this.running.set(name, (this.running.get(name) ?? 1) - 1);
    }
  }
}

function itemIds(n: number): string[] {
  return Array.from({ length: n }, () => randomUUID());
}

async function jobsOf(queue: JobQueue, itemIds: readonly string[]): Promise<JobInfo[]> {
  const wanted = new Set(itemIds);
  return (await queue.jobs({ limit: 10_000 })).filter(
    (j) => j.payload !== null && 'itemId' in j.payload && wanted.has(j.payload.itemId),
  );
}

async function statesOf(queue: JobQueue, itemIds: readonly string[]): Promise<JobState[]> {
  return (await jobsOf(queue, itemIds)).map((j) => j.state);
}

describe('the job catalogue', () => {
  it('has exactly one handler per job name, checked at boot', () => {
    const ok = (): Promise<void> => Promise.resolve();
    const all = {
      'media.proxy': ok,
      'media.thumbnails': ok,
      'media.overlay': ok,
      'media.fingerprint': ok,
      'media.faces': ok,
      'media.redact': ok,
      'export.bagit': ok,
    };
    expect(Object.keys(defineHandlers(all))).toEqual([...JOB_NAMES]);
    expect(() =>
      // @ts-expect-error a missing handler does not compile…
      defineHandlers({ ...all, 'media.thumbnails': undefined }),
    ).toThrow(/no handler for media.thumbnails/);
    expect(() =>
      // @ts-expect-error …nor does one for a job that is not in the catalogue…
      defineHandlers({ ...all, 'media.ocr': ok }),
    ).toThrow(/not in the catalogue: media.ocr/);
    // …and what a spread or a variable slips past the compiler is refused at boot.
    const extra = { ...all, 'media.ocr': ok };
    expect(() => defineHandlers(extra)).toThrow(/not in the catalogue: media.ocr/);
  });

  it('validates payloads at the edge', () => {
    const itemId = randomUUID();
    expect(parseJobPayload('media.proxy', { itemId })).toEqual({ itemId });
    expect(() => parseJobPayload('media.proxy', { itemId: 'x' })).toThrow(InvalidJobPayloadError);
    expect(() => parseJobPayload('media.proxy', { itemId, extra: 1 })).toThrow(/extra/);
  });
});

describe.each(DATABASES)('the job queue on %s', (database) => {
  let db: Kysely<Database>;
  let queue: JobQueue;
  const script = new Script();
  const errors: Error[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    const opened = await openTestDatabase(database);
    db = opened.db;
    queue = openJobQueue({
      ...opened.queueOptions,
      pollSeconds: 0.5,
      retryDelaySeconds: 0,
      onError: (e) => errors.push(e),
      onWarning: (w) => warnings.push(w),
    });
    const started = performance.now();
    await queue.start();
    console.log(`${database}: pg-boss start ${(performance.now() - started).toFixed(0)} ms`);
    await queue.work(script.handlers, { concurrency: CONCURRENCY });
  });

  afterAll(async () => {
    await queue.stop();
    await db.destroy();
    expect(errors.map((e) => e.message)).toEqual([]);
    if (warnings.length > 0) console.log(`${database}: pg-boss warnings`, warnings);
  });

  it(`works 50 jobs, at most ${CONCURRENCY} at a time`, async () => {
    const items = itemIds(50);
    const started = performance.now();
    const ids = await Promise.all(items.map((itemId) => queue.send('media.proxy', { itemId })));
    const sent = performance.now();
    expect(new Set(ids).size).toBe(50);
    expect(ids).not.toContain(null);
    await vi.waitFor(async () => {
      expect(await statesOf(queue, items)).toEqual(Array<JobState>(50).fill('completed'));
    }, WAIT);
    console.log(
      `${database}: 50 jobs sent in ${(sent - started).toFixed(0)} ms, all done after ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(script.maxRunning.get('media.proxy')).toBeLessThanOrEqual(CONCURRENCY);
    expect(script.maxRunning.get('media.proxy')).toBeGreaterThan(1);
    for (const itemId of items) expect(script.attempts.get(itemId)).toEqual([0]);
  });

  it('queues one job per key while it is pending, and a new one once it is done', async () => {
    const [itemId = ''] = itemIds(1);
    const open = script.gate(itemId);
    const first = await queue.send('media.proxy', { itemId });
    expect(first).not.toBeNull();
    expect(await queue.send('media.proxy', { itemId })).toBeNull();
    await vi.waitFor(async () => {
      expect(await statesOf(queue, [itemId])).toEqual(['active']);
    }, WAIT);
    expect(await queue.send('media.proxy', { itemId })).toBeNull();
    // The same item under another job name is other work.
    expect(await queue.send('media.thumbnails', { itemId })).not.toBeNull();
    open();
    await vi.waitFor(async () => {
      expect(await statesOf(queue, [itemId])).toEqual(['completed', 'completed']);
    }, WAIT);
    const again = await queue.send('media.proxy', { itemId });
    expect(again).not.toBeNull();
    expect(again).not.toBe(first);
    await vi.waitFor(async () => {
      const jobs = await jobsOf(queue, [itemId]);
      expect(jobs.map((j) => [j.name, j.state, j.singletonKey])).toEqual([
        ['media.proxy', 'completed', `proxy:${itemId}`],
        ['media.thumbnails', 'completed', `thumbnails:${itemId}`],
        ['media.proxy', 'completed', `proxy:${itemId}`],
      ]);
    }, WAIT);
  });

  it('retries a failing job, then fails it with its reason, while the others complete', async () => {
    const [bad = '', ...good] = itemIds(11);
    script.failures.set(bad, 'ffmpeg: moov atom not found');
    await Promise.all([bad, ...good].map((itemId) => queue.send('media.proxy', { itemId })));
    await vi.waitFor(async () => {
      expect(await statesOf(queue, good)).toEqual(Array<JobState>(10).fill('completed'));
      expect(await statesOf(queue, [bad])).toEqual(['failed']);
    }, WAIT);
    const [failed] = await jobsOf(queue, [bad]);
    expect(failed).toMatchObject({
      state: 'failed',
      error: 'ffmpeg: moov atom not found',
      retryCount: 2,
      retryLimit: 2,
      payload: { itemId: bad },
    });
    expect(failed?.completedOn).toBeInstanceOf(Date);
    expect(script.attempts.get(bad)).toEqual([0, 1, 2]);
    expect((await queue.jobs({ state: 'failed' })).map((j) => j.id)).toContain(failed?.id);
  });

  it('keeps the progress a running handler reports, and lists jobs by item', async () => {
    const [itemId = '', other = ''] = itemIds(2);
    const open = script.gate(itemId);
    script.progress.set(itemId, 0.4);
    await queue.send('media.overlay', { itemId });
    await queue.send('media.overlay', { itemId: other });
    await vi.waitFor(async () => {
      const [job] = await queue.jobs({ itemId });
      expect(job).toMatchObject({
        state: 'active',
        progress: { fraction: 0.4, detail: 'frame 40' },
      });
      expect(job?.progress?.updatedOn).toBeInstanceOf(Date);
    }, WAIT);
    expect((await queue.jobs({ itemId })).map((j) => j.payload)).toEqual([{ itemId }]);
    open();
    await vi.waitFor(async () => {
      const [job] = await queue.jobs({ itemId });
      expect(job).toMatchObject({ state: 'completed', progress: { fraction: 0.4 } });
    }, WAIT);
    const [untouched] = await queue.jobs({ itemId: other });
    expect(untouched?.progress).toBeNull();
  });

  it('reports each job’s state, with counts for a progress bar', async () => {
    const items = itemIds(CONCURRENCY + 1);
    const opens = items.map((itemId) => script.gate(itemId));
    for (const itemId of items) await queue.send('media.thumbnails', { itemId });
    await vi.waitFor(async () => {
      const states = await statesOf(queue, items);
      expect(states.filter((s) => s === 'active')).toHaveLength(CONCURRENCY);
      expect(states.filter((s) => s === 'created')).toHaveLength(1);
    }, WAIT);
    const active = await queue.jobs({ name: 'media.thumbnails', state: 'active' });
    expect(active).toHaveLength(CONCURRENCY);
    for (const job of active) {
      expect(job.startedOn).toBeInstanceOf(Date);
      expect(job.completedOn).toBeNull();
      expect(job.error).toBeNull();
    }
    const [waiting] = await queue.jobs({ name: 'media.thumbnails', state: 'created' });
    expect(waiting?.startedOn).toBeNull();
    expect(await queue.jobs({ name: 'media.proxy', state: 'active' })).toEqual([]);
    const counts = await queue.counts();
    expect(counts['media.thumbnails']).toMatchObject({ active: CONCURRENCY, created: 1 });
    for (const open of opens) open();
    await vi.waitFor(async () => {
      expect(await statesOf(queue, items)).toEqual(Array<JobState>(items.length).fill('completed'));
    }, WAIT);
  });

  it('runs Kysely transactions beside busy workers without either getting inside the other', async () => {
    await sql`CREATE TABLE IF NOT EXISTS jobs_test_tx (tx int, step int, xid text)`.execute(db);
    const items = itemIds(40);
    // Sent one by one while the transactions run, so that sends and polls keep arriving while a
    // transaction is open and idle.
    const sending = (async () => {
      const ids: (string | null)[] = [];
      for (const itemId of items) {
        ids.push(await queue.send('media.proxy', { itemId }));
        await sleep(3);
      }
      return ids;
    })();
    const steps = async (t: number, conn: Kysely<Database>): Promise<void> => {
      for (let step = 0; step < 5; step++) {
        await sql`INSERT INTO jobs_test_tx VALUES (${t}, ${step}, pg_current_xact_id()::text)`.execute(
          conn,
        );
        await sleep(2); // the session sits idle mid-transaction, where a poll could slip in
      }
    };
    class Rollback extends Error {}
    await Promise.all(
      Array.from({ length: 20 }, async (_, t) => {
        const commit = t % 2 === 0;
        if (t % 4 < 2) {
          // Kysely's transaction (on PGlite: inside pglite.transaction()).
          await db
            .transaction()
            .execute(async (tx) => {
              await steps(t, tx);
              if (!commit) throw new Rollback();
            })
            .catch((e: unknown) => {
              if (!(e instanceof Rollback)) throw e;
            });
        } else {
          // BEGIN and COMMIT as plain statements on a reserved connection: only the connection
          // lock keeps pg-boss out of this one.
          await db.connection().execute(async (conn) => {
            await sql`BEGIN`.execute(conn);
            await steps(t, conn);
            await sql.raw(commit ? 'COMMIT' : 'ROLLBACK').execute(conn);
          });
        }
      }),
    );
    expect(await sending).not.toContain(null);
    const rows = await sql<{ tx: number; n: number; xids: number }>`
      SELECT tx, count(*)::int AS n, count(DISTINCT xid)::int AS xids
        FROM jobs_test_tx GROUP BY tx ORDER BY tx`.execute(db);
    // Each committed transaction kept all its rows under one transaction id (no pg-boss COMMIT
    // cut it short), and every rolled-back one left nothing behind.
    expect(rows.rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ tx: i * 2, n: 5, xids: 1 })));
    // No send or completion ran inside a transaction that was rolled back: every job is there,
    // and done.
    await vi.waitFor(async () => {
      expect(await statesOf(queue, items)).toEqual(Array<JobState>(40).fill('completed'));
    }, WAIT);
  });

  it('queues a job in a transaction, which exists only if the transaction commits', async () => {
    const [kept = '', dropped = ''] = itemIds(2);
    await expect(
      db.transaction().execute(async (tx) => {
        await queue.send('media.proxy', { itemId: dropped }, { transaction: tx });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await db.transaction().execute(async (tx) => {
      expect(await queue.send('media.proxy', { itemId: kept }, { transaction: tx })).not.toBeNull();
    });
    await vi.waitFor(async () => {
      expect(await statesOf(queue, [kept])).toEqual(['completed']);
    }, WAIT);
    expect(await jobsOf(queue, [dropped])).toEqual([]);
  });

  it('fails a job whose stored payload no longer parses, without retrying it', async () => {
    const [itemId = ''] = itemIds(1);
    // As if queued by another version of Custody with another payload.
    const id = await db.transaction().execute(async (tx) => {
      const queued = await queue.send('media.proxy', { itemId }, { transaction: tx });
      await sql`UPDATE pgboss.job SET data = '{"itemId": "x"}' WHERE id = ${queued}::uuid`.execute(
        tx,
      );
      return queued;
    });
    await vi.waitFor(async () => {
      const job = (await queue.jobs({ state: 'failed' })).find((j) => j.id === id);
      expect(job).toMatchObject({
        payload: null,
        retryCount: 0,
        error: 'invalid payload for job media.proxy: itemId: must be a lowercase UUID',
      });
    }, WAIT);
    expect(script.attempts.has(itemId)).toBe(false);
  });

  it('refuses a payload that does not match the catalogue', async () => {
    await expect(queue.send('media.proxy', { itemId: 'not-a-uuid' })).rejects.toThrow(
      InvalidJobPayloadError,
    );
  });
});

/**
 * stop() must leave nothing behind: a process that opened the queue, worked jobs and stopped it
 * exits on its own (no timer, socket or worker left). Run in a child process, which hangs
 * instead of exiting if anything is left.
 */
describe.each(DATABASES)('stopping the job queue on %s', (database) => {
  it('lets the process exit', async () => {
    const url = database === 'postgres' ? await freshPostgresDatabase() : '';
    const dir = await tempDir('jobs-exit');
    const script = `
      import { PGlite } from '@electric-sql/pglite';
      import { Kysely, PGliteDialect } from 'kysely';
      import { randomUUID } from 'node:crypto';
      import { openJobQueue } from '${new URL('../src/adapters/queue-pgboss.ts', import.meta.url).href}';
      const url = ${JSON.stringify(url)};
      let db;
      let options;
      if (url === '') {
        const pglite = await PGlite.create(${JSON.stringify(dir)});
        db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
        options = { kind: 'pglite', pglite, db };
      } else {
        options = { kind: 'postgres', url };
      }
      const queue = openJobQueue({ ...options, pollSeconds: 0.5, onError: (e) => { throw e; } });
      await queue.start();
      let done = 0;
      const handler = async () => { done++; };
      await queue.work(
        {
          'media.proxy': handler,
          'media.thumbnails': handler,
          'media.overlay': handler,
          'media.fingerprint': handler,
          'media.faces': handler,
          'media.redact': handler,
          'export.bagit': handler,
        },
        { concurrency: 2 },
      );
      for (let i = 0; i < 5; i++) await queue.send('media.proxy', { itemId: randomUUID() });
      while (done < 5) await new Promise((r) => setTimeout(r, 20));
      await queue.stop();
      await db?.destroy();
      console.log('stopped');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const patience = new AbortController();
    const hung = sleep(45_000, 'hung' as const, { signal: patience.signal }).catch(() => 'exited');
    const result = await Promise.race([exited, hung]);
    patience.abort();
    if (result === 'hung') child.kill('SIGKILL');
    expect(output).toContain('stopped');
    expect(result).toBe(0);
  });
});
