import type { Kysely } from 'kysely';
import { findIncident, peopleOfIncident, segmentsWhere } from '../../db/catalogue-query.ts';
import { eventsForExport } from '../../db/export-query.ts';
import type { Database } from '../../db/schema.ts';
import type { CustodyEvent } from '../../domain/custody-event.ts';
import { incidentJson } from '../catalogue/views.ts';
import type { BagWriter } from './bag-writer.ts';
import { writeEventFiles } from './custody-proof.ts';

/**
 * The incidents an export was chosen by: their description, the people in them by pseudonym
 * and role (never a real name), and the marked segments by item and time, without their
 * notes (investigators' working notes stay in the archive). Their own custody events travel
 * with proofs; segment events do not (they carry the notes).
 */
export async function writeIncidents(
  db: Kysely<Database>,
  bag: BagWriter,
  ids: readonly string[],
  upToSeq: number,
): Promise<CustodyEvent[]> {
  if (ids.length === 0) return [];
  const incidents = [];
  for (const id of ids) {
    const incident = await findIncident(db, id);
    if (incident === undefined) continue;
    const segments = await segmentsWhere(db, { incidentId: id });
    incidents.push({
      ...incidentJson(incident),
      people: (await peopleOfIncident(db, id)).map((p) => ({
        pseudonym: p.pseudonym,
        role: p.role,
      })),
      segments: segments.map((s) => ({
        itemId: s.item_id,
        start: s.start_seconds,
        end: s.end_seconds,
        tags: s.tags,
      })),
    });
  }
  await bag.writePayload('metadata/incidents.json', JSON.stringify(incidents, null, 2) + '\n');
  const events = await eventsForExport(db, [{ type: 'incident', ids }], upToSeq);
  await writeEventFiles(bag, events);
  return events;
}
