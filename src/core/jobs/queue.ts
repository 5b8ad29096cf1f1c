import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { JobHandlers, JobName, JobPayload } from './catalogue.ts';

/**
 * The job queue port: background work that must outlive a request (video proxies,
 * thumbnails). Embedded mode works jobs in-process on the embedded database; scale mode in
 * `custody worker` processes on the PostgreSQL server. Same queue, same catalogue.
 */
export interface JobQueue {
  /** Installs or upgrades the queue's tables and the catalogue's queues, then starts upkeep. */
  start(): Promise<void>;
  /** Stops fetching, lets running handlers finish (up to a grace period), stops every timer. */
  stop(): Promise<void>;
  /**
   * Queues a job. Idempotent: while a job with the same key (the catalogue's, or
   * `singletonKey`) is queued, running or waiting to retry, nothing is queued and the answer is
   * null; otherwise the new job's id.
   */
  send<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    opts?: SendOptions,
  ): Promise<string | null>;
  /**
   * Works every job of the catalogue with these handlers, up to `concurrency` at a time per
   * job name. A handler that throws fails that attempt only: the job is retried with growing
   * delays and finally marked failed with the error's message; other jobs carry on.
   */
  work(handlers: JobHandlers, opts: WorkOptions): Promise<void>;
  /** Jobs, newest first, for `custody jobs` and the web UI. */
  jobs(filter?: JobFilter): Promise<JobInfo[]>;
  /** How many jobs of each name are in each state: progress at a glance. */
  counts(): Promise<JobCounts>;
}

export interface SendOptions {
  /** Replaces the catalogue's key, e.g. to re-run a job that is still queued under another. */
  readonly singletonKey?: string;
  /**
   * An open transaction to queue the job in: it exists if and only if the transaction commits,
   * like a custody event with its change. On the embedded database this is also the only way
   * to queue from inside a transaction: it holds the single connection.
   */
  readonly transaction?: Kysely<Database>;
}

export interface WorkOptions {
  /** Handlers running at once, per job name. */
  readonly concurrency: number;
}

export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobFilter {
  readonly name?: JobName;
  readonly state?: JobState;
  /** Only the jobs about this item. */
  readonly itemId?: string;
  /** Default 100, at most 10,000. */
  readonly limit?: number;
}

export interface JobInfoOf<N extends JobName> {
  readonly id: string;
  readonly name: N;
  readonly state: JobState;
  /** Null when the stored payload no longer matches the catalogue (queued by another version). */
  readonly payload: JobPayload<N> | null;
  readonly singletonKey: string | null;
  readonly createdOn: Date;
  /** When the current (or last) attempt started. */
  readonly startedOn: Date | null;
  /** When the job completed, failed for good or was cancelled. */
  readonly completedOn: Date | null;
  /** Why the last attempt failed: set on failed jobs and on jobs waiting to retry. */
  readonly error: string | null;
  /** Attempts so far beyond the first. */
  readonly retryCount: number;
  readonly retryLimit: number;
  /** What the handler last reported (kept after the job ends), or null. */
  readonly progress: JobProgress | null;
}

export interface JobProgress {
  /** 0…1. */
  readonly fraction: number;
  readonly detail: string | null;
  readonly updatedOn: Date;
}

export type JobInfo = { [N in JobName]: JobInfoOf<N> }[JobName];

export type JobCounts = { readonly [N in JobName]: { readonly [S in JobState]: number } };
