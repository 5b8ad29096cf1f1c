import type {} from '@fastify/swagger';
import type {} from '@fastify/static';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { CustodyError } from '../../core/errors.ts';
import { JOB_STATES, type JobQueue, type JobState } from '../../core/jobs/queue.ts';
import { derivativePath } from '../../core/media/derivatives.ts';
import type { Database, DerivativeKind } from '../../db/schema.ts';
import { idParams } from './params.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';

export interface MediaRouteDeps {
  readonly db: Kysely<Database>;
  readonly derivativesDir: string;
  startJobs(): Promise<JobQueue>;
}

const TYPES: Record<DerivativeKind, string> = {
  proxy: 'video/mp4',
  poster: 'image/jpeg',
  'contact-sheet': 'image/jpeg',
};

/**
 * Derivatives for watching (the proxy answers HTTP Range requests, so the player can seek)
 * and the job list. Derivatives are served inline; originals only as downloads (items.ts).
 */
export function mediaRoutes(app: FastifyInstance, deps: MediaRouteDeps): void {
  for (const kind of ['proxy', 'poster', 'contact-sheet'] as const) {
    app.get<{ Params: { id: string } }>(
      `/api/items/:id/${kind}`,
      {
        config: { access: READ_ROLES },
        schema: {
          tags: ['media'],
          summary: `The item's ${kind} (made by a background job)`,
          params: idParams,
        },
      },
      async (request, reply) => {
        const row = await deps.db
          .selectFrom('derivative')
          .innerJoin('item', 'item.id', 'derivative.item_id')
          .select(['item.sha256'])
          .where('derivative.item_id', '=', request.params.id)
          .where('derivative.kind', '=', kind)
          .executeTakeFirst();
        if (row === undefined)
          throw new CustodyError('ITEM.NOT_FOUND', `This item has no ${kind} yet.`, {
            hint: 'It is made by a background job; see the job list, or run "custody process".',
          });
        const file = derivativePath(deps.derivativesDir, row.sha256, kind);
        return reply
          .type(TYPES[kind])
          .header('cache-control', 'private, max-age=3600')
          .sendFile(path.basename(file), path.dirname(file));
      },
    );
  }

  app.get<{ Querystring: { limit?: number; state?: JobState; item?: string } }>(
    '/api/jobs',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags: ['media'],
        summary: 'Background jobs, newest first, with state, progress and errors; counts per state',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            state: { type: 'string', enum: JOB_STATES },
            item: { type: 'string', format: 'uuid', description: 'only the jobs about this item' },
          },
        },
      },
    },
    async (request) => {
      const jobs = await deps.startJobs();
      const q = request.query;
      return {
        counts: await jobs.counts(),
        jobs: await jobs.jobs({
          limit: q.limit ?? 100,
          ...(q.state === undefined ? {} : { state: q.state }),
          ...(q.item === undefined ? {} : { itemId: q.item }),
        }),
      };
    },
  );
}
