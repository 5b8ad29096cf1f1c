import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  replyToAllegation,
  triageAllegation,
  type AllegationDeps,
} from '../../core/allegations/allegations.ts';
import { ReplyInput, TriagePatch } from '../../core/allegations/inputs.ts';
import { allegationsPage, allegationView } from '../../core/allegations/views.ts';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import { ALLEGATION_STATUSES, type AllegationStatus } from '../../db/allegations-schema.ts';
import type { AccountRow } from '../../db/schema.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { idParams } from './params.ts';

const actor = (request: FastifyRequest): string => (request.account as AccountRow).email;

/**
 * Allegations for the archive's staff: read by the internal roles, triaged and answered by
 * those who change the catalogue. Partners get nothing (403). The submitter's side is public
 * and lives in src/server/allegations/.
 */
export function allegationRoutes(app: FastifyInstance, deps: AllegationDeps): void {
  const tags = ['allegations'];
  app.get<{ Querystring: { status?: AllegationStatus; after?: string; limit?: number } }>(
    '/api/allegations',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Allegations, newest first (keyset: pass `next` as `after`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ALLEGATION_STATUSES },
            after: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) =>
      allegationsPage(
        deps.db,
        { status: request.query.status },
        request.query.after,
        request.query.limit ?? 100,
      ),
  );
  app.get<{ Params: { id: string } }>(
    '/api/allegations/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'An allegation: its text, messages, attachments (as items), links and history',
        params: idParams,
      },
    },
    async (request) => allegationView(deps.db, request.params.id),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/allegations/:id',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary:
          'Triage: status, the allegation it repeats, and links (a list sent replaces the links of that kind)',
        params: idParams,
        body: jsonSchema(TriagePatch),
      },
    },
    async (request) => {
      await triageAllegation(deps, actor(request), request.params.id, request.body);
      return allegationView(deps.db, request.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/allegations/:id/replies',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Reply to the submitter (they read it with their receipt code)',
        params: idParams,
        body: jsonSchema(ReplyInput),
      },
    },
    async (request, reply) => {
      await replyToAllegation(deps, actor(request), request.params.id, request.body);
      return reply.status(201).send(await allegationView(deps.db, request.params.id));
    },
  );
}
