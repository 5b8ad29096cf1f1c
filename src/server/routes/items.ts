import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { CustodyError } from '../../core/errors.ts';
import { itemJson } from '../../core/item-view.ts';
import { analysesOf, NO_ANALYSIS } from '../../db/analysis-query.ts';
import type { BlobStore, Clock } from '../../core/ports.ts';
import { appendCustodyEvents, eventsFor } from '../../db/custody-log.ts';
import {
  ITEM_SORTS,
  itemCursor,
  itemsPage,
  listAcquisitions,
  pathsOf,
  type ItemSort,
} from '../../db/items-query.ts';
import type { AccountRow, Database, ItemRow } from '../../db/schema.ts';
import { safeFileName } from '../../domain/bagit.ts';
import { isUuid } from '../../domain/ids.ts';
import { wallClockBound } from '../../domain/wall-clock.ts';
import { asSha256 } from '../../domain/hash.ts';
import { ITEM_KINDS } from '../../domain/media-kind.ts';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../../domain/verification.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';

export interface ItemRouteDeps {
  readonly db: Kysely<Database>;
  readonly blobs: BlobStore;
  readonly clock: Clock;
}

/** The overlay's wall-clock form: a date, or a date and a time (no zone: cameras give none). */
const OVERLAY_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?)?$';

const itemSchema = {
  type: 'object',
  required: ['id', 'sha256', 'size', 'kind', 'ingestedAt', 'probeStatus', 'paths', 'problems'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sha256: { type: 'string' },
    size: { type: 'integer' },
    kind: { type: 'string', enum: ITEM_KINDS },
    ingestedAt: { type: 'string', format: 'date-time' },
    probeStatus: { type: 'string' },
    paths: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          acquisitionId: { type: 'string' },
          acquisition: { type: 'string' },
          path: { type: 'string' },
          mtime: { type: ['string', 'null'] },
          mode: { type: ['string', 'null'] },
        },
      },
    },
    media: { type: ['object', 'null'], additionalProperties: true },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    overlay: {
      type: ['object', 'null'],
      description: 'the camera overlay as read (or corrected): wall-clock start, no time zone',
      properties: {
        start: { type: ['string', 'null'] },
        device: { type: ['string', 'null'] },
        confidence: { type: 'number' },
        source: { type: 'string', enum: ['ocr', 'manual'] },
      },
    },
    cluster: {
      type: ['string', 'null'],
      description: 'the same value for every copy and cut of one recording',
    },
    faces: { type: ['integer', 'null'], description: 'face tracks; null before detection ran' },
    verification: {
      type: 'string',
      enum: VERIFICATION_STATUSES,
      description: 'the verification status; unverified when there is no record',
    },
    derivatives: {
      type: 'array',
      items: { type: 'string', enum: ['contact-sheet', 'poster', 'proxy'] },
      description: 'derivatives made so far (in the list only)',
    },
  },
} as const;

/** Which derivatives exist for these items, so the list asks only for posters that exist. */
async function derivativeKinds(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const kinds = new Map<string, string[]>();
  if (ids.length === 0) return kinds;
  const rows = await db
    .selectFrom('derivative')
    .select(['item_id', 'kind'])
    .where('item_id', 'in', ids)
    .orderBy('kind')
    .execute();
  for (const r of rows) kinds.set(r.item_id, [...(kinds.get(r.item_id) ?? []), r.kind]);
  return kinds;
}

function bound(value: string | undefined, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const b = wallClockBound(value, endOfDay);
  if (b === null)
    throw new CustodyError('REQUEST.INVALID', `Not a date or time: ${value.slice(0, 40)}.`, {
      hint: 'Use 2020-02-18 or 2020-02-18T14:22:05.',
    });
  return b;
}

/** The item behind an `:id`, or ITEM.NOT_FOUND (also for ids that are not UUIDs). */
export async function findItem(db: Kysely<Database>, id: string): Promise<ItemRow> {
  const row = isUuid(id)
    ? await db.selectFrom('item').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (row === undefined)
    throw new CustodyError('ITEM.NOT_FOUND', 'No such item.', { hint: 'Check the link.' });
  return row;
}

export function itemRoutes(app: FastifyInstance, deps: ItemRouteDeps): void {
  app.get(
    '/api/acquisitions',
    {
      config: { access: READ_ROLES },
      schema: {
        summary: 'Acquisitions by name with their counts (who handed them over is not listed)',
        tags: ['items'],
      },
    },
    async () =>
      (await listAcquisitions(deps.db)).map((a) => ({
        id: a.row.id,
        name: a.row.name,
        openedAt: a.row.opened_at.toISOString(),
        files: a.files,
        items: a.items,
      })),
  );

  app.get<{
    Querystring: {
      after?: string;
      limit?: number;
      kind?: string;
      acquisition?: string;
      problems?: boolean;
      q?: string;
      folder?: string;
      recordedFrom?: string;
      recordedTo?: string;
      minSeconds?: number;
      maxSeconds?: number;
      linked?: boolean;
      device?: string;
      overlayFrom?: string;
      overlayTo?: string;
      faces?: boolean;
      cluster?: string;
      copies?: boolean;
      verification?: VerificationStatus;
      sort?: ItemSort;
    };
  }>(
    '/api/items',
    {
      config: { access: READ_ROLES },
      schema: {
        summary: 'Items, a page at a time (keyset: pass `next` as `after`)',
        tags: ['items'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            kind: { type: 'string', enum: ITEM_KINDS },
            acquisition: { type: 'string', format: 'uuid' },
            problems: { type: 'boolean' },
            q: {
              type: 'string',
              maxLength: 200,
              description: 'text in a path, a segment note or the media metadata',
            },
            folder: { type: 'string', maxLength: 1000, description: 'seen under this folder' },
            recordedFrom: { type: 'string', format: 'date-time' },
            recordedTo: { type: 'string', format: 'date-time' },
            minSeconds: { type: 'number', minimum: 0 },
            maxSeconds: { type: 'number', minimum: 0 },
            linked: { type: 'boolean', description: 'linked to an incident (or not)' },
            device: {
              type: 'string',
              maxLength: 100,
              description: 'the camera overlay names this device (or a prefix of it)',
            },
            overlayFrom: {
              type: 'string',
              pattern: OVERLAY_TIME,
              description: 'overlay start at or after this wall-clock time (no zone)',
            },
            overlayTo: { type: 'string', pattern: OVERLAY_TIME },
            faces: { type: 'boolean', description: 'faces found (or detection found none)' },
            cluster: {
              type: 'string',
              format: 'uuid',
              description: 'copies and cuts of one recording',
            },
            copies: { type: 'boolean', description: 'has other copies or cuts (or none)' },
            verification: {
              type: 'string',
              enum: VERIFICATION_STATUSES,
              description: 'the verification status (unverified: also those without a record)',
            },
            sort: {
              type: 'string',
              enum: ITEM_SORTS,
              default: 'hash',
              description:
                'hash (stable), or newest/largest first by recorded time, ingest, duration, size',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next'],
            properties: {
              items: { type: 'array', items: itemSchema },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const rows = await itemsPage(
        deps.db,
        {
          kind: q.kind,
          acquisitionId: q.acquisition,
          withProblems: q.problems,
          search: q.q,
          folder: q.folder,
          recordedFrom: q.recordedFrom === undefined ? undefined : new Date(q.recordedFrom),
          recordedTo: q.recordedTo === undefined ? undefined : new Date(q.recordedTo),
          minSeconds: q.minSeconds,
          maxSeconds: q.maxSeconds,
          linked: q.linked,
          device: q.device,
          overlayFrom: bound(q.overlayFrom, false),
          overlayTo: bound(q.overlayTo, true),
          faces: q.faces,
          cluster: q.cluster,
          copies: q.copies,
          verification: q.verification,
        },
        q.after ?? '',
        limit,
        q.sort ?? 'hash',
      );
      const paths = await pathsOf(
        deps.db,
        rows.map((r) => r.id),
      );
      const lastRow = rows.at(-1);
      const made = await derivativeKinds(
        deps.db,
        rows.map((r) => r.id),
      );
      const analyses = await analysesOf(
        deps.db,
        rows.map((r) => r.id),
      );
      return {
        items: rows.map((r) => ({
          ...itemJson(
            r,
            paths.filter((p) => p.itemId === r.id),
            analyses.get(r.id) ?? NO_ANALYSIS,
          ),
          derivatives: made.get(r.id) ?? [],
        })),
        next:
          lastRow !== undefined && rows.length === limit
            ? itemCursor(lastRow, q.sort ?? 'hash')
            : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/items/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        summary: 'One item with its paths and custody history',
        tags: ['items'],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (request) => {
      const row = await findItem(deps.db, request.params.id);
      const events = await eventsFor(deps.db, 'item', row.id);
      const derivatives = await deps.db
        .selectFrom('derivative')
        .select(['kind', 'sha256', 'size', 'created_at'])
        .where('item_id', '=', row.id)
        .orderBy('kind')
        .execute();
      return {
        ...itemJson(
          row,
          await pathsOf(deps.db, [row.id]),
          (await analysesOf(deps.db, [row.id])).get(row.id) ?? NO_ANALYSIS,
        ),
        derivatives: derivatives.map((d) => ({
          kind: d.kind,
          sha256: d.sha256,
          size: d.size,
          createdAt: d.created_at.toISOString(),
          url: `/api/items/${row.id}/${d.kind}`,
        })),
        events: events.map((e) => ({
          seq: e.seq,
          at: e.at.toISOString(),
          actor: e.actor,
          action: e.action,
          payload: e.payload,
          hash: e.hash,
        })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/items/:id/original',
    {
      config: { access: WRITE_ROLES },
      schema: {
        summary: 'Download the original (recorded in the custody log)',
        tags: ['items'],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (request, reply) => {
      const row = await findItem(deps.db, request.params.id);
      const account = request.account as AccountRow;
      // Recorded before the first byte leaves: a download that fails half-way still happened.
      await deps.db.transaction().execute((tx) =>
        appendCustodyEvents(
          tx,
          [
            {
              actor: account.email,
              action: 'original.downloaded',
              subjectType: 'item',
              subjectId: row.id,
              payload: { sha256: row.sha256, account: account.id },
            },
          ],
          deps.clock.now(),
        ),
      );
      const paths = await pathsOf(deps.db, [row.id]);
      const first = paths[0]?.path ?? 'original';
      const name = `${row.sha256.slice(0, 12)}-${safeFileName(first.slice(first.lastIndexOf('/') + 1))}`;
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(row.size))
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'no-store')
        .send(deps.blobs.read(asSha256(row.sha256)));
    },
  );
}
