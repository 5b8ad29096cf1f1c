import type { Command } from 'commander';
import { listAcquisitions } from '../../db/items-query.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { formatBytes, printJson } from '../output.ts';

export function registerAcquisitions(program: Command): void {
  const acquisitions = program
    .command('acquisitions')
    .description('handovers of material: who, when, how, and what they held');
  acquisitions
    .command('list')
    .description('every acquisition with its counts')
    .action(async () => {
      const opts = program.opts<GlobalOptions>();
      await withArchive(opts, async (archive) => {
        const rows = (await listAcquisitions(archive.db)).map((a) => ({
          id: a.row.id,
          name: a.row.name,
          receivedFrom: a.row.received_from,
          receivedAt: a.row.received_at,
          note: a.row.note,
          source: a.row.source_path,
          openedAt: a.row.opened_at.toISOString(),
          closedAt: a.row.closed_at?.toISOString() ?? null,
          complete: a.row.closed_at !== null,
          files: a.files,
          items: a.items,
          symlinks: a.symlinks,
          skipped: a.skipped,
          bytes: a.bytes,
        }));
        if (opts.json === true) {
          printJson(rows);
          return;
        }
        if (rows.length === 0)
          process.stdout.write('No acquisitions yet. Take one in with "custody ingest".\n');
        for (const a of rows) {
          process.stdout.write(
            `${a.id}  ${a.name}${a.complete ? '' : ' (incomplete: re-run its ingest)'}\n  received from ${a.receivedFrom ?? '?'} on ${a.receivedAt ?? '?'}; ${a.files} files, ${a.items} items, ${formatBytes(a.bytes)}, ${a.symlinks} links, ${a.skipped} skipped\n`,
          );
        }
      });
    });
}
