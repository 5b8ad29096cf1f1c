import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { createClaim } from '../../core/responses/claims.ts';
import { createResponse } from '../../core/responses/responses.ts';
import { createSource } from '../../core/responses/sources.ts';
import {
  claimsJson,
  claimView,
  responsesJson,
  responseView,
  sourceJson,
  sourceView,
  type ClaimJson,
} from '../../core/responses/views.ts';
import { listSources } from '../../db/responses-query.ts';
import { RESPONSE_TYPES, type ResponseType } from '../../db/responses-schema.ts';
import type { Conflict } from '../../domain/conflicts.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson, usageError } from '../output.ts';

const list = (v: string, prev: string[] = []): string[] => [...prev, v];
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Only the options given: a core default applies to the rest. */
function given(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw usageError(`${flag} must be a number, not "${value}".`, `For example ${flag} 7.`);
  return n;
}

export function oneOf<T extends string>(flag: string, values: readonly T[], value: string): T {
  if (!(values as readonly string[]).includes(value))
    throw usageError(`${flag} must be one of: ${values.join(', ')}.`);
  return value as T;
}

function claimLine(c: ClaimJson): string {
  const where = [c.source.outlet, c.source.publishedOn, c.source.url].filter(Boolean).join(', ');
  return `  ${c.id}  “${c.quote}”${c.summary === '' ? '' : ` (${c.summary})`} — ${where}`;
}

function conflictLines(conflicts: readonly Conflict[]): string[] {
  return conflicts.flatMap((c) => [
    `  SOURCES DISAGREE on the ${c.field}${c.unit === null || c.unit === '' ? '' : ` (${c.unit})`}:`,
    ...c.values.map(
      (v) =>
        `    ${String(v.value)}: ${v.claims
          .map(
            (cl) =>
              `${cl.source.outlet || '(no outlet)'}${cl.source.url === null ? '' : ` <${cl.source.url}>`}`,
          )
          .join('; ')}`,
    ),
  ]);
}

/**
 * Sources, claims and official responses from the command line: the same use cases and custody
 * events as the API, acting as CUSTODY_ACTOR. (Names and accountability: accountability.ts.)
 */
export function registerResponses(program: Command): void {
  const run =
    <T>(fn: (archive: Archive) => Promise<T>, text: (value: T) => string) =>
    async (): Promise<void> => {
      const opts = program.opts<GlobalOptions>();
      const value = await withArchive(opts, fn);
      if (opts.json === true) printJson(value);
      else process.stdout.write(text(value) + '\n');
    };

  // ---- sources ------------------------------------------------------------------------------
  const sources = program.command('sources').description('sources: list, add, show');
  sources
    .command('list')
    .description('sources, latest publication first')
    .option('--search <text>', 'in title, outlet, author or URL')
    .option('--limit <n>', 'at most this many', '100')
    .action((flags: { search?: string; limit: string }) =>
      run(
        async (a) =>
          (
            await listSources(
              a.db,
              { search: flags.search },
              null,
              number('--limit', flags.limit) ?? 100,
            )
          ).map((s) => ({ ...sourceJson(s), claims: s.claims })),
        (rows) =>
          rows
            .map(
              (s) =>
                `${s.id}  ${s.publishedOn ?? '(no date)'}  ${s.outlet}  ${s.title}  [${count(s.claims ?? 0, 'claim')}]`,
            )
            .join('\n') || 'No sources.',
      )(),
    );
  sources
    .command('add')
    .description('record a news report, statement or document')
    .option('--kind <kind>', 'news, document, statement, court or other', 'news')
    .option('--outlet <name>', 'who published it')
    .option('--author <name>', 'who wrote it')
    .option('--url <url>', 'where it was published')
    .option('--published-on <day>', 'YYYY-MM-DD')
    .option('--language <code>', 'e.g. ru, en')
    .option('--title <title>', 'its headline or title')
    .option('--text-file <file>', 'the text as archived (UTF-8)')
    .option('--item <id>', 'the stored copy (PDF, HTML) as an item')
    .option('--note <text>', 'an internal note')
    .action(
      (flags: {
        kind: string;
        outlet?: string;
        author?: string;
        url?: string;
        publishedOn?: string;
        language?: string;
        title?: string;
        textFile?: string;
        item?: string;
        note?: string;
      }) =>
        run(
          async (a) => {
            const text =
              flags.textFile === undefined ? undefined : await fs.readFile(flags.textFile, 'utf8');
            const { id } = await createSource(
              a,
              a.actor,
              given({
                kind: flags.kind,
                outlet: flags.outlet,
                author: flags.author,
                url: flags.url,
                publishedOn: flags.publishedOn,
                language: flags.language,
                title: flags.title,
                archivedText: text,
                itemId: flags.item,
                note: flags.note,
              }),
            );
            return sourceView(a.db, id);
          },
          (s) => `Created source ${s.id}: ${s.outlet} ${s.title}`.trimEnd(),
        )(),
    );
  sources
    .command('show')
    .argument('<id>', 'source id')
    .description('a source with its claims')
    .action((id: string) =>
      run(
        (a) => sourceView(a.db, id),
        (s) =>
          [
            `${s.title || '(untitled)'} — ${s.outlet} ${s.publishedOn ?? ''}`.trimEnd(),
            ...(s.url === null ? [] : [`  ${s.url}`]),
            `  ${s.kind}${s.language === '' ? '' : `, ${s.language}`}, ${s.archivedText.length} characters archived`,
            ...s.claims.map(claimLine),
          ].join('\n'),
      )(),
    );

  // ---- claims -------------------------------------------------------------------------------
  const claims = program.command('claims').description('claims quoted from sources: add, list');
  claims
    .command('add')
    .description('quote a claim from a source')
    .requiredOption('--source <id>', 'the source quoted')
    .requiredOption('--quote <sentence>', 'the exact sentence')
    .option('--summary <text>', 'what it says, e.g. "seven officers fired"')
    .option('--figure <n>', 'the number it states')
    .option('--unit <unit>', 'what the number counts, e.g. "people fired"')
    .option('--date <day>', 'the date it states (YYYY-MM-DD)')
    .option('--incident <id>', 'an incident it is about (repeatable)', list)
    .option('--person <id>', 'a person it names (repeatable)', list)
    .option('--organisation <id>', 'an organisation it names (repeatable)', list)
    .option('--response <id>', 'a response it reports (repeatable)', list)
    .action(
      (flags: {
        source: string;
        quote: string;
        summary?: string;
        figure?: string;
        unit?: string;
        date?: string;
        incident?: string[];
        person?: string[];
        organisation?: string[];
        response?: string[];
      }) =>
        run(
          async (a) => {
            const { id } = await createClaim(
              a,
              a.actor,
              given({
                sourceId: flags.source,
                quote: flags.quote,
                summary: flags.summary,
                figure: number('--figure', flags.figure),
                figureUnit: flags.unit,
                claimedDate: flags.date,
                incidents: flags.incident,
                people: flags.person,
                organisations: flags.organisation,
                responses: flags.response,
              }),
            );
            return claimView(a.db, id);
          },
          (c) => `Created claim ${c.id}: “${c.quote}”`,
        )(),
    );
  claims
    .command('list')
    .description('the claims of a source, about a response or about an incident')
    .option('--source <id>', 'quoted from this source')
    .option('--response <id>', 'reporting this response')
    .option('--incident <id>', 'about this incident')
    .action((flags: { source?: string; response?: string; incident?: string }) =>
      run(
        (a) => {
          if (flags.source !== undefined) return claimsJson(a.db, { sourceId: flags.source });
          if (flags.response !== undefined) return claimsJson(a.db, { responseId: flags.response });
          if (flags.incident !== undefined) return claimsJson(a.db, { incidentId: flags.incident });
          throw usageError('Give --source, --response or --incident.');
        },
        (rows) => rows.map(claimLine).join('\n') || 'No claims.',
      )(),
    );

  // ---- responses ----------------------------------------------------------------------------
  const responses = program.command('responses').description('official responses: list, add, show');
  responses
    .command('list')
    .description('official responses, oldest first')
    .option('--type <type>', RESPONSE_TYPES.join(', '))
    .option('--facility <id>', 'concerning this facility or an incident there')
    .option('--incident <id>', 'answering this incident')
    .option('--organisation <id>', 'by this acting body')
    .action(
      (flags: { type?: string; facility?: string; incident?: string; organisation?: string }) =>
        run(
          (a) =>
            responsesJson(a.db, {
              type:
                flags.type === undefined
                  ? undefined
                  : oneOf<ResponseType>('--type', RESPONSE_TYPES, flags.type),
              facilityId: flags.facility,
              incidentId: flags.incident,
              organisationId: flags.organisation,
            }),
          (rows) =>
            rows
              .map(
                (r) =>
                  `${r.id}  ${r.date ?? '(no date)'}  ${r.type.padEnd(20)} ${r.actingBody ?? ''}  ${r.summary}  [${count(r.sources.length, 'source')}]`,
              )
              .join('\n') || 'No responses.',
        )(),
    );
  responses
    .command('add')
    .description('record an official response')
    .requiredOption('--type <type>', RESPONSE_TYPES.join(', '))
    .option('--date <day>', 'when (YYYY-MM-DD)')
    .option('--body <organisation>', 'the acting body (organisation id)')
    .option('--facility <id>', 'the facility it concerns')
    .option('--summary <text>', 'what was done')
    .option('--incident <id>', 'an incident it answers (repeatable)', list)
    .option(
      '--person <id:role>',
      'a person concerned: subject, official, victim, witness, other (repeatable)',
      list,
    )
    .option('--claim <id>', 'a claim that reports it (repeatable)', list)
    .action(
      (flags: {
        type: string;
        date?: string;
        body?: string;
        facility?: string;
        summary?: string;
        incident?: string[];
        person?: string[];
        claim?: string[];
      }) =>
        run(
          async (a) => {
            const people = (flags.person ?? []).map((p) => {
              const [personId, role] = p.split(':');
              if (personId === undefined || role === undefined)
                throw usageError(
                  `--person takes ID:ROLE, not "${p}".`,
                  'For example --person 0b6…:subject',
                );
              return { personId, role };
            });
            const { id } = await createResponse(
              a,
              a.actor,
              given({
                type: flags.type,
                date: flags.date,
                actingBodyId: flags.body,
                facilityId: flags.facility,
                summary: flags.summary,
                incidents: flags.incident,
                people: flags.person === undefined ? undefined : people,
                claims: flags.claim,
              }),
            );
            return responseView(a.db, id);
          },
          (r) => `Created response ${r.id}: ${r.type} ${r.date ?? ''}`.trimEnd(),
        )(),
    );
  responses
    .command('show')
    .argument('<id>', 'response id')
    .description('a response with its people, incidents, claims, and where sources disagree')
    .action((id: string) =>
      run(
        (a) => responseView(a.db, id),
        (r) =>
          [
            `${r.type} ${r.date ?? '(no date)'}${r.actingBody === null ? '' : ` by ${r.actingBody}`}${r.facility === null ? '' : ` at ${r.facility}`}`,
            ...(r.summary === '' ? [] : [`  ${r.summary}`]),
            ...r.people.map((p) => `  ${p.role}: ${p.pseudonym}`),
            ...r.incidents.map((i) => `  answers: ${i.title} (${i.startsAt ?? 'no date'})`),
            ...r.claims.map(claimLine),
            ...conflictLines(r.conflicts),
          ].join('\n'),
      )(),
    );
}
