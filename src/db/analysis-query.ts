import type { Kysely } from 'kysely';
import type { VerificationStatus } from '../domain/verification.ts';
import type { Database } from './schema.ts';

/** What the analysis jobs found about an item, as `items list --json` shows it. */
export interface ItemAnalysis {
  /** The camera overlay's reading, or null before it was read or when none was found. */
  readonly overlay: {
    readonly start: string | null;
    readonly device: string | null;
    readonly confidence: number;
    readonly source: 'ocr' | 'manual';
  } | null;
  /** The same value for every copy and cut of one recording; null when it has none. */
  readonly cluster: string | null;
  /** Face tracks found, or null before detection ran. */
  readonly faces: number | null;
  /** The verification record's status; 'unverified' when there is none. */
  readonly verification: VerificationStatus;
}

export const NO_ANALYSIS: ItemAnalysis = {
  overlay: null,
  cluster: null,
  faces: null,
  verification: 'unverified',
};

/** The analyses of a page of items, in four indexed lookups. */
export async function analysesOf(
  db: Kysely<Database>,
  itemIds: readonly string[],
): Promise<Map<string, ItemAnalysis>> {
  const result = new Map<string, ItemAnalysis>();
  if (itemIds.length === 0) return result;
  const [overlays, clusters, faces, verifications] = await Promise.all([
    db
      .selectFrom('overlay_reading')
      .select(['item_id', 'device', 'confidence', 'source'])
      .select((eb) =>
        eb.fn<string | null>('to_char', ['start', eb.val('YYYY-MM-DD"T"HH24:MI:SS')]).as('start'),
      )
      .where('item_id', 'in', itemIds)
      .execute(),
    db.selectFrom('item_cluster').selectAll().where('item_id', 'in', itemIds).execute(),
    db
      .selectFrom('face_run')
      .select(['item_id', 'tracks'])
      .where('item_id', 'in', itemIds)
      .execute(),
    db
      .selectFrom('verification')
      .select(['subject_id', 'status'])
      .where('subject_type', '=', 'item')
      .where('subject_id', 'in', itemIds)
      .execute(),
  ]);
  const overlayOf = new Map(overlays.map((o) => [o.item_id, o]));
  const clusterOf = new Map(clusters.map((c) => [c.item_id, c.cluster]));
  const facesOf = new Map(faces.map((f) => [f.item_id, f.tracks]));
  const statusOf = new Map(verifications.map((v) => [v.subject_id, v.status]));
  for (const id of itemIds) {
    const o = overlayOf.get(id);
    result.set(id, {
      overlay:
        o === undefined || (o.start === null && o.device === null)
          ? null
          : { start: o.start, device: o.device, confidence: o.confidence, source: o.source },
      cluster: clusterOf.get(id) ?? null,
      faces: facesOf.get(id) ?? null,
      verification: statusOf.get(id) ?? 'unverified',
    });
  }
  return result;
}
