import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import {
  createRedaction,
  queueRender,
  reviewRedaction,
  updateRedaction,
} from '../../core/redaction/redactions.ts';
import {
  findRedaction,
  listRedactions,
  redactionHistory,
  redactionJson,
  type RedactionJson,
} from '../../core/redaction/view.ts';
import { resolveSubject } from '../../core/verification/subject.ts';
import { jobHandlers } from '../../core/jobs/handlers.ts';
import type { RedactionStatus } from '../../db/release-schema.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson, usageError } from '../output.ts';

const STATUSES = ['draft', 'rendering', 'rendered', 'failed', 'approved', 'returned'] as const;

function line(r: RedactionJson): string {
  const render =
    r.render === null
      ? 'not rendered'
      : `render v${String(r.render.version)}${r.render.current ? '' : ' (outdated)'}, ${String(r.facesFlagged)} frames with faces`;
  return `${r.id}  ${r.status.padEnd(9)} v${String(r.version)}  item ${r.itemId}  ${String(r.spec.masks.length)} masks, ${String(r.spec.audio.length)} audio  ${render}${r.title === '' ? '' : `  ${r.title}`}`;
}

async function readSpec(file: string): Promise<unknown> {
  const text = file === '-' ? await readStdin() : await fs.readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw usageError(`--spec ${file} is not JSON: give {"masks": […], "audio": […], "cut": null}.`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Renders in this process and returns when the redaction is no longer rendering. */
async function renderNow(archive: Archive, id: string): Promise<void> {
  const jobs = await archive.startJobs();
  await jobs.work(jobHandlers(archive), { concurrency: 1 });
  for (;;) {
    const row = await findRedaction(archive.db, id);
    if (row.status !== 'rendering') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Redactions from the command line: the same use cases and custody events as the API, acting
 * as CUSTODY_ACTOR; the two-person rule holds by actor name (CUSTODY_ACTOR=… for the reviewer).
 */
export function registerRedactions(program: Command): void {
  const out = <T>(value: T, text: (v: T) => string): void => {
    if (program.opts<GlobalOptions>().json === true) printJson(value);
    else process.stdout.write(text(value) + '\n');
  };
  const show = async (a: Archive, id: string) => {
    const row = await findRedaction(a.db, id);
    return { ...redactionJson(row), history: await redactionHistory(a.db, row) };
  };
  const cmd = program
    .command('redactions')
    .description('redacted copies of videos: masks, audio, cut; render; review');

  cmd
    .command('list')
    .option('--status <status>', `only these (${STATUSES.join(', ')})`)
    .option('--item <id>', 'only redactions of this item')
    .description('redactions, newest change first')
    .action(async (flags: { status?: string; item?: string }) => {
      if (flags.status !== undefined && !(STATUSES as readonly string[]).includes(flags.status))
        throw usageError(`--status must be one of ${STATUSES.join(', ')}.`);
      const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
        const itemId =
          flags.item === undefined ? undefined : (await resolveSubject(a.db, flags.item)).id;
        return listRedactions(a.db, {
          status: flags.status as RedactionStatus | undefined,
          itemId,
        });
      });
      out(value, (v) => (v.length === 0 ? 'No redactions.' : v.map(line).join('\n')));
    });

  cmd
    .command('show')
    .argument('<id>', 'redaction id')
    .description('the decisions, render, face check, review and history')
    .action(async (id: string) => {
      const value = await withArchive(program.opts<GlobalOptions>(), (a) => show(a, id));
      out(value, (v) =>
        [
          line(v),
          ...v.spec.masks.map(
            (m) =>
              `  mask ${m.id} ${m.fill} ${String(m.start)}–${String(m.end)} s, ${String(m.keyframes.length)} keyframes`,
          ),
          ...v.spec.audio.map((r) => `  audio ${r.mode} ${String(r.start)}–${String(r.end)} s`),
          ...(v.spec.cut === null
            ? []
            : [`  cut ${String(v.spec.cut.start)}–${String(v.spec.cut.end)} s`]),
          ...(v.renderError === null ? [] : [`  render failed: ${v.renderError}`]),
          ...(v.review === null ? [] : [`  reviewed by ${v.review.by}: ${v.review.note}`]),
        ].join('\n'),
      );
    });

  cmd
    .command('create')
    .argument('<item>', 'item id or hash prefix (a video)')
    .option('--segment <id>', 'cut to this segment of the item')
    .option('--title <text>', 'a name for it')
    .option('--no-faces', 'do not pre-fill masks from the face tracks')
    .description('start a redaction; the face tracks become opaque masks')
    .action(async (item: string, flags: { segment?: string; title?: string; faces: boolean }) => {
      const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
        const subject = await resolveSubject(a.db, item);
        const id = await createRedaction(a, a.actor, subject.id, {
          ...(flags.segment === undefined ? {} : { segmentId: flags.segment }),
          ...(flags.title === undefined ? {} : { title: flags.title }),
          prefillFaces: flags.faces,
        });
        return show(a, id);
      });
      out(value, line);
    });

  cmd
    .command('set')
    .argument('<id>', 'redaction id')
    .requiredOption('--version <n>', 'the version you are changing (see show)')
    .option('--spec <file>', 'the decisions as JSON ("-" reads stdin)')
    .option('--title <text>', 'a new name')
    .description('change the decisions; the redaction needs a new render')
    .action(async (id: string, flags: { version: string; spec?: string; title?: string }) => {
      const spec = flags.spec === undefined ? undefined : await readSpec(flags.spec);
      const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
        await updateRedaction(a, a.actor, id, {
          version: Number(flags.version),
          ...(spec === undefined ? {} : { spec }),
          ...(flags.title === undefined ? {} : { title: flags.title }),
        });
        return show(a, id);
      });
      out(value, line);
    });

  cmd
    .command('render')
    .argument('<id>', 'redaction id')
    .option('--wait', 'render in this process and return when done')
    .description('render the current version (a background job; see "custody jobs")')
    .action(async (id: string, flags: { wait?: boolean }) => {
      const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
        await queueRender(a, id);
        if (flags.wait === true) await renderNow(a, id);
        return show(a, id);
      });
      out(value, line);
      if (value.status === 'failed') process.exitCode = 1;
    });

  cmd
    .command('review')
    .argument('<id>', 'redaction id')
    .requiredOption('--version <n>', 'the version you watched')
    .option('--approve', 'approve the render')
    .option('--return', 'send it back')
    .option('--note <text>', 'why (needed to approve a render with faces flagged)')
    .description('approve or send back a render: not by anyone who changed it')
    .action(
      async (
        id: string,
        flags: { version: string; approve?: boolean; return?: boolean; note?: string },
      ) => {
        if ((flags.approve === true) === (flags.return === true))
          throw usageError('Give exactly one of --approve or --return.');
        const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
          await reviewRedaction(a, a.actor, id, {
            decision: flags.approve === true ? 'approve' : 'return',
            version: Number(flags.version),
            ...(flags.note === undefined ? {} : { note: flags.note }),
          });
          return show(a, id);
        });
        out(value, line);
      },
    );
}
