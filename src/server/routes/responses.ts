import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogueDeps } from '../../core/catalogue/catalogue.ts';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import { CustodyError } from '../../core/errors.ts';
import {
  accountability,
  accountabilityCsv,
  type AccountabilityScope,
} from '../../core/responses/accountability.ts';
import { decideMatch, suggestNames } from '../../core/responses/aliases.ts';
import { createClaim, updateClaim } from '../../core/responses/claims.ts';
import {
  ClaimInput,
  ClaimPatch,
  MergeInput,
  ResponseInput,
  ResponsePatch,
  SourceInput,
  SourcePatch,
} from '../../core/responses/inputs.ts';
import {
  createResponse,
  updateResponse,
  withdrawResponse,
} from '../../core/responses/responses.ts';
import { createSource, updateSource } from '../../core/responses/sources.ts';
import {
  claimsJson,
  claimView,
  responsesJson,
  responseView,
  sourceJson,
  sourceView,
} from '../../core/responses/views.ts';
import { listSources } from '../../db/responses-query.ts';
import {
  MATCH_KINDS,
  RESPONSE_TYPES,
  type MatchKind,
  type ResponseType,
} from '../../db/responses-schema.ts';
import type { AccountRow } from '../../db/schema.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { idParams } from './params.ts';

const actor = (request: FastifyRequest): string => (request.account as AccountRow).email;

const uuid = { type: 'string', format: 'uuid' } as const;

function decodeCursor(after: string | undefined): { key: string; id: string } | null {
  if (after === undefined || after === '') return null;
  const bar = after.lastIndexOf('|');
  const id = after.slice(bar + 1);
  if (bar < 0 || !/^[0-9a-f-]{36}$/i.test(id))
    throw new CustodyError('REQUEST.INVALID', 'The paging cursor is malformed.', {
      hint: 'Pass back the `next` value of the previous page unchanged.',
    });
  return { key: after.slice(0, bar), id };
}

const scopeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { facility: uuid, incident: uuid },
} as const;

function scopeOf(query: { facility?: string; incident?: string }): AccountabilityScope {
  if ((query.facility === undefined) === (query.incident === undefined))
    throw new CustodyError('REQUEST.INVALID', 'Give either a facility or an incident.', {
      hint: 'Add ?facility=ID or ?incident=ID.',
    });
  return query.facility !== undefined
    ? { facilityId: query.facility }
    : { incidentId: query.incident ?? '' };
}

/** Sources, claims and the official response; matching names; the accountability view. */
export function responseRoutes(app: FastifyInstance, deps: CatalogueDeps): void {
  const tags = ['responses'];

  // ---- sources ------------------------------------------------------------------------------
  app.get<{ Querystring: { q?: string; after?: string; limit?: number } }>(
    '/api/sources',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Sources, latest publication first (keyset: pass `next` as `after`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 200 },
            after: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const rows = await listSources(
        deps.db,
        { search: request.query.q },
        decodeCursor(request.query.after),
        limit,
      );
      const last = rows.at(-1);
      return {
        sources: rows.map((s) => ({ ...sourceJson(s), claims: s.claims })),
        next: rows.length === limit && last !== undefined ? `${last.sort_key}|${last.id}` : null,
      };
    },
  );
  app.post(
    '/api/sources',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(SourceInput) } },
    async (request, reply) => {
      const { id } = await createSource(deps, actor(request), request.body);
      return reply.status(201).send(await sourceView(deps.db, id));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/sources/:id',
    {
      config: { access: READ_ROLES },
      schema: { tags, summary: 'A source with its archived text and claims', params: idParams },
    },
    async (request) => sourceView(deps.db, request.params.id),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/sources/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(SourcePatch) },
    },
    async (request) => {
      await updateSource(deps, actor(request), request.params.id, request.body);
      return sourceView(deps.db, request.params.id);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/sources/:id/claims',
    { config: { access: READ_ROLES }, schema: { tags, params: idParams } },
    async (request) => claimsJson(deps.db, { sourceId: request.params.id }),
  );

  // ---- claims -------------------------------------------------------------------------------
  app.get<{ Querystring: { source?: string; response?: string; incident?: string } }>(
    '/api/claims',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Claims of one source, about one response or about one incident',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { source: uuid, response: uuid, incident: uuid },
        },
      },
    },
    async (request) => {
      const { source, response, incident } = request.query;
      if (source !== undefined) return claimsJson(deps.db, { sourceId: source });
      if (response !== undefined) return claimsJson(deps.db, { responseId: response });
      if (incident !== undefined) return claimsJson(deps.db, { incidentId: incident });
      throw new CustodyError('REQUEST.INVALID', 'Give a source, a response or an incident.', {
        hint: 'Add ?source=ID, ?response=ID or ?incident=ID.',
      });
    },
  );
  app.post(
    '/api/claims',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(ClaimInput) } },
    async (request, reply) => {
      const { id } = await createClaim(deps, actor(request), request.body);
      return reply.status(201).send(await claimView(deps.db, id));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/claims/:id',
    { config: { access: READ_ROLES }, schema: { tags, params: idParams } },
    async (request) => claimView(deps.db, request.params.id),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/claims/:id',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Change a claim; a list of links sent replaces the links of that kind',
        params: idParams,
        body: jsonSchema(ClaimPatch),
      },
    },
    async (request) => {
      await updateClaim(deps, actor(request), request.params.id, request.body);
      return claimView(deps.db, request.params.id);
    },
  );

  // ---- responses ----------------------------------------------------------------------------
  app.get<{
    Querystring: {
      type?: ResponseType;
      facility?: string;
      incident?: string;
      organisation?: string;
    };
  }>(
    '/api/responses',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Official responses, oldest first (at most 5,000)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { type: 'string', enum: RESPONSE_TYPES },
            facility: uuid,
            incident: uuid,
            organisation: uuid,
          },
        },
      },
    },
    async (request) =>
      responsesJson(deps.db, {
        type: request.query.type,
        facilityId: request.query.facility,
        incidentId: request.query.incident,
        organisationId: request.query.organisation,
      }),
  );
  app.post(
    '/api/responses',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(ResponseInput) } },
    async (request, reply) => {
      const { id } = await createResponse(deps, actor(request), request.body);
      return reply.status(201).send(await responseView(deps.db, id));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/responses/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'A response with its people, incidents, claims, sources and their conflicts',
        params: idParams,
      },
    },
    async (request) => responseView(deps.db, request.params.id),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/responses/:id',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Change a response; a list of links sent replaces the links of that kind',
        params: idParams,
        body: jsonSchema(ResponsePatch),
      },
    },
    async (request) => {
      await updateResponse(deps, actor(request), request.params.id, request.body);
      return responseView(deps.db, request.params.id);
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/responses/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, summary: 'Withdraw a response (its record stays)', params: idParams },
    },
    async (request, reply) => {
      await withdrawResponse(deps, actor(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // ---- names across alphabets ---------------------------------------------------------------
  app.get<{ Querystring: { kind: MatchKind; name?: string; id?: string; limit?: number } }>(
    '/api/match',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary:
          'Records that a name (or the record `id`) may be, across alphabets and spellings; pairs already decided are left out',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { type: 'string', enum: MATCH_KINDS },
            name: { type: 'string', maxLength: 300 },
            id: uuid,
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
          },
        },
      },
    },
    async (request) => ({ suggestions: await suggestNames(deps.db, request.query) }),
  );
  app.post(
    '/api/merges',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary:
          'Confirm (the merged record’s names become aliases of the kept one) or reject a suggested match',
        body: jsonSchema(MergeInput),
      },
    },
    async (request) => decideMatch(deps, actor(request), request.body),
  );

  // ---- accountability -----------------------------------------------------------------------
  app.get<{ Querystring: { facility?: string; incident?: string } }>(
    '/api/accountability',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Incidents, releases and responses of a facility or an incident, by date',
        querystring: scopeQuery,
      },
    },
    async (request) => accountability(deps.db, scopeOf(request.query)),
  );
  app.get<{ Querystring: { facility?: string; incident?: string } }>(
    '/api/accountability.json',
    {
      config: { access: READ_ROLES },
      schema: { tags, summary: 'The accountability view as a JSON file', querystring: scopeQuery },
    },
    async (request, reply) => {
      const view = await accountability(deps.db, scopeOf(request.query));
      return reply
        .header('content-disposition', 'attachment; filename="accountability.json"')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(view, null, 2));
    },
  );
  app.get<{ Querystring: { facility?: string; incident?: string } }>(
    '/api/accountability.csv',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'The accountability timeline as CSV (UTF-8 with a byte-order mark)',
        querystring: scopeQuery,
      },
    },
    async (request, reply) => {
      const view = await accountability(deps.db, scopeOf(request.query));
      return reply
        .header('content-disposition', 'attachment; filename="accountability.csv"')
        .type('text/csv; charset=utf-8')
        .send(accountabilityCsv(view));
    },
  );
}
