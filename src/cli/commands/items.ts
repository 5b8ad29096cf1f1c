import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { CustodyError } from '../../core/errors.ts';
import { eventsFor } from '../../db/custody-log.ts';
import { analysesOf, NO_ANALYSIS } from '../../db/analysis-query.ts';
import { correctOverlay, overlayReading } from '../../core/media/overlay.ts';
import { faceTracks } from '../../db/faces-query.ts';
import { similarItems } from '../../db/similar-query.ts';
import {
  findAcquisition,
  findItems,
  itemsPage,
  pathsOf,
  type ItemFilter,
  type ItemPath,
} from '../../db/items-query.ts';
import type { Database, ItemRow } from '../../db/schema.ts';
import { isUuid } from '../../domain/ids.ts';
import { wallClockBound } from '../../domain/wall-clock.ts';
import { ITEM_KINDS } from '../../domain/media-kind.ts';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../../domain/verification.ts';
import { withArchive, type GlobalOptions } from '../context.ts';
import { formatBytes, printJson, usageError } from '../output.ts';
import { itemJson, type ItemJson } from '../../core/item-view.ts';

interface ListFlags {
  kind?: string;
  acquisition?: string;
  problems?: boolean;
  limit?: string;
  device?: string;
  overlayFrom?: string;
  overlayTo?: string;
  faces?: boolean;
  cluster?: string;
  copies?: boolean;
  verification?: string;
}

/** A verification status from a flag, or a usage error naming the statuses. */
export function verificationFlag(value: string | undefined): VerificationStatus | undefined {
  if (value === undefined) return undefined;
  if (!(VERIFICATION_STATUSES as readonly string[]).includes(value))
    throw usageError(`--verification must be one of ${VERIFICATION_STATUSES.join(', ')}.`);
  return value as VerificationStatus;
}

/** An overlay time bound from a flag, or a usage error saying what is expected. */
function overlayTime(
  value: string | undefined,
  flag: string,
  endOfDay: boolean,
): string | undefined {
  if (value === undefined) return undefined;
  const bound = wallClockBound(value, endOfDay);
  if (bound === null)
    throw usageError(
      `${flag} must be a date (2020-02-18) or a date and time (2020-02-18 14:22:05).`,
    );
  return bound;
}

export function registerItems(program: Command): void {
  const items = program
    .command('items')
    .description('list and inspect items (one per distinct content)');
  registerFindings(items, program);
  items
    .command('list')
    .description('list items with their paths, media summary and problems')
    .option('--kind <kind>', `only this kind (${ITEM_KINDS.join(', ')})`)
    .option('--acquisition <name-or-id>', 'only items seen in this acquisition')
    .option('--problems', 'only items with problems')
    .option('--device <id>', 'only videos whose camera overlay names this device (or a prefix)')
    .option('--overlay-from <time>', 'only videos whose overlay starts at or after this time')
    .option('--overlay-to <time>', 'only videos whose overlay starts at or before this time')
    .option('--faces', 'only videos with faces found')
    .option('--no-faces', 'only videos where face detection found none')
    .option('--cluster <id>', 'only the copies and cuts of one recording (the "cluster" value)')
    .option('--copies', 'only items with other copies or cuts')
    .option(
      '--verification <status>',
      `only items of this status (${VERIFICATION_STATUSES.join(', ')})`,
    )
    .option('--limit <n>', 'at most this many items')
    .action(async (flags: ListFlags) => {
      const opts = program.opts<GlobalOptions>();
      const limit = flags.limit === undefined ? Infinity : Number(flags.limit);
      if (!(limit > 0)) throw usageError('--limit must be a positive number.');
      if (flags.cluster !== undefined && !isUuid(flags.cluster))
        throw usageError('--cluster takes the "cluster" value of an item (a UUID).');
      if (flags.kind !== undefined && !(ITEM_KINDS as readonly string[]).includes(flags.kind))
        throw usageError(`--kind must be one of ${ITEM_KINDS.join(', ')}.`);
      const verification = verificationFlag(flags.verification);
      await withArchive(opts, async (archive) => {
        const filter: ItemFilter = {
          kind: flags.kind,
          withProblems: flags.problems,
          acquisitionId: await acquisitionId(archive.db, flags.acquisition),
          device: flags.device,
          overlayFrom: overlayTime(flags.overlayFrom, '--overlay-from', false),
          overlayTo: overlayTime(flags.overlayTo, '--overlay-to', true),
          faces: flags.faces,
          cluster: flags.cluster,
          copies: flags.copies,
          verification,
        };
        await streamItems(archive.db, filter, limit, opts.json === true);
      });
    });
  items
    .command('show')
    .argument('<id>', 'item id, or the first 6+ hex digits of its SHA-256')
    .description('one item with its paths, media data, problems and custody events')
    .action(async (id: string) => {
      const opts = program.opts<GlobalOptions>();
      await withArchive(opts, async (archive) => {
        const row = await oneItem(archive.db, id);
        const analysis = (await analysesOf(archive.db, [row.id])).get(row.id) ?? NO_ANALYSIS;
        const item = itemJson(row, await pathsOf(archive.db, [row.id]), analysis);
        const custody = (await eventsFor(archive.db, 'item', row.id)).map((e) => ({
          seq: e.seq,
          at: e.at.toISOString(),
          actor: e.actor,
          action: e.action,
          payload: e.payload,
          hash: e.hash,
        }));
        if (opts.json === true) printJson({ ...item, probe: row.probe, custody });
        else {
          printItemLine(item);
          for (const p of item.paths)
            process.stdout.write(`  seen at: [${p.acquisition}] ${p.path}\n`);
          for (const p of item.problems)
            process.stdout.write(`  problem: [${p.code}] ${p.message}\n`);
          if (item.media !== null) process.stdout.write(`  media: ${JSON.stringify(item.media)}\n`);
          for (const e of custody)
            process.stdout.write(`  #${e.seq} ${e.at} ${e.action} by ${e.actor}\n`);
        }
      });
    });
}

/** The item an id or hash prefix names, or a clear error. */
async function oneItem(db: Kysely<Database>, id: string): Promise<ItemRow> {
  const found = await findItems(db, id);
  if (found.length === 0)
    throw new CustodyError('ITEM.NOT_FOUND', `No item ${id}.`, {
      hint: 'List items with "custody items list".',
    });
  if (found.length > 1)
    throw new CustodyError('ITEM.AMBIGUOUS', `Several items match ${id}.`, {
      hint: 'Give more digits of the hash, or the item id.',
    });
  return found[0] as ItemRow;
}

const clock = (s: number): string => {
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
};

function registerFindings(items: Command, program: Command): void {
  items
    .command('similar')
    .argument('<id>', 'item id, or the first 6+ hex digits of its SHA-256')
    .description(
      'other copies and cuts of the same recording, with offsets (needs the fingerprint job)',
    )
    .action(async (id: string) => {
      const opts = program.opts<GlobalOptions>();
      await withArchive(opts, async (archive) => {
        const row = await oneItem(archive.db, id);
        const similar = await similarItems(archive.db, row.id);
        const cluster = (await analysesOf(archive.db, [row.id])).get(row.id)?.cluster ?? null;
        if (opts.json === true) {
          printJson({ id: row.id, cluster, similar });
          return;
        }
        if (similar.length === 0) process.stdout.write('No other copy or cut found.\n');
        for (const s of similar)
          process.stdout.write(
            `${s.itemId}  ${s.relation.padEnd(12)} here ${clock(s.thisRange[0])}–${clock(s.thisRange[1])} = there ${clock(s.otherRange[0])}–${clock(s.otherRange[1])}  (score ${s.score.toFixed(2)})\n`,
          );
      });
    });
  items
    .command('overlay')
    .argument('<id>', 'item id, or the first 6+ hex digits of its SHA-256')
    .description(
      'the camera overlay as read (start as the camera shows it, device); with --start or --device, correct it',
    )
    .option('--start <time>', 'the true start, "2020-02-18 14:22:05" ("" to clear)')
    .option('--device <id>', 'the true device id, e.g. "ДОЗОР-77 №0123" ("" to clear)')
    .action(async (id: string, flags: { start?: string; device?: string }) => {
      const opts = program.opts<GlobalOptions>();
      await withArchive(opts, async (archive) => {
        const row = await oneItem(archive.db, id);
        if (flags.start !== undefined || flags.device !== undefined) {
          const before = await overlayReading(archive.db, row.id);
          const pick = (flag: string | undefined, old: string | null | undefined): string | null =>
            flag === undefined ? (old ?? null) : flag.trim() === '' ? null : flag;
          await correctOverlay(
            archive,
            row.id,
            { start: pick(flags.start, before?.start), device: pick(flags.device, before?.device) },
            archive.actor,
          );
        }
        const reading = await overlayReading(archive.db, row.id);
        if (opts.json === true) {
          // The same form as `items list --json`: 'YYYY-MM-DDTHH:MM:SS', no zone.
          printJson({
            id: row.id,
            overlay:
              reading === null
                ? null
                : { ...reading, start: reading.start?.replace(' ', 'T') ?? null },
          });
          return;
        }
        if (reading === null)
          process.stdout.write('The overlay has not been read yet ("custody process").\n');
        else if (reading.start === null && reading.device === null)
          process.stdout.write('No overlay could be read.\n');
        else
          process.stdout.write(
            `start ${reading.start ?? '?'} (camera time, no zone)  device ${reading.device ?? '?'}  confidence ${reading.confidence.toFixed(2)} (${reading.source === 'manual' ? 'corrected' : 'read by OCR'})\n`,
          );
      });
    });
  items
    .command('faces')
    .argument('<id>', 'item id, or the first 6+ hex digits of its SHA-256')
    .description('face tracks found in a video, with their time ranges and boxes')
    .action(async (id: string) => {
      const opts = program.opts<GlobalOptions>();
      await withArchive(opts, async (archive) => {
        const row = await oneItem(archive.db, id);
        const faces = await faceTracks(archive.db, row.id);
        if (opts.json === true) {
          printJson({ id: row.id, faces });
          return;
        }
        if (faces === null) {
          process.stdout.write(
            'Face detection has not run on this item yet ("custody process").\n',
          );
          return;
        }
        process.stdout.write(
          `${String(faces.tracks.length)} face tracks (${faces.detector}, ${String(faces.rate)} frames/s)\n`,
        );
        for (const t of faces.tracks)
          process.stdout.write(
            `  face ${String(t.track + 1)}: ${clock(t.start)}–${clock(t.end)}, ${String(t.boxes.length)} boxes\n`,
          );
      });
    });
}

async function acquisitionId(
  db: Kysely<Database>,
  nameOrId: string | undefined,
): Promise<string | undefined> {
  if (nameOrId === undefined) return undefined;
  const row = await findAcquisition(db, nameOrId);
  if (row === undefined)
    throw new CustodyError('ACQUISITION.NOT_FOUND', `No acquisition "${nameOrId}".`, {
      hint: 'See "custody acquisitions list".',
    });
  return row.id;
}

/** Streams a JSON array page by page, so listing a huge archive keeps memory flat. */
async function streamItems(
  db: Kysely<Database>,
  filter: ItemFilter,
  limit: number,
  json: boolean,
): Promise<void> {
  let after = '';
  let printed = 0;
  if (json) process.stdout.write('[');
  while (printed < limit) {
    const page = await itemsPage(db, filter, after, Math.min(500, limit - printed));
    if (page.length === 0) break;
    const ids = page.map((r) => r.id);
    const paths = groupBy(await pathsOf(db, ids));
    const analyses = await analysesOf(db, ids);
    for (const row of page) {
      const item = itemJson(row, paths.get(row.id) ?? [], analyses.get(row.id) ?? NO_ANALYSIS);
      if (json) process.stdout.write((printed === 0 ? '\n' : ',\n') + JSON.stringify(item));
      else printItemLine(item);
      printed += 1;
    }
    after = (page.at(-1) as ItemRow).sha256;
  }
  if (json) process.stdout.write(printed === 0 ? ']\n' : '\n]\n');
  else if (printed === 0) process.stdout.write('No items.\n');
}

function groupBy(paths: readonly ItemPath[]): Map<string, ItemPath[]> {
  const map = new Map<string, ItemPath[]>();
  for (const p of paths) map.set(p.itemId, [...(map.get(p.itemId) ?? []), p]);
  return map;
}

function printItemLine(item: ItemJson): void {
  const duration =
    typeof item.media?.['durationSeconds'] === 'number'
      ? ` ${item.media['durationSeconds'].toFixed(1)}s`
      : '';
  const flag = item.problems.length > 0 ? ' !' + item.problems.map((p) => p.code).join(',') : '';
  const first = item.paths[0]?.path ?? '';
  const more = item.paths.length > 1 ? ` (+${item.paths.length - 1} more)` : '';
  process.stdout.write(
    `${item.sha256.slice(0, 12)}  ${item.kind.padEnd(8)} ${formatBytes(item.size).padStart(9)}${duration}  ${first}${more}${flag}\n`,
  );
}
