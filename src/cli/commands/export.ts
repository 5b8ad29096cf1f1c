import type { Command } from 'commander';
import { exportBag, type ExportSummary } from '../../core/export/export.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import {
  EXIT,
  formatBytes,
  formatDuration,
  printJson,
  progressPrinter,
  usageError,
} from '../output.ts';

interface ExportFlags {
  bagit?: string;
  all?: boolean;
  items?: string[];
  acquisition?: string[];
  incident?: string[];
  description?: string;
  organization?: string;
  includeAcquisitions?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write an evidence package (BagIt) that anyone can check without Custody: originals, descriptions, custody events with proofs, a signed and timestamped seal',
    )
    .requiredOption('--bagit <dir>', 'the package folder to create (must not exist, or be empty)')
    .option('--all', 'every item in the archive')
    .option('--items <ids...>', 'these items (ids or 6+ hex digits of their SHA-256)')
    .option('--acquisition <names-or-ids...>', 'every item that came in with these acquisitions')
    .option('--incident <ids...>', 'the items these incidents mark, with the incidents described')
    .option('--description <text>', 'what the package is for (bag-info External-Description)')
    .option('--organization <name>', 'who makes the package (default CUSTODY_ORGANIZATION)')
    .option(
      '--include-acquisitions',
      'also include who handed the material over, the source folder and notes (sensitive: off by default)',
    )
    .action(async (flags: ExportFlags) => {
      const opts = program.opts<GlobalOptions>();
      const chosen = [
        flags.all === true,
        flags.items !== undefined,
        flags.acquisition !== undefined,
        flags.incident !== undefined,
      ];
      if (chosen.filter(Boolean).length === 0)
        throw usageError(
          'Say what to export.',
          'Use --all, --items ID…, --acquisition NAME… or --incident ID….',
        );
      if (flags.all === true && chosen.filter(Boolean).length > 1)
        throw usageError('--all cannot be combined with another selection.');
      const controller = new AbortController();
      const onSignal = (): void => {
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = progressPrinter(opts.quiet === true);
      const summary = await withArchive(opts, (archive) =>
        exportBag(archive, {
          out: flags.bagit ?? '',
          selection: {
            all: flags.all,
            items: flags.items,
            acquisitions: flags.acquisition,
            incidents: flags.incident,
          },
          description: flags.description,
          organization: flags.organization,
          includeAcquisitions: flags.includeAcquisitions,
          onProgress: progress.update,
          signal: controller.signal,
        }),
      ).finally(progress.end);
      if (opts.json === true) printJson(summary);
      else printSummary(summary);
      process.exitCode = EXIT.ok;
    });
}

function printSummary(s: ExportSummary): void {
  const lines = [
    `Exported ${s.items} items (${formatBytes(s.bytes)}) to ${s.out} in ${formatDuration(s.seconds)}.`,
    `  package id:      ${s.exportId}`,
    `  custody events:  ${s.events}, each with an inclusion proof`,
    `  sealed log:      ${s.checkpoint.treeSize} events, tree head ${s.checkpoint.root}`,
    s.timestamps > 0
      ? `  timestamps:      ${s.timestamps}`
      : '  timestamps:      none (set CUSTODY_TSA_URLS): the seal is signed but not anchored in time',
    `  manifest SHA-256: ${s.manifestSha256}`,
    `Check it as the recipient will: cd ${s.out} && see VERIFYING.md`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
