import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { createLink, revokeLink } from '../../core/release/links.ts';
import {
  createRelease,
  releaseStep,
  revokeRelease,
  updateRelease,
} from '../../core/release/releases.ts';
import {
  accessCsv,
  findRelease,
  listReleases,
  releaseHistory,
  releaseJson,
  type ReleaseJson,
} from '../../core/release/view.ts';
import { writeReleaseSite } from '../../server/published/site.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson, progressPrinter, usageError } from '../output.ts';

const list = (v: string, prev: string[] = []): string[] => [...prev, v];

function describe(r: ReleaseJson): string {
  return [
    `${r.id}  ${r.status}${r.published ? ' (published)' : ''}  ${r.audience}  embargo ${r.embargoAt}  ${r.title}`,
    ...r.videos.map(
      (v) => `  video ${String(v.position)}: redaction ${v.redactionId} (${v.status}) ${v.caption}`,
    ),
    ...r.texts.map((t) => `  text ${String(t.position)}: ${t.heading}`),
    ...r.partners.map((p) => `  partner ${p.name} <${p.email}>`),
    ...r.links.map(
      (l) =>
        `  link ${l.id} for ${l.recipient}, ${l.active ? `until ${l.expiresAt}` : l.revokedAt === null ? 'expired' : 'revoked'}`,
    ),
  ].join('\n');
}

/** The texts given as --text "Heading::Body" or --incident-text ID::Heading::Body. */
function texts(plain: string[], incident: string[]) {
  return [
    ...plain.map((t) => {
      const [heading = '', ...body] = t.split('::');
      return { heading, body: body.join('::') };
    }),
    ...incident.map((t) => {
      const [incidentId = '', heading = '', ...body] = t.split('::');
      return { incidentId, heading, body: body.join('::') };
    }),
  ];
}

async function partnerIds(a: Archive, emails: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const email of emails) {
    const row = await a.db
      .selectFrom('account')
      .select('id')
      .where('email', '=', email.trim().toLowerCase())
      .where('role', '=', 'partner')
      .executeTakeFirst();
    if (row === undefined) throw usageError(`No partner account has the email ${email}.`);
    ids.push(row.id);
  }
  return ids;
}

interface ContentFlags {
  title?: string;
  summary?: string;
  warning?: string;
  audience?: string;
  embargo?: string;
  requireVerified?: boolean;
  video: string[];
  text: string[];
  incidentText: string[];
  partner: string[];
}

async function content(a: Archive, f: ContentFlags) {
  return {
    ...(f.title === undefined ? {} : { title: f.title }),
    ...(f.summary === undefined ? {} : { summary: f.summary }),
    ...(f.warning === undefined ? {} : { contentWarning: f.warning }),
    ...(f.audience === undefined ? {} : { audience: f.audience }),
    ...(f.embargo === undefined ? {} : { embargoAt: new Date(f.embargo).toISOString() }),
    ...(f.requireVerified === undefined ? {} : { requireVerified: f.requireVerified }),
    ...(f.video.length === 0
      ? {}
      : {
          videos: f.video.map((v) => {
            const [redactionId = '', ...caption] = v.split('::');
            return { redactionId, caption: caption.join('::') };
          }),
        }),
    ...(f.text.length + f.incidentText.length === 0
      ? {}
      : { texts: texts(f.text, f.incidentText) }),
    ...(f.partner.length === 0 ? {} : { partners: await partnerIds(a, f.partner) }),
  };
}

function contentOptions(c: Command): Command {
  return c
    .option('--title <text>', 'the title')
    .option('--summary <text>', 'the introduction')
    .option('--warning <text>', 'the content warning shown before the videos')
    .option('--audience <who>', 'public or partners')
    .option('--embargo <when>', 'when it goes out (ISO date-time, e.g. 2026-12-01T09:00:00+03:00)')
    .option('--require-verified', 'refuse material that is not verified')
    .option(
      '--video <redaction>',
      'an approved redaction, optionally REDACTION::caption (repeat)',
      list,
      [],
    )
    .option('--text <text>', 'a text: Heading::Body (repeat)', list, [])
    .option('--incident-text <text>', 'a text about an incident: INCIDENT::Heading::Body', list, [])
    .option('--partner <email>', 'a partner account to share with (repeat)', list, []);
}

/**
 * Releases from the command line: the same use cases and custody events as the API, as
 * CUSTODY_ACTOR (approval by another actor name), and the static site of published releases.
 */
export function registerReleases(program: Command): void {
  const out = <T>(value: T, text: (v: T) => string): void => {
    if (program.opts<GlobalOptions>().json === true) printJson(value);
    else process.stdout.write(text(value) + '\n');
  };
  const show = async (a: Archive, id: string) => ({
    ...(await releaseJson(a.db, await findRelease(a.db, id), a.clock.now())),
    history: await releaseHistory(a.db, id),
  });
  const run = async (fn: (a: Archive) => Promise<string>) => {
    const value = await withArchive(program.opts<GlobalOptions>(), async (a) =>
      show(a, await fn(a)),
    );
    out(value, describe);
  };
  const cmd = program
    .command('releases')
    .description('batches of approved redactions and texts for partners or the public');

  cmd
    .command('list')
    .description('releases, newest change first')
    .action(async () => {
      const value = await withArchive(program.opts<GlobalOptions>(), (a) =>
        listReleases(a.db, a.clock.now()),
      );
      out(value, (v) =>
        v.length === 0
          ? 'No releases.'
          : v
              .map(
                (r) =>
                  `${r.id}  ${r.status}${r.published ? ' (published)' : ''}  ${r.audience}  ${r.embargoAt}  ${r.title}`,
              )
              .join('\n'),
      );
    });
  cmd
    .command('show')
    .argument('<id>', 'release id')
    .description('content, audience, links, who looked, history')
    .action(async (id: string) => {
      await run(() => Promise.resolve(id));
    });
  contentOptions(cmd.command('create').description('start a release (a draft)')).action(
    async (flags: ContentFlags) => {
      if (flags.title === undefined || flags.audience === undefined || flags.embargo === undefined)
        throw usageError('A release needs --title, --audience and --embargo.');
      await run(async (a) => createRelease(a, a.actor, await content(a, flags)));
    },
  );
  contentOptions(
    cmd
      .command('set')
      .argument('<id>', 'release id')
      .requiredOption('--version <n>', 'the version you are changing'),
  )
    .description('change a draft (lists given replace the lists)')
    .action(async (id: string, flags: ContentFlags & { version: string }) => {
      await run(async (a) => {
        await updateRelease(a, a.actor, id, {
          version: Number(flags.version),
          ...(await content(a, flags)),
        });
        return id;
      });
    });
  for (const step of ['submit', 'approve', 'return'] as const)
    cmd
      .command(step)
      .argument('<id>', 'release id')
      .requiredOption('--version <n>', 'the version you looked at')
      .option('--note <text>', 'a note for the log')
      .description(
        {
          submit: 'submit a draft for review',
          approve: 'approve it (not its author)',
          return: 'send it back to draft',
        }[step],
      )
      .action(async (id: string, flags: { version: string; note?: string }) => {
        await run(async (a) => {
          await releaseStep(a, a.actor, id, step, {
            version: Number(flags.version),
            ...(flags.note === undefined ? {} : { note: flags.note }),
          });
          return id;
        });
      });
  cmd
    .command('revoke')
    .argument('<id>', 'release id')
    .option('--reason <text>', 'why')
    .description('take it away from every audience and link at once')
    .action(async (id: string, flags: { reason?: string }) => {
      await run(async (a) => {
        await revokeRelease(
          a,
          a.actor,
          id,
          flags.reason === undefined ? {} : { reason: flags.reason },
        );
        return id;
      });
    });
  cmd
    .command('link')
    .argument('<id>', 'release id (a partners release)')
    .requiredOption('--recipient <name>', 'who it is for (named in the watermark)')
    .requiredOption('--expires <when>', 'when it stops working (ISO date-time)')
    .description('a share link for one named recipient; the address is shown only now')
    .action(async (id: string, flags: { recipient: string; expires: string }) => {
      const value = await withArchive(program.opts<GlobalOptions>(), (a) =>
        createLink(a, a.actor, id, {
          recipient: flags.recipient,
          expiresAt: new Date(flags.expires).toISOString(),
        }),
      );
      out(
        { ...value, path: `/shared/${value.token}` },
        (v) => `Link ${v.id}: ${v.path} (shown only now)`,
      );
    });
  cmd
    .command('unlink')
    .argument('<id>', 'release id')
    .argument('<link>', 'link id')
    .description('revoke a share link')
    .action(async (id: string, link: string) => {
      await run(async (a) => {
        await revokeLink(a, a.actor, id, link);
        return id;
      });
    });
  cmd
    .command('access')
    .argument('<id>', 'release id')
    .option('--csv <file>', 'write it as CSV (UTF-8, for spreadsheets) instead')
    .description('who outside viewed, played or downloaded what, and when')
    .action(async (id: string, flags: { csv?: string }) => {
      const value = await withArchive(program.opts<GlobalOptions>(), async (a) => {
        const release = await releaseJson(a.db, await findRelease(a.db, id), a.clock.now());
        if (flags.csv !== undefined) await fs.writeFile(flags.csv, await accessCsv(a.db, id));
        return release.access;
      });
      if (flags.csv !== undefined) return;
      out(value, (rows) =>
        rows.length === 0
          ? 'Nobody outside has opened it.'
          : rows
              .map(
                (r) =>
                  `${r.at}  ${r.action.padEnd(8)} ${r.position === null ? '-' : String(r.position)}  ${r.recipient}`,
              )
              .join('\n'),
      );
    });
  cmd
    .command('site')
    .requiredOption('--out <dir>', 'a new or empty folder')
    .description('write the published public releases as a static site (pages, videos, SHA256SUMS)')
    .action(async (flags: { out: string }) => {
      const opts = program.opts<GlobalOptions>();
      const progress = progressPrinter(opts.quiet === true);
      const value = await withArchive(opts, (a) =>
        writeReleaseSite(a, path.resolve(flags.out), progress.update),
      ).finally(progress.end);
      out(
        value,
        (v) =>
          `Wrote ${String(v.releases)} releases, ${String(v.videos)} videos, ${String(v.files)} files (${String(v.bytes)} bytes).`,
      );
    });
}
