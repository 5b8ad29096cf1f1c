import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { jobHandlers } from '../../core/jobs/handlers.ts';
import { queueMissingWork } from '../../core/media/queue-missing.ts';
import { JOB_STATES, type JobCounts, type JobInfo, type JobState } from '../../core/jobs/queue.ts';
import { isUuid } from '../../domain/ids.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { EXIT, printJson, usageError } from '../output.ts';

function describePayload(payload: JobInfo['payload']): string {
  if (payload === null) return '(unreadable payload)';
  if ('redactionId' in payload)
    return `redaction ${payload.redactionId} v${String(payload.version)} of item ${payload.itemId}`;
  if ('itemId' in payload) return `item ${payload.itemId}`;
  return `export ${payload.exportId}`;
}

/** "42% reading frames  " for a running job that reported progress. */
function describeProgress(job: JobInfo): string {
  if (job.progress === null || job.state !== 'active') return '';
  const percent = `${String(Math.floor(job.progress.fraction * 100))}%`;
  return `${percent.padStart(4)} ${job.progress.detail ?? ''}  `;
}

/** Jobs still to run or running. */
const PENDING: readonly JobState[] = ['created', 'retry', 'active'];

function total(counts: JobCounts, states: readonly JobState[]): number {
  return Object.values(counts).reduce(
    (sum, byState) => sum + states.reduce((s, state) => s + byState[state], 0),
    0,
  );
}

/** Starts the queue, queues what is missing, and works jobs in this process. */
export async function workJobs(archive: Archive, concurrency: number) {
  const jobs = await archive.startJobs();
  const queued = await queueMissingWork(archive.db, jobs);
  await jobs.work(jobHandlers(archive), { concurrency });
  return { jobs, queued };
}

export function registerJobs(program: Command): void {
  program
    .command('jobs')
    .description(
      'background jobs (proxies, thumbnails, overlay, fingerprints, faces, exports): state, progress, errors',
    )
    .option('--state <state>', `only jobs in this state (${JOB_STATES.join(', ')})`)
    .option('--item <id>', 'only the jobs about this item (its id)')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (flags: { state?: string; item?: string; limit: string }) => {
      const opts = program.opts<GlobalOptions>();
      if (flags.state !== undefined && !(JOB_STATES as readonly string[]).includes(flags.state))
        throw usageError(`--state must be one of ${JOB_STATES.join(', ')}.`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw usageError('--limit must be a positive number.');
      if (flags.item !== undefined && !isUuid(flags.item))
        throw usageError('--item takes an item id (a UUID), as "custody items list --json" shows.');
      await withArchive(opts, async (archive) => {
        const jobs = await archive.startJobs();
        const list = await jobs.jobs({
          limit,
          ...(flags.state === undefined ? {} : { state: flags.state as JobState }),
          ...(flags.item === undefined ? {} : { itemId: flags.item }),
        });
        if (opts.json === true) {
          printJson({ counts: await jobs.counts(), jobs: list });
          return;
        }
        if (list.length === 0) process.stdout.write('No jobs.\n');
        for (const j of list)
          process.stdout.write(
            `${j.createdOn.toISOString()}  ${j.name.padEnd(17)} ${j.state.padEnd(9)} ${describeProgress(j)}${describePayload(j.payload)}${j.error === null ? '' : `  ${j.error}`}\n`,
          );
      });
    });

  program
    .command('process')
    .description('queue the missing proxies, thumbnails and analyses, and run jobs in this process')
    .option('--wait', 'return when no job is left to run (for scripts and tests)')
    .option('--concurrency <n>', 'jobs of each kind at once', '1')
    .action(async (flags: { wait?: boolean; concurrency: string }) => {
      const opts = program.opts<GlobalOptions>();
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
        throw usageError('--concurrency must be a whole number from 1 to 16.');
      const summary = await withArchive(opts, async (archive) => {
        const { jobs, queued } = await workJobs(archive, concurrency);
        if (opts.quiet !== true) process.stderr.write(`Queued ${queued} jobs.\n`);
        let counts = await jobs.counts();
        while (flags.wait === true && total(counts, PENDING) > 0) {
          if (opts.quiet !== true)
            process.stderr.write(
              `jobs: ${total(counts, ['active'])} running, ${total(counts, ['created', 'retry'])} waiting, ${total(counts, ['completed'])} done, ${total(counts, ['failed'])} failed\n`,
            );
          await new Promise((r) => setTimeout(r, 1000));
          counts = await jobs.counts();
        }
        if (flags.wait !== true) {
          // Without --wait, work until interrupted, like a worker process.
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => {
              resolve();
            });
          });
        }
        return { queued, counts, failed: total(counts, ['failed']) };
      });
      if (opts.json === true) printJson(summary);
      else
        process.stdout.write(
          `Done: ${summary.failed} jobs failed (see "custody jobs --state failed").\n`,
        );
      if (summary.failed > 0) process.exitCode = EXIT.failed;
    });
}
