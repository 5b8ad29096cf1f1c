import type { Kysely } from 'kysely';
import { analysesOf, NO_ANALYSIS } from '../../db/analysis-query.ts';
import { segmentsWhere } from '../../db/catalogue-query.ts';
import { sha256Hex } from '../../db/custody-log.ts';
import { pathsOf } from '../../db/items-query.ts';
import type { Database } from '../../db/schema.ts';
import { clusterOf, similarItems } from '../../db/similar-query.ts';
import {
  eventsWithPredecessors,
  lastArchiveCheck,
  statusesOf,
  type Subject,
} from '../../db/verification-query.ts';
import { canonicalEvent } from '../../domain/custody-event.ts';
import {
  compareTimes,
  COPY_TOLERANCE_SECONDS,
  copyOverlayMismatch,
} from '../../domain/verification.ts';
import { itemJson } from '../item-view.ts';
import { mustExist, noItem } from './subject.ts';

/**
 * What Custody already knows that bears on the checks, computed on request and never stored:
 * the times a video carries, its copies and cuts, and whether its custody record holds. Hints,
 * not verdicts: the people doing the checks judge them.
 */

/** Items of an incident whose hints are computed (the rest are counted). */
const INCIDENT_ITEMS = 20;

/** The custody events about a subject, each checked against its own hash and its predecessor. */
export async function custodyIntegrity(db: Kysely<Database>, subject: Subject) {
  const rows = await eventsWithPredecessors(db, subject);
  const broken = rows
    .filter(
      ({ event, predecessorHash }) =>
        sha256Hex(canonicalEvent(event)) !== event.hash ||
        event.prevHash !== (event.seq === 1 ? null : predecessorHash),
    )
    .map((r) => r.event.seq);
  const first = rows[0]?.event;
  return {
    events: rows.length,
    intact: broken.length === 0,
    /** The first events (by seq) that do not match their hash or link. */
    broken: broken.slice(0, 20),
    firstAt: first?.at.toISOString() ?? null,
    /** The last `custody verify` of the whole archive: run it to check everything. */
    archiveCheck: await lastArchiveCheck(db),
  };
}

const fileName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export async function itemHints(db: Kysely<Database>, itemId: string) {
  const row = await db.selectFrom('item').selectAll().where('id', '=', itemId).executeTakeFirst();
  if (row === undefined) throw noItem();
  const analysis = (await analysesOf(db, [itemId])).get(itemId) ?? NO_ANALYSIS;
  const item = itemJson(row, await pathsOf(db, [itemId]), analysis);
  const media = row.media ?? {};
  const creationTime = typeof media['creationTime'] === 'string' ? media['creationTime'] : null;
  const durationSeconds =
    typeof media['durationSeconds'] === 'number' ? media['durationSeconds'] : null;
  const withTimes = item.paths.filter((p) => p.mtime !== null);
  const times = compareTimes({
    overlayStart: analysis.overlay?.start ?? null,
    creationTime,
    durationSeconds,
    mtimes: withTimes.map((p) => p.mtime ?? ''),
  });

  const similar = await similarItems(db, itemId);
  const others = similar.map((s) => s.itemId);
  const [otherPaths, otherAnalyses, otherStatuses, acquisitions] = await Promise.all([
    pathsOf(db, others),
    analysesOf(db, others),
    statusesOf(db, 'item', others),
    db
      .selectFrom('sighting')
      .innerJoin('acquisition', 'acquisition.id', 'sighting.acquisition_id')
      .select([
        'acquisition.id',
        'acquisition.name',
        'acquisition.received_at',
        'acquisition.opened_at',
      ])
      // Who handed it over is never shown here: only whether the acquisition records it.
      .select((eb) => eb('acquisition.received_from', 'is not', null).as('received_from_recorded'))
      .where('sighting.item_id', '=', itemId)
      .distinct()
      .orderBy('acquisition.opened_at')
      .execute(),
  ]);
  const nameOf = new Map<string, string>();
  for (const p of otherPaths) if (!nameOf.has(p.itemId)) nameOf.set(p.itemId, fileName(p.path));

  return {
    itemId,
    name: fileName(item.paths[0]?.path ?? row.sha256),
    sha256: row.sha256,
    kind: row.kind,
    probeStatus: row.probe_status,
    problems: row.problems.map((p) => p.code),
    media: {
      container: typeof media['container'] === 'string' ? media['container'] : null,
      videoCodec: typeof media['videoCodec'] === 'string' ? media['videoCodec'] : null,
      width: typeof media['width'] === 'number' ? media['width'] : null,
      height: typeof media['height'] === 'number' ? media['height'] : null,
      durationSeconds,
    },
    time: {
      overlay: analysis.overlay,
      creationTime,
      overlayVsCreation: times.overlayVsCreation,
      files: withTimes.map((p, i) => ({
        acquisition: p.acquisition,
        path: p.path,
        ...(times.files[i] ?? { mtime: p.mtime, afterCreationSeconds: null, verdict: null }),
      })),
    },
    copies: {
      cluster: analysis.cluster,
      members: (await clusterOf(db, itemId)).length,
      similar: similar.map((s) => {
        const start = otherAnalyses.get(s.itemId)?.overlay?.start ?? null;
        const mismatch = copyOverlayMismatch(
          analysis.overlay?.start ?? null,
          start,
          s.offsetSeconds,
        );
        return {
          itemId: s.itemId,
          name: nameOf.get(s.itemId) ?? null,
          relation: s.relation,
          score: s.score,
          offsetSeconds: s.offsetSeconds,
          overlayStart: start,
          /** Seconds between its overlay and where this one's puts it; null when unread. */
          overlayMismatchSeconds: mismatch,
          overlayAgrees: mismatch === null ? null : Math.abs(mismatch) <= COPY_TOLERANCE_SECONDS,
          verification: otherStatuses.get(s.itemId) ?? 'unverified',
        };
      }),
    },
    source: {
      acquisitions: acquisitions.map((a) => ({
        id: a.id,
        name: a.name,
        receivedAt: a.received_at,
        openedAt: a.opened_at.toISOString(),
        receivedFromRecorded: a.received_from_recorded,
      })),
    },
    custody: await custodyIntegrity(db, { type: 'item', id: itemId }),
  };
}

export type ItemHints = Awaited<ReturnType<typeof itemHints>>;

export async function incidentHints(db: Kysely<Database>, incidentId: string) {
  await mustExist(db, { type: 'incident', id: incidentId });
  const segments = await segmentsWhere(db, { incidentId });
  const itemIds = [...new Set(segments.map((s) => s.item_id))];
  const shown = itemIds.slice(0, INCIDENT_ITEMS);
  const statuses = await statusesOf(db, 'item', shown);
  const items = [];
  for (const id of shown)
    items.push({
      ...(await itemHints(db, id)),
      verification: statuses.get(id) ?? 'unverified',
      segments: segments
        .filter((s) => s.item_id === id)
        .map((s) => ({ id: s.id, start: s.start_seconds, end: s.end_seconds })),
    });
  const claims = await db
    .selectFrom('claim_incident')
    .innerJoin('claim', 'claim.id', 'claim_incident.claim_id')
    .innerJoin('source', 'source.id', 'claim.source_id')
    .select(['claim.id', 'claim.quote', 'source.id as source_id', 'source.outlet'])
    .where('claim_incident.incident_id', '=', incidentId)
    .orderBy('claim.created_at')
    .limit(50)
    .execute();
  return {
    incidentId,
    segments: segments.length,
    itemCount: itemIds.length,
    items,
    claims: claims.map((c) => ({
      id: c.id,
      quote: c.quote,
      sourceId: c.source_id,
      outlet: c.outlet,
    })),
    custody: await custodyIntegrity(db, { type: 'incident', id: incidentId }),
  };
}
