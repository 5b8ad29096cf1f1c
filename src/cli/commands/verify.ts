import type { Command } from 'commander';
import { verifyArchive } from '../../core/verify.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { EXIT, formatBytes, printJson, progressPrinter } from '../output.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'check the custody chain and re-hash every blob (fixity); exit 0 only when all is well',
    )
    .option('--quick', 'check the chain and blob sizes only, without re-hashing')
    .action(async (flags: { quick?: boolean }) => {
      const opts = program.opts<GlobalOptions>();
      const progress = progressPrinter(opts.quiet === true);
      const report = await withArchive(opts, (archive) =>
        verifyArchive(archive, { quick: flags.quick === true, onProgress: progress.update }),
      ).finally(progress.end);
      if (opts.json === true) printJson(report);
      else {
        process.stdout.write(
          `${report.ok ? 'OK' : 'PROBLEMS FOUND'} (${report.mode}): ${report.events} custody events, ${report.items} items, ${formatBytes(report.bytesHashed)} re-hashed.\n`,
        );
        if (report.head !== null) process.stdout.write(`  chain head: ${report.head}\n`);
        process.stdout.write(
          `  seals: ${report.checkpoints} checkpoints against the rebuilt Merkle tree, ${report.timestamps} timestamps re-verified\n`,
        );
        for (const p of report.problems) process.stdout.write(`  ${p.class}: ${p.message}\n`);
      }
      if (!report.ok) process.exitCode = EXIT.failed;
    });
}
