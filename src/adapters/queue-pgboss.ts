import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import {
  PgBoss,
  fromKysely,
  type ConstructorOptions,
  type Db,
  type Job,
  type JobResult,
} from 'pg-boss';
import {
  InvalidJobPayloadError,
  JOB_NAMES,
  JOBS,
  defineHandlers,
  isJobName,
  parseJobPayload,
  type JobHandler,
  type JobContext,
  type JobHandlers,
  type JobName,
  type JobPayload,
  type JobSpec,
} from '../core/jobs/catalogue.ts';
import {
  JOB_STATES,
  type JobCounts,
  type JobFilter,
  type JobInfo,
  type JobInfoOf,
  type JobQueue,
  type JobState,
  type SendOptions,
  type WorkOptions,
} from '../core/jobs/queue.ts';
import type { Database } from '../db/schema.ts';

/** pg-boss keeps its tables in a schema of its own, created and migrated by pg-boss itself. */
const SCHEMA = 'pgboss';

export type JobQueueOptions = (
  | {
      readonly kind: 'pglite';
      readonly pglite: PGlite;
      /** The archive's Kysely instance over the same PGlite: pg-boss shares its connection lock. */
      readonly db: Kysely<Database>;
    }
  | { readonly kind: 'postgres'; readonly url: string }
) & {
  /** How often an idle worker looks for new jobs, in seconds (at least 0.5). Default 2. */
  readonly pollSeconds?: number;
  /** Delay before the first retry, in seconds; later retries wait about twice as long each. Default 30; 0 retries at once. */
  readonly retryDelaySeconds?: number;
  /** Background failures (a poll or maintenance that failed). Default: a line on stderr. */
  readonly onError?: (error: Error) => void;
  /** pg-boss's advice (slow queries, a growing backlog, clock skew). Default: a line on stderr. */
  readonly onWarning?: (message: string) => void;
};

/** A job queue on pg-boss, over the embedded PGlite or a PostgreSQL server. Call start() next. */
export function openJobQueue(opts: JobQueueOptions): JobQueue {
  const common: ConstructorOptions = {
    schema: SCHEMA,
    // Nothing is scheduled by cron yet; this also leaves out the clock-skew monitor.
    schedule: false,
    // Polling only: LISTEN needs a dedicated session, which PGlite does not have. Workers in
    // this process are woken directly instead (see #wake).
    useListenNotify: false,
  };
  const boss =
    opts.kind === 'pglite'
      ? new PgBoss({ ...common, backend: 'pglite', db: pgliteDatabase(opts.pglite, opts.db) })
      : new PgBoss({ ...common, connectionString: opts.url, max: 10 });
  return new PgBossJobQueue(boss, {
    pollSeconds: opts.pollSeconds ?? 2,
    retryDelaySeconds: opts.retryDelaySeconds ?? 30,
    onError:
      opts.onError ??
      ((e) => {
        stderrLine(`job queue: ${e.message}`);
      }),
    onWarning:
      opts.onWarning ??
      ((message) => {
        stderrLine(`job queue warning: ${message}`);
      }),
  });
}

function stderrLine(text: string): void {
  process.stderr.write(`custody: ${text}\n`);
}

/**
 * pg-boss's statements on the embedded database.
 *
 * PGlite is one PostgreSQL session. Whatever runs on it while a transaction is open runs
 * inside that transaction: a pg-boss COMMIT would commit half of an ingest batch, a rollback
 * would undo a job's completion. So pg-boss must never get between a Kysely BEGIN and its
 * COMMIT, and Kysely must never get between the statement of a multi-statement pg-boss block
 * that failed (leaving its BEGIN open and aborted) and the ROLLBACK that clears it.
 *
 * How Kysely 0.29 shares the session: `PGliteAdapter.supportsMultipleConnections` is false, so
 * its RuntimeDriver wraps the one `PGliteConnection` in a `ConnectionMutex`; a transaction holds
 * that lock from BEGIN to COMMIT/ROLLBACK (and runs inside `pglite.transaction()`, which also
 * holds PGlite's own lock), a single query holds it for that query.
 *
 * So every pg-boss statement takes that same lock, through `db.connection().execute()`, and
 * runs on the PGlite instance while holding it: the mutex is the one promise chain all users
 * of the session queue on. Inside, parameterised SQL goes through `query` (one statement,
 * extended protocol) and SQL without parameters through `exec` (pg-boss sends its
 * maintenance and migrations as `BEGIN; …; COMMIT` blocks; the simple protocol runs them whole,
 * and we return the rows of every statement so a RETURNING before the COMMIT is not lost). A
 * failure that leaves a transaction open is rolled back before the lock is let go.
 *
 * The consequence for callers: on PGlite, code inside a Kysely transaction must not await the
 * queue (it would wait for the lock its own transaction holds); it passes the transaction to
 * `send` instead, which runs on the transaction's connection.
 */
function pgliteDatabase(pglite: PGlite, db: Kysely<Database>): Db {
  return {
    executeSql: (text, values) =>
      db.connection().execute(async () => {
        try {
          if (values !== undefined && values.length > 0) {
            return { rows: (await pglite.query(text, values)).rows };
          }
          const results = await pglite.exec(text);
          return { rows: results.flatMap((r) => r.rows) };
        } catch (e) {
          if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
          throw e;
        }
      }),
  };
}

interface Settings {
  readonly pollSeconds: number;
  readonly retryDelaySeconds: number;
  readonly onError: (error: Error) => void;
  readonly onWarning: (message: string) => void;
}

class PgBossJobQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #settings: Settings;
  #working = false;

  constructor(boss: PgBoss, settings: Settings) {
    this.#boss = boss;
    this.#settings = settings;
    // pg-boss emits 'error' for failures no caller is waiting on; unheard, they would crash the process.
    boss.on('error', (e) => {
      settings.onError(e);
    });
    boss.on('warning', (w) => {
      settings.onWarning(w.message);
    });
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of JOB_NAMES) await this.#ensureQueue(name);
  }

  async stop(): Promise<void> {
    this.#working = false;
    await this.#boss.stop({ graceful: true, timeout: 30_000 });
  }

  async send<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    opts: SendOptions = {},
  ): Promise<string | null> {
    const spec: JobSpec<JobPayload<N>> = JOBS[name];
    const data = parseJobPayload(name, payload);
    const id = await this.#boss.send(name, data, {
      singletonKey: opts.singletonKey ?? spec.key(data),
      ...(opts.transaction === undefined ? {} : { db: fromKysely(opts.transaction) }),
    });
    // A job queued in a transaction is invisible until it commits; the next poll finds it.
    if (id !== null && opts.transaction === undefined) this.#wake(name);
    return id;
  }

  async work(handlers: JobHandlers, opts: WorkOptions): Promise<void> {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new Error(`Job concurrency must be a positive integer, not ${opts.concurrency}.`);
    }
    if (this.#working) throw new Error('This queue is already working jobs.');
    const checked = defineHandlers(handlers);
    this.#working = true;
    for (const name of JOB_NAMES) await this.#workOne(name, checked, opts.concurrency);
  }

  async jobs(filter: JobFilter = {}): Promise<JobInfo[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 10_000);
    const params: unknown[] = [filter.name === undefined ? [...JOB_NAMES] : [filter.name], limit];
    let where = '';
    if (filter.state !== undefined) {
      params.push(filter.state);
      where += ` AND state = $${String(params.length)}::${SCHEMA}.job_state`;
    }
    if (filter.itemId !== undefined) {
      params.push(filter.itemId);
      where += ` AND data ->> 'itemId' = $${String(params.length)}`;
    }
    // pg-boss's job table (partitioned by queue name) is read directly: its own findJobs() is
    // per queue, oldest first and without a state filter. The columns are pg-boss 12's.
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT j.id::text, name, state::text AS state, data, singleton_key, created_on, started_on,
              completed_on, retry_count, retry_limit,
              CASE WHEN state IN ('retry', 'failed', 'cancelled')
                THEN COALESCE(output ->> 'message', output -> 'value' ->> 'message') END AS error,
              p.fraction AS progress_fraction, p.detail AS progress_detail,
              p.updated_at AS progress_updated
         FROM ${SCHEMA}.job j
         LEFT JOIN job_progress p ON p.job_id = j.id::text
        WHERE name = ANY($1::text[])${where}
        ORDER BY created_on DESC, j.id DESC
        LIMIT $2`,
      params,
    );
    return (rows as JobRow[]).flatMap((row) =>
      isJobName(row.name) ? [toJobInfo(row.name, row) as JobInfo] : [],
    );
  }

  async counts(): Promise<JobCounts> {
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT name, state::text AS state, count(*)::int AS n
         FROM ${SCHEMA}.job WHERE name = ANY($1::text[]) GROUP BY name, state`,
      [[...JOB_NAMES]],
    );
    const counts = Object.fromEntries(
      JOB_NAMES.map((n) => [n, Object.fromEntries(JOB_STATES.map((s) => [s, 0]))]),
    ) as Record<JobName, Record<JobState, number>>;
    for (const row of rows as { name: string; state: JobState; n: number }[]) {
      if (isJobName(row.name)) counts[row.name][row.state] = row.n;
    }
    return counts;
  }

  async #ensureQueue(name: JobName): Promise<void> {
    const spec = JOBS[name];
    const delay = this.#settings.retryDelaySeconds;
    const options = {
      retryLimit: spec.retryLimit,
      retryDelay: delay,
      retryBackoff: delay > 0,
      ...(delay > 0 ? { retryDelayMax: 60 * 60 } : {}),
      expireInSeconds: spec.timeoutSeconds,
      // A crashed process's jobs are retried a minute later, not when their timeout runs out.
      heartbeatSeconds: 60,
      // A laptop archive may sit closed for months: queued work is kept for pg-boss's maximum.
      retentionSeconds: 365 * 24 * 60 * 60,
      // Finished and failed jobs stay visible for a month.
      deleteAfterSeconds: 30 * 24 * 60 * 60,
    };
    const existing = await this.#boss.getQueue(name);
    if (existing === null) {
      // 'exclusive': one job per key queued or running; finished jobs do not block a re-run.
      await this.#boss.createQueue(name, { ...options, policy: 'exclusive' });
    } else if (existing.policy !== 'exclusive') {
      throw new Error(
        `Queue ${name} exists with policy ${existing.policy}, not 'exclusive'; it cannot be changed in place.`,
      );
    } else {
      await this.#boss.updateQueue(name, options);
    }
  }

  // N ties this name's handler to its payload type (a loop over JOB_NAMES alone cannot).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  async #workOne<N extends JobName>(
    name: N,
    handlers: JobHandlers,
    concurrency: number,
  ): Promise<void> {
    const handler: JobHandler<N> = handlers[name];
    const runOne = async (job: Job<unknown>): Promise<JobResult> => {
      try {
        const payload = parseJobPayload(name, job.data);
        const progress = this.#progressReporter(job.id);
        try {
          await handler(payload, {
            id: job.id,
            retryCount: job.retryCount,
            signal: job.signal,
            progress: progress.report,
          });
        } finally {
          await progress.flush();
        }
        return { id: job.id, status: 'completed' };
      } catch (e) {
        // A payload that does not parse never will: fail it for good, no retries.
        const status = e instanceof InvalidJobPayloadError ? 'deadletter' : 'failed';
        return { id: job.id, status, output: failureOutput(e) };
      } finally {
        // This worker (and any idle sibling) fetches again at once instead of after a poll.
        this.#wake(name);
      }
    };
    await this.#boss.work(
      name,
      {
        batchSize: 1,
        localConcurrency: concurrency,
        pollingIntervalSeconds: this.#settings.pollSeconds,
        perJobResults: true,
      },
      async (jobs: Job<unknown>[]) => Promise.all(jobs.map(runOne)),
    );
  }

  /**
   * Progress is written at most once a second (and once more at the end), so a handler may
   * report every frame; a failed write is reported and never fails the job.
   */
  #progressReporter(jobId: string): { report: JobContext['progress']; flush: () => Promise<void> } {
    let latest: { fraction: number; detail: string | null } | null = null;
    let writtenAt = 0;
    let writing: Promise<void> = Promise.resolve();
    const write = (): void => {
      if (latest === null) return;
      const { fraction, detail } = latest;
      latest = null;
      writtenAt = Date.now();
      writing = writing
        .then(async () => {
          await this.#boss.getDb().executeSql(
            `INSERT INTO job_progress (job_id, fraction, detail, updated_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (job_id) DO UPDATE
               SET fraction = excluded.fraction, detail = excluded.detail, updated_at = now()`,
            [jobId, fraction, detail],
          );
        })
        .catch((e: unknown) => {
          this.#settings.onError(e instanceof Error ? e : new Error(String(e)));
        });
    };
    return {
      report: (fraction, detail) => {
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        latest = { fraction: f, detail: detail?.slice(0, 300) ?? null };
        if (Date.now() - writtenAt >= 1000) write();
      },
      flush: async () => {
        write();
        await writing;
      },
    };
  }

  /**
   * A pg-boss worker that finished a job waits out its polling interval before fetching again,
   * and one that is idle hears of a new job only at its next poll. Nudging this process's
   * workers after each send and each finished job keeps them busy while there is work, without
   * LISTEN/NOTIFY; workers in other processes still rely on polling.
   */
  #wake(name: JobName): void {
    if (!this.#working) return;
    for (const worker of this.#boss.getWipData()) {
      if (worker.name === name) this.#boss.notifyWorker(worker.id);
    }
  }
}

/** What is stored on a failed attempt and shown as the job's error. */
function failureOutput(e: unknown): { message: string; name: string; code?: string } {
  if (!(e instanceof Error)) return { message: String(e), name: 'Error' };
  const code = (e as { code?: unknown }).code;
  return {
    message: e.message === '' ? e.name : e.message,
    name: e.name,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

interface JobRow {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  readonly data: unknown;
  readonly singleton_key: string | null;
  readonly created_on: Date;
  readonly started_on: Date | null;
  readonly completed_on: Date | null;
  readonly retry_count: number;
  readonly retry_limit: number;
  readonly error: string | null;
  readonly progress_fraction: number | null;
  readonly progress_detail: string | null;
  readonly progress_updated: Date | null;
}

function toJobInfo<N extends JobName>(name: N, row: JobRow): JobInfoOf<N> {
  const spec: JobSpec<JobPayload<N>> = JOBS[name];
  const parsed = spec.payload.safeParse(row.data);
  return {
    id: row.id,
    name,
    state: row.state,
    payload: parsed.success ? parsed.data : null,
    singletonKey: row.singleton_key,
    createdOn: row.created_on,
    startedOn: row.started_on,
    completedOn: row.completed_on,
    error: row.error,
    retryCount: row.retry_count,
    retryLimit: row.retry_limit,
    progress:
      row.progress_fraction === null || row.progress_updated === null
        ? null
        : {
            fraction: row.progress_fraction,
            detail: row.progress_detail,
            updatedOn: row.progress_updated,
          },
  };
}
