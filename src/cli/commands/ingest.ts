import type { Command } from 'commander';
import { ingest, type IngestSummary } from '../../core/ingest/ingest.ts';
import { seal } from '../../core/seal/seal.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { printSeal } from './seal.ts';
import {
  EXIT,
  formatBytes,
  formatDuration,
  printJson,
  progressPrinter,
  usageError,
} from '../output.ts';

interface IngestFlags {
  acquisition?: string;
  receivedFrom?: string;
  receivedAt?: string;
  note?: string;
  concurrency: string;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .argument(
      '<source>',
      'the folder to take in (e.g. the mount point of a drive); it is only read',
    )
    .description(
      'take in a drive or folder: hash, copy, record and probe every file, with its chain of custody',
    )
    .requiredOption(
      '-a, --acquisition <name>',
      'name of this handover; re-run with the same name to resume',
    )
    .option('--received-from <who>', 'who handed the material over')
    .option('--received-at <date>', 'when it was received (ISO 8601, e.g. 2021-03-14)')
    .option('--note <text>', 'how it arrived: medium, seals, condition')
    .option('--concurrency <n>', 'files read at once', '4')
    .action(async (source: string, flags: IngestFlags) => {
      const opts = program.opts<GlobalOptions>();
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw usageError('--concurrency must be a whole number from 1 to 64.');
      const controller = new AbortController();
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts += 1;
        if (interrupts > 1) process.exit(EXIT.interrupted); // second Ctrl-C: the archive is consistent at any point
        process.stderr.write(
          '\nStopping after the files in progress; run the same command again to finish.\n',
        );
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const progress = progressPrinter(opts.quiet === true);
      const { summary, sealed } = await withArchive(opts, async (archive) => {
        const summary = await ingest(archive, {
          source,
          archiveDir: archive.dataDir,
          acquisition: {
            name: flags.acquisition ?? '',
            receivedFrom: flags.receivedFrom,
            receivedAt: flags.receivedAt,
            note: flags.note,
          },
          concurrency,
          signal: controller.signal,
          onProgress: progress.update,
        });
        // What was just taken in is sealed (and timestamped) at once, not at the next cron run.
        const sealed = summary.interrupted ? null : await seal(archive);
        return { summary, sealed };
      }).finally(progress.end);
      if (opts.json === true) printJson({ ...summary, seal: sealed });
      else {
        printSummary(summary);
        if (sealed !== null) printSeal(sealed);
      }
      if (summary.interrupted) process.exitCode = EXIT.interrupted;
    });
}

function printSummary(s: IngestSummary): void {
  const lines = [
    `${s.interrupted ? 'Interrupted' : 'Done'}: acquisition "${s.acquisition}" (${s.acquisitionId})${s.resumed ? ', resumed' : ''} in ${formatDuration(s.seconds)}.`,
    `  new items:          ${s.newItems}`,
    `  exact duplicates:   ${s.duplicateFiles} files (already in the archive)`,
    `  done in a previous run: ${s.alreadyDone}`,
    `  symbolic links:     ${s.symlinks} (recorded, not followed)`,
    `  copied:             ${formatBytes(s.bytesCopied)}`,
    `  skipped:            ${s.skipped.length}`,
    ...s.skipped.slice(0, 20).map((k) => `    ${k.path}: [${k.code}] ${k.message}`),
    ...(s.skipped.length > 20 ? [`    … and ${s.skipped.length - 20} more (see --json)`] : []),
    `  items with problems: ${s.problems.length}`,
    ...s.problems.slice(0, 20).map((p) => `    ${p.itemId}: [${p.code}] ${p.message}`),
  ];
  if (s.interrupted)
    lines.push('Run the same command again to finish; what is done will be skipped.');
  process.stdout.write(lines.join('\n') + '\n');
}
