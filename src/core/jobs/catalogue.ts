import { z } from 'zod';
import { isUuid } from '../../domain/ids.ts';

/**
 * The job catalogue (DESIGN rule 3): one name, one payload type, one handler, idempotent,
 * checked at boot. A job's name and payload are a stored contract: jobs written by one
 * version are worked by the next, so a payload that must change gets a new name.
 */
export interface JobCatalogue {
  /** A browser-playable proxy of a video item; the original blob is only read. */
  'media.proxy': ItemJob;
  /** Poster frame and contact sheet of a video or image item. */
  'media.thumbnails': ItemJob;
  /** The camera overlay (recorded start time, device id) read from a video's frames. */
  'media.overlay': ItemJob;
  /** A video's perceptual fingerprint, and its matches among the others (copies and cuts). */
  'media.fingerprint': ItemJob;
  /** Face tracks of a video: the input to redaction. */
  'media.faces': ItemJob;
  /** A redacted copy of a video, rendered from one version of a redaction's decisions. */
  'media.redact': RedactJob;
  /** An evidence package (BagIt) asked for in the web app, written to DATA/exports/<id>. */
  'export.bagit': ExportJob;
}

export interface ExportJob {
  readonly exportId: string;
  /** Who asked: recorded as the actor of the export's custody event. */
  readonly actor: string;
  readonly all?: boolean | undefined;
  readonly items?: string[] | undefined;
  readonly incidents?: string[] | undefined;
  readonly description?: string | undefined;
}

export interface RedactJob {
  readonly redactionId: string;
  /** The redacted item: so the item's job list (`jobs --item`, the item page) shows renders. */
  readonly itemId: string;
  /** The version of the decisions to render: a newer version makes an older job a no-op. */
  readonly version: number;
}

export type JobName = keyof JobCatalogue;
export type JobPayload<N extends JobName> = JobCatalogue[N];

export interface ItemJob {
  readonly itemId: string;
}

export interface JobSpec<P> {
  /** Checks payloads where they enter: on send, and again before the handler runs. */
  readonly payload: z.ZodType<P>;
  /**
   * What the job is about. While a job with this key is queued, running or waiting to retry, a
   * second send of it is dropped: sends are idempotent, and handlers must be too.
   */
  readonly key: (payload: P) => string;
  /** The longest one attempt may run; past it the attempt fails (and is retried). */
  readonly timeoutSeconds: number;
  /** Attempts after the first; each waits longer than the one before. */
  readonly retryLimit: number;
}

const itemJob = z.strictObject({
  itemId: z.string().refine(isUuid, 'must be a lowercase UUID'),
});

const redactJob = z.strictObject({
  redactionId: z.string().refine(isUuid, 'must be a lowercase UUID'),
  itemId: z.string().refine(isUuid, 'must be a lowercase UUID'),
  version: z.number().int().min(1),
});

const exportJob = z.strictObject({
  exportId: z.string().refine(isUuid, 'must be a lowercase UUID'),
  actor: z.string().min(1).max(300),
  all: z.boolean().optional(),
  items: z.array(z.string().min(6).max(64)).max(100_000).optional(),
  incidents: z.array(z.string().refine(isUuid, 'must be a lowercase UUID')).max(1000).optional(),
  description: z.string().max(2000).optional(),
});

export const JOBS: { readonly [N in JobName]: JobSpec<JobPayload<N>> } = {
  'media.proxy': {
    payload: itemJob,
    key: (p) => `proxy:${p.itemId}`,
    timeoutSeconds: 6 * 60 * 60, // a multi-hour DVR recording, transcoded on a laptop
    retryLimit: 2,
  },
  'media.thumbnails': {
    payload: itemJob,
    key: (p) => `thumbnails:${p.itemId}`,
    timeoutSeconds: 30 * 60,
    retryLimit: 2,
  },
  'media.overlay': {
    payload: itemJob,
    key: (p) => `overlay:${p.itemId}`,
    timeoutSeconds: 60 * 60,
    retryLimit: 1,
  },
  'media.fingerprint': {
    payload: itemJob,
    key: (p) => `fingerprint:${p.itemId}`,
    timeoutSeconds: 6 * 60 * 60, // one decode of the whole video, at a low frame rate
    retryLimit: 2,
  },
  'media.faces': {
    payload: itemJob,
    key: (p) => `faces:${p.itemId}`,
    timeoutSeconds: 6 * 60 * 60,
    retryLimit: 1,
  },
  'media.redact': {
    payload: redactJob,
    key: (p) => `redact:${p.redactionId}:${String(p.version)}`,
    timeoutSeconds: 6 * 60 * 60,
    retryLimit: 1,
  },
  'export.bagit': {
    payload: exportJob,
    key: (p) => `export:${p.exportId}`,
    timeoutSeconds: 12 * 60 * 60, // terabytes of originals onto a slow disk
    retryLimit: 1,
  },
};

export const JOB_NAMES = Object.freeze(Object.keys(JOBS)) as readonly JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** Validates a payload from outside (HTTP body, CLI argument). Throws a readable error. */
export function parseJobPayload<N extends JobName>(name: N, input: unknown): JobPayload<N> {
  const spec: JobSpec<JobPayload<N>> = JOBS[name];
  const parsed = spec.payload.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw new InvalidJobPayloadError(name, problems);
  }
  return parsed.data;
}

/** A payload that does not match its job's schema. Never worth retrying. */
export class InvalidJobPayloadError extends Error {
  readonly jobName: string;

  constructor(jobName: string, problems: string) {
    super(`invalid payload for job ${jobName}: ${problems}`);
    this.name = 'InvalidJobPayloadError';
    this.jobName = jobName;
  }
}

/** What a handler learns about the attempt it is running. */
export interface JobContext {
  readonly id: string;
  /** 0 on the first attempt, then 1, 2, … on retries. */
  readonly retryCount: number;
  /** Aborted when the attempt times out or the queue shuts down: stop, clean up, and throw. */
  readonly signal: AbortSignal;
  /**
   * Reports how far the attempt has got (0…1) and what it is doing, for `custody jobs` and the
   * web app. Cheap to call often: it is stored at most about once a second.
   */
  progress(fraction: number, detail?: string): void;
}

export type JobHandler<N extends JobName> = (
  payload: JobPayload<N>,
  job: JobContext,
) => Promise<void>;

export type JobHandlers = { readonly [N in JobName]: JobHandler<N> };

/**
 * The one place handlers are registered. The type asks for exactly one handler per job name
 * (a missing name or an unknown one does not compile); the check here catches what a cast
 * or a spread can still smuggle past it, at boot rather than when the first job arrives.
 */
export function defineHandlers(handlers: JobHandlers): JobHandlers {
  const given = handlers as Readonly<Record<string, unknown>>;
  const missing = JOB_NAMES.filter((n) => typeof given[n] !== 'function');
  const unknown = Object.keys(given).filter((n) => !isJobName(n));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      missing.length > 0 ? `no handler for ${missing.join(', ')}` : '',
      unknown.length > 0 ? `handlers for jobs not in the catalogue: ${unknown.join(', ')}` : '',
    ].filter((p) => p !== '');
    throw new Error(`Job handlers do not match the catalogue: ${problems.join('; ')}.`);
  }
  return Object.freeze({ ...handlers });
}
