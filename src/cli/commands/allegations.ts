import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { replyToAllegation, triageAllegation } from '../../core/allegations/allegations.ts';
import {
  allegationsPage,
  allegationView,
  type AllegationJson,
} from '../../core/allegations/views.ts';
import { ALLEGATION_STATUSES, type AllegationStatus } from '../../db/allegations-schema.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { formatBytes, printJson, usageError } from '../output.ts';
import { number, oneOf } from './responses.ts';

/** A comma-separated list of ids; "" or "none" clears the links of that kind. */
function idList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || value.trim() === 'none') return [];
  const ids = value.split(',').map((v) => v.trim());
  if (ids.some((v) => v === ''))
    throw usageError(`${flag} takes ids separated by commas.`, `For example ${flag} ID1,ID2`);
  return ids;
}

function detail(a: AllegationJson): string {
  const lines = [
    `${a.id}  ${a.status}${a.duplicateOf === null ? '' : ` of ${a.duplicateOf}`}  received ${a.createdAt} (${a.language})`,
    ...(a.facility === '' ? [] : [`  where: ${a.facility}`]),
    ...(a.occurredOn === '' ? [] : [`  when: ${a.occurredOn}`]),
    ...(a.people === '' ? [] : [`  who: ${a.people}`]),
    '',
    a.account,
    '',
    ...a.attachments.map(
      (t) => `  file ${t.nameShown} (${formatBytes(t.size)}, ${t.kind}) → item ${t.itemId}`,
    ),
    ...a.links.incidents.map((i) => `  incident: ${i.title} (${i.id})`),
    ...a.links.people.map((p) => `  person: ${p.pseudonym} (${p.id})`),
    ...a.links.facilities.map((f) => `  facility: ${f.name} (${f.id})`),
    ...a.messages.map(
      (m) =>
        `  ${m.createdAt} ${m.author === 'staff' ? `reply by ${m.staffActor ?? '?'}` : 'submitter'}: ${m.body}`,
    ),
  ];
  return lines.join('\n');
}

/**
 * Allegations from the command line: list, read, reply and triage, with the same use cases and
 * custody events as the API, acting as CUSTODY_ACTOR. (Submitting is the public pages' job.)
 */
export function registerAllegations(program: Command): void {
  const run =
    <T>(fn: (archive: Archive) => Promise<T>, text: (value: T) => string) =>
    async (): Promise<void> => {
      const opts = program.opts<GlobalOptions>();
      const value = await withArchive(opts, fn);
      if (opts.json === true) printJson(value);
      else process.stdout.write(text(value) + '\n');
    };

  const allegations = program
    .command('allegations')
    .description('allegations sent through the public form: list, show, reply, triage');
  allegations
    .command('list')
    .description('allegations, newest first')
    .option('--status <status>', `only these: ${ALLEGATION_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '100')
    .action((flags: { status?: string; limit: string }) =>
      run(
        async (a) =>
          (
            await allegationsPage(
              a.db,
              {
                status:
                  flags.status === undefined
                    ? undefined
                    : oneOf<AllegationStatus>('--status', ALLEGATION_STATUSES, flags.status),
              },
              undefined,
              number('--limit', flags.limit) ?? 100,
            )
          ).allegations,
        (rows) =>
          rows
            .map(
              (r) =>
                `${r.id}  ${r.createdAt}  ${r.status}  ${r.attachments} files  ${r.messages} messages${r.lastMessageAuthor === 'submitter' ? ' (awaits reply)' : ''}  ${r.excerpt.replace(/\s+/g, ' ').slice(0, 60)}`,
            )
            .join('\n') || 'No allegations.',
      )(),
    );
  allegations
    .command('show')
    .argument('<id>', 'allegation id')
    .description('an allegation with its files, links and messages')
    .action((id: string) => run((a) => allegationView(a.db, id), detail)());
  allegations
    .command('reply')
    .argument('<id>', 'allegation id')
    .description('reply to the submitter (they read it with their receipt code)')
    .option('--text <text>', 'the reply')
    .option('--file <file>', 'the reply, from a UTF-8 file')
    .action((id: string, flags: { text?: string; file?: string }) =>
      run(
        async (a) => {
          if ((flags.text === undefined) === (flags.file === undefined))
            throw usageError('Give the reply with either --text or --file.');
          const body = flags.text ?? (await fs.readFile(flags.file ?? '', 'utf8'));
          await replyToAllegation(a, a.actor, id, { body });
          return allegationView(a.db, id);
        },
        (v) => `Replied to allegation ${v.id} (${v.messages.length} messages now).`,
      )(),
    );
  allegations
    .command('triage')
    .argument('<id>', 'allegation id')
    .description('set the status, the allegation it repeats, and its links')
    .option('--status <status>', ALLEGATION_STATUSES.join(', '))
    .option('--duplicate-of <id>', 'the earlier allegation this one repeats (status: duplicate)')
    .option('--incidents <ids>', 'incidents it is about, comma-separated ("none" clears)')
    .option('--people <ids>', 'people it names, comma-separated ("none" clears)')
    .option('--facilities <ids>', 'facilities it is about, comma-separated ("none" clears)')
    .action(
      (
        id: string,
        flags: {
          status?: string;
          duplicateOf?: string;
          incidents?: string;
          people?: string;
          facilities?: string;
        },
      ) =>
        run(
          async (a) => {
            const patch = Object.fromEntries(
              Object.entries({
                status:
                  flags.status === undefined
                    ? undefined
                    : oneOf('--status', ALLEGATION_STATUSES, flags.status),
                duplicateOf: flags.duplicateOf,
                incidents: idList('--incidents', flags.incidents),
                people: idList('--people', flags.people),
                facilities: idList('--facilities', flags.facilities),
              }).filter(([, v]) => v !== undefined),
            );
            if (Object.keys(patch).length === 0)
              throw usageError(
                'Nothing to change.',
                'Give --status, --duplicate-of, --incidents, --people or --facilities.',
              );
            await triageAllegation(a, a.actor, id, patch);
            return allegationView(a.db, id);
          },
          (v) =>
            `Allegation ${v.id}: ${v.status}${v.duplicateOf === null ? '' : ` of ${v.duplicateOf}`}; ${v.links.incidents.length} incidents, ${v.links.people.length} people, ${v.links.facilities.length} facilities.`,
        )(),
    );
}
