import type { Command } from 'commander';
import { seal, type SealResult } from '../../core/seal/seal.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { EXIT, printJson } from '../output.ts';

export function registerSeal(program: Command): void {
  program
    .command('seal')
    .description(
      'sign a checkpoint of the custody log with the archive key and timestamp it (CUSTODY_TSA_URLS); run it often, e.g. from cron',
    )
    .action(async () => {
      const opts = program.opts<GlobalOptions>();
      const result = await withArchive(opts, (archive) => seal(archive));
      if (opts.json === true) printJson(result);
      else printSeal(result);
      // A configured authority that failed leaves the seal without its anchor: say so in the status.
      if (result.failures.length > 0) process.exitCode = EXIT.failed;
    });
}

export function printSeal(r: SealResult): void {
  const lines = [
    `${r.created ? 'Sealed' : 'Already sealed'}: ${r.treeSize} custody events, tree head ${r.root}`,
    ...r.timestamps.map((t) => `  timestamp ${t.time} from ${t.tsa}`),
    ...r.failures.map((f) => `  no timestamp from ${f.tsa}: [${f.code}] ${f.message}`),
  ];
  if (r.timestamps.length === 0 && r.failures.length === 0)
    lines.push(
      '  not timestamped: set CUSTODY_TSA_URLS and CUSTODY_TSA_CA_FILE to anchor seals in time',
    );
  process.stdout.write(lines.join('\n') + '\n');
}
