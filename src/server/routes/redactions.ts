import type {} from '@fastify/swagger';
import type {} from '@fastify/static';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import type { CatalogueDeps } from '../../core/catalogue/catalogue.ts';
import { CustodyError } from '../../core/errors.ts';
import type { JobQueue } from '../../core/jobs/queue.ts';
import {
  CreateRedactionInput,
  ReviewRedactionInput,
  UpdateRedactionInput,
} from '../../core/redaction/inputs.ts';
import {
  createRedaction,
  queueRender,
  reviewRedaction,
  updateRedaction,
} from '../../core/redaction/redactions.ts';
import { redactionPath, redactionPosterPath } from '../../core/redaction/render.ts';
import {
  canReview,
  findRedaction,
  listRedactions,
  redactionHistory,
  redactionJson,
} from '../../core/redaction/view.ts';
import { SIGN_OFF_ROLES } from '../../core/verification/view.ts';
import type { AccountRow } from '../../db/schema.ts';
import type { RedactionStatus } from '../../db/release-schema.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { idParams } from './params.ts';

export interface RedactionRouteDeps extends CatalogueDeps {
  readonly derivativesDir: string;
  startJobs(): Promise<JobQueue>;
}

const account = (request: FastifyRequest): AccountRow => request.account as AccountRow;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const STATUSES: readonly RedactionStatus[] = [
  'draft',
  'rendering',
  'rendered',
  'failed',
  'approved',
  'returned',
];

/**
 * The redaction editor's API: start a redaction of a video (face tracks pre-filled), change its
 * decisions, render it, watch the render, and review it (a reviewer who did not change it).
 */
export function redactionRoutes(app: FastifyInstance, deps: RedactionRouteDeps): void {
  const tags = ['redaction'];
  const answer = async (request: IdRequest, id: string) => {
    const row = await findRedaction(deps.db, id);
    return {
      ...redactionJson(row),
      canReview: canReview(row, account(request)),
      history: await redactionHistory(deps.db, row),
    };
  };

  app.get<{ Params: { id: string } }>(
    '/api/items/:id/redactions',
    {
      config: { access: READ_ROLES },
      schema: { tags, summary: "The item's redactions, newest first", params: idParams },
    },
    async (request) => ({
      redactions: await listRedactions(deps.db, { itemId: request.params.id }),
    }),
  );
  app.post<{ Params: { id: string } }>(
    '/api/items/:id/redactions',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary:
          'Start a redaction of the video (or of one segment), its face tracks as opaque masks',
        params: idParams,
        body: jsonSchema(CreateRedactionInput),
      },
    },
    async (request, reply) => {
      const id = await createRedaction(
        deps,
        account(request).email,
        request.params.id,
        request.body,
      );
      return reply.status(201).send(await answer(request, id));
    },
  );
  app.get<{ Querystring: { status?: RedactionStatus; item?: string } }>(
    '/api/redactions',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Redactions, newest change first (the review queue: status=rendered)',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...STATUSES] },
            item: { type: 'string', format: 'uuid' },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({
      redactions: await listRedactions(deps.db, {
        status: request.query.status,
        itemId: request.query.item,
      }),
    }),
  );
  app.get<{ Params: { id: string } }>(
    '/api/redactions/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'A redaction: decisions, render, face check, review, history',
        params: idParams,
      },
    },
    (request) => answer(request, request.params.id),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/redactions/:id',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary:
          'Change the title or decisions (name the version you loaded); it needs a new render',
        params: idParams,
        body: jsonSchema(UpdateRedactionInput),
      },
    },
    async (request) => {
      await updateRedaction(deps, account(request).email, request.params.id, request.body);
      return answer(request, request.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/redactions/:id/render',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Render the current version in the background (see /api/jobs for progress)',
        params: idParams,
      },
    },
    async (request, reply) => {
      await queueRender(deps, request.params.id);
      return reply.status(202).send(await answer(request, request.params.id));
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/redactions/:id/review',
    {
      config: { access: SIGN_OFF_ROLES },
      schema: {
        tags,
        summary: 'Approve the render or send it back: a reviewer who did not change the redaction',
        params: idParams,
        body: jsonSchema(ReviewRedactionInput),
      },
    },
    async (request) => {
      await reviewRedaction(deps, account(request).email, request.params.id, request.body);
      return answer(request, request.params.id);
    },
  );
  for (const kind of ['video', 'poster'] as const)
    app.get<{ Params: { id: string } }>(
      `/api/redactions/:id/${kind}`,
      {
        config: { access: READ_ROLES },
        schema: {
          tags,
          summary:
            kind === 'video'
              ? 'The latest render (mp4, Range requests)'
              : "The latest render's poster",
          params: idParams,
        },
      },
      async (request, reply) => {
        const row = await findRedaction(deps.db, request.params.id);
        if (row.render_version === null)
          throw new CustodyError(
            'REDACTION.NOT_RENDERED',
            'This redaction has not been rendered yet.',
            {
              hint: 'Render it first.',
            },
          );
        const file = (kind === 'video' ? redactionPath : redactionPosterPath)(
          deps.derivativesDir,
          row.id,
          row.render_version,
        );
        return reply
          .type(kind === 'video' ? 'video/mp4' : 'image/jpeg')
          .header('cache-control', 'private, no-cache')
          .sendFile(path.basename(file), path.dirname(file));
      },
    );
}
