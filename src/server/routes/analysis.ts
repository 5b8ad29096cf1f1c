import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/ports.ts';
import { faceTracks } from '../../db/faces-query.ts';
import { pathsOf } from '../../db/items-query.ts';
import type { AccountRow, Database } from '../../db/schema.ts';
import { correctOverlay } from '../../core/media/overlay.ts';
import { similarItems } from '../../db/similar-query.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { findItem } from './items.ts';
import { idParams } from './params.ts';

export interface AnalysisRouteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** The overlay reading with everything the item page shows, or null. */
async function overlayDetail(db: Kysely<Database>, itemId: string) {
  const row = await db
    .selectFrom('overlay_reading')
    .select([
      'device',
      'confidence',
      'source',
      'region',
      'frames',
      'ocr',
      'read_at',
      'corrected_by',
      'corrected_at',
    ])
    .select((eb) =>
      eb.fn<string | null>('to_char', ['start', eb.val('YYYY-MM-DD"T"HH24:MI:SS')]).as('start'),
    )
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    start: row.start,
    device: row.device,
    confidence: row.confidence,
    source: row.source,
    region: row.region,
    frames: row.frames,
    ocr: row.ocr,
    readAt: row.read_at.toISOString(),
    correctedBy: row.corrected_by,
    correctedAt: row.corrected_at?.toISOString() ?? null,
  };
}

/** What the analysis jobs found in an item: the camera overlay, copies and face tracks. */
export function analysisRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  app.get<{ Params: { id: string } }>(
    '/api/items/:id/overlay',
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['analysis'],
        summary: 'The camera overlay as read (frames, machine reading) or as corrected',
        params: idParams,
      },
    },
    async (request) => {
      await findItem(deps.db, request.params.id);
      return { reading: await overlayDetail(deps.db, request.params.id) };
    },
  );

  app.put<{ Params: { id: string }; Body: { start: string | null; device: string | null } }>(
    '/api/items/:id/overlay',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags: ['analysis'],
        summary:
          "Correct the overlay reading (start as the camera shows it, no zone; the machine's reading is kept)",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['start', 'device'],
          properties: {
            start: {
              type: ['string', 'null'],
              maxLength: 19,
              description: 'YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD HH:MM:SS',
            },
            device: { type: ['string', 'null'], maxLength: 200 },
          },
        },
      },
    },
    async (request) => {
      const account = request.account as AccountRow;
      await correctOverlay(deps, request.params.id, request.body, account.email);
      return { reading: await overlayDetail(deps.db, request.params.id) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/items/:id/faces',
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['analysis'],
        summary:
          'Face tracks: boxes [t, x, y, w, h, score] as fractions of the frame (null run: not yet detected)',
        params: idParams,
      },
    },
    async (request) => {
      await findItem(deps.db, request.params.id);
      const faces = await faceTracks(deps.db, request.params.id);
      return {
        run:
          faces === null
            ? null
            : {
                rate: faces.rate,
                frames: faces.frames,
                tracks: faces.tracks.length,
                detector: faces.detector,
                ranAt: faces.ranAt.toISOString(),
              },
        tracks: faces?.tracks ?? [],
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/items/:id/similar',
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['analysis'],
        summary:
          'Other copies and cuts of this recording, with the offset and the shared stretch on each timeline',
        params: idParams,
      },
    },
    async (request) => {
      await findItem(deps.db, request.params.id);
      const similar = await similarItems(deps.db, request.params.id);
      const paths = await pathsOf(
        deps.db,
        similar.map((s) => s.itemId),
      );
      const nameOf = new Map<string, string>();
      for (const p of paths)
        if (!nameOf.has(p.itemId)) nameOf.set(p.itemId, p.path.slice(p.path.lastIndexOf('/') + 1));
      return { items: similar.map((s) => ({ ...s, name: nameOf.get(s.itemId) ?? null })) };
    },
  );
}
