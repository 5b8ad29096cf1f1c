import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { Archive } from '../../archive.ts';
import { accountability, accountabilityCsv } from '../../core/responses/accountability.ts';
import { suggestNames } from '../../core/responses/aliases.ts';
import { MATCH_KINDS, type MatchKind } from '../../db/responses-schema.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printJson, usageError } from '../output.ts';
import { number, oneOf } from './responses.ts';

/**
 * Names across alphabets (which known record a name may be) and the accountability view of a
 * facility or an incident, with its CSV export.
 */
export function registerAccountability(program: Command): void {
  const run =
    <T>(fn: (archive: Archive) => Promise<T>, text: (value: T) => string) =>
    async (): Promise<void> => {
      const opts = program.opts<GlobalOptions>();
      const value = await withArchive(opts, fn);
      if (opts.json === true) printJson(value);
      else process.stdout.write(text(value) + '\n');
    };

  // ---- names ----------------------------------------------------------------------------------
  const names = program.command('names').description('names across alphabets and spellings');
  names
    .command('match')
    .argument('[name]', 'the name to look up, in any alphabet')
    .requiredOption('--kind <kind>', MATCH_KINDS.join(', '))
    .option('--id <id>', 'a record: match its names, leaving out pairs already decided')
    .option('--limit <n>', 'at most this many', '10')
    .description('people, facilities or organisations a name may be')
    .action((name: string | undefined, flags: { kind: string; id?: string; limit: string }) =>
      run(
        (a) =>
          suggestNames(a.db, {
            kind: oneOf<MatchKind>('--kind', MATCH_KINDS, flags.kind),
            name,
            id: flags.id,
            limit: number('--limit', flags.limit),
          }),
        (rows) =>
          rows
            .map((s) => `${s.id}  ${s.score.toFixed(2)}  ${s.label}  (as ${s.name}: ${s.why})`)
            .join('\n') || 'No likely matches.',
      )(),
    );

  // ---- accountability -----------------------------------------------------------------------
  program
    .command('accountability')
    .description('incidents, releases and responses of a facility or an incident, by date')
    .option('--facility <id>', 'a facility')
    .option('--incident <id>', 'an incident')
    .option('--csv <file>', 'write the timeline as CSV to this file ("-" for standard output)')
    .action(async (flags: { facility?: string; incident?: string; csv?: string }) => {
      const opts = program.opts<GlobalOptions>();
      if ((flags.facility === undefined) === (flags.incident === undefined))
        throw usageError('Give either --facility or --incident.');
      const view = await withArchive(opts, (a) =>
        accountability(
          a.db,
          flags.facility !== undefined
            ? { facilityId: flags.facility }
            : { incidentId: flags.incident ?? '' },
        ),
      );
      if (flags.csv === '-') {
        process.stdout.write(accountabilityCsv(view));
        return;
      }
      if (flags.csv !== undefined) await fs.writeFile(flags.csv, accountabilityCsv(view));
      if (opts.json === true) {
        printJson(view);
        return;
      }
      const lines = [
        `${view.scope.kind} ${view.scope.name}: ${view.counts.incidents} incidents, ${view.counts.responses} responses`,
        ...view.timeline.map((e) =>
          e.kind === 'incident'
            ? `  ${e.date ?? '(no date)'}  incident  ${e.title}`
            : `  ${e.date ?? '(no date)'}  ${e.type}  ${e.actingBody ?? ''} ${e.summary}`,
        ),
        ...(flags.csv === undefined ? [] : [`CSV written to ${flags.csv}.`]),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
