import type { Command } from 'commander';
import { createArchive, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'folder for the new archive (default: --data, CUSTODY_DATA or ./archive)')
    .description('create a new archive: an embedded database and a content-addressed blob store')
    .action(async (dir: string | undefined) => {
      const opts = program.opts<GlobalOptions>();
      const archive = await createArchive(opts, dir);
      const result = { id: archive.id, dataDir: archive.dataDir, database: archive.databaseKind };
      await archive.close();
      if (opts.json === true) printJson(result);
      else
        process.stdout.write(
          `Created archive ${result.id} in ${result.dataDir} (database: ${result.database}).\nNext: custody --data ${result.dataDir} ingest /path/to/drive --acquisition "Drive from source A"\n`,
        );
    });
}
