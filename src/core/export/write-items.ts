import type { Kysely } from 'kysely';
import { eventsForExport, itemsByIds, sightingsOf } from '../../db/export-query.ts';
import type { Database } from '../../db/schema.ts';
import type { BlobStore } from '../ports.ts';
import type { ProgressTracker } from '../progress.ts';
import type { BagWriter } from './bag-writer.ts';
import { writeEventFiles } from './custody-proof.ts';
import { copyOriginals, describeItems } from './items.ts';
import { itemSection, REPORT_TAIL, reportHead, type ReportModel } from './report-html.ts';

/** Items are exported a page at a time, so memory stays flat however many are selected. */
const PAGE = 200;

export interface ItemsWritten {
  /** Seq of every event written, for the inclusion proofs. */
  readonly seqs: number[];
  readonly acquisitionIds: ReadonlySet<string>;
  readonly originalBytes: number;
}

/**
 * For each page of items: the originals, the probe reports, the custody events, and their
 * entries in items.json and in the report, both written as streams.
 */
export async function writeItems(
  deps: { readonly db: Kysely<Database>; readonly blobs: BlobStore },
  bag: BagWriter,
  ids: readonly string[],
  upToSeq: number,
  report: ReportModel,
  progress: ProgressTracker,
  signal: AbortSignal | undefined,
): Promise<ItemsWritten> {
  const itemsJson = await bag.openPayload('metadata/items.json');
  const html = await bag.openPayload('metadata/report.html');
  await itemsJson.write('[');
  await html.write(reportHead(report));
  const seqs: number[] = [];
  const acquisitionIds = new Set<string>();
  let originalBytes = 0;
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = ids.slice(i, i + PAGE);
    const items = await itemsByIds(deps.db, page);
    const sightings = await sightingsOf(deps.db, page);
    for (const s of sightings) acquisitionIds.add(s.acquisitionId);
    const events = await eventsForExport(
      deps.db,
      [
        { type: 'item', ids: page },
        { type: 'sighting', ids: sightings.map((s) => s.id) },
      ],
      upToSeq,
    );
    const originals = await copyOriginals(deps.blobs, bag, items, sightings, progress, signal);
    for (const f of originals) originalBytes += f.size;
    for (const item of items) {
      if (item.probe_text !== null)
        await bag.writePayload(`metadata/probe/${item.id}.json`, item.probe_text);
    }
    await writeEventFiles(bag, events);
    for (const e of events) seqs.push(e.seq);
    const described = describeItems(items, sightings, events, originals);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    await itemsJson.write(
      described.map((d, n) => `${i + n === 0 ? '' : ','}\n${JSON.stringify(d, null, 2)}`).join(''),
    );
    await html.write(described.map((d) => itemSection(d, bySeq)).join('\n'));
  }
  await itemsJson.write('\n]\n');
  await html.write(REPORT_TAIL);
  await itemsJson.close();
  await html.close();
  return { seqs, acquisitionIds, originalBytes };
}
