import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  addViolationType,
  createFacility,
  createIncident,
  createOrganisation,
  createPerson,
  createSegment,
  deleteSegment,
  linkPerson,
  revealRealName,
  updateFacility,
  updateIncident,
  updatePerson,
  updateSegment,
  type CatalogueDeps,
} from '../../core/catalogue/catalogue.ts';
import {
  FacilityInput,
  FacilityPatch,
  IncidentInput,
  IncidentPatch,
  INCIDENT_STATUSES,
  OrganisationInput,
  PersonInput,
  PersonLinkInput,
  PersonPatch,
  SegmentInput,
  SegmentPatch,
  ViolationTypeInput,
  jsonSchema,
} from '../../core/catalogue/inputs.ts';
import { CustodyError } from '../../core/errors.ts';
import {
  findIncident,
  findPerson,
  listFacilities,
  listIncidents,
  listOrganisations,
  listPeople,
  listViolationTypes,
  peopleOfIncident,
  segmentsWhere,
} from '../../db/catalogue-query.ts';
import { incidentHistory, incidentTimeline } from '../../db/catalogue-query.ts';
import type { AccountRow } from '../../db/schema.ts';
import { incidentJson, personJson, segmentJson } from '../../core/catalogue/views.ts';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../../domain/verification.ts';
import { idParams } from './params.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';

const actor = (request: FastifyRequest): string => (request.account as AccountRow).email;

function decodeCursor(after: string | undefined): { at: Date; id: string } | null {
  if (after === undefined || after === '') return null;
  const [at, id] = after.split('|');
  const date = new Date(at ?? '');
  if (id === undefined || Number.isNaN(date.getTime()))
    throw new CustodyError('REQUEST.INVALID', 'The paging cursor is malformed.', {
      hint: 'Pass back the `next` value of the previous page unchanged.',
    });
  return { at: date, id };
}

export function catalogueRoutes(app: FastifyInstance, deps: CatalogueDeps): void {
  const tags = ['catalogue'];

  // ---- facilities, organisations, acts ---------------------------------------------------
  app.get('/api/facilities', { config: { access: READ_ROLES }, schema: { tags } }, async () =>
    listFacilities(deps.db),
  );
  app.post(
    '/api/facilities',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(FacilityInput) } },
    async (request, reply) =>
      reply.status(201).send(await createFacility(deps, actor(request), request.body)),
  );
  app.patch<{ Params: { id: string } }>(
    '/api/facilities/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(FacilityPatch) },
    },
    async (request) => updateFacility(deps, actor(request), request.params.id, request.body),
  );
  app.get('/api/organisations', { config: { access: READ_ROLES }, schema: { tags } }, async () =>
    listOrganisations(deps.db),
  );
  app.post(
    '/api/organisations',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(OrganisationInput) } },
    async (request, reply) =>
      reply.status(201).send(await createOrganisation(deps, actor(request), request.body)),
  );
  app.get('/api/violation-types', { config: { access: READ_ROLES }, schema: { tags } }, async () =>
    listViolationTypes(deps.db),
  );
  app.post(
    '/api/violation-types',
    { config: { access: ['admin'] }, schema: { tags, body: jsonSchema(ViolationTypeInput) } },
    async (request, reply) =>
      reply.status(201).send(await addViolationType(deps, actor(request), request.body)),
  );

  // ---- incidents ---------------------------------------------------------------------------
  app.get<{
    Querystring: {
      status?: string;
      facility?: string;
      from?: string;
      to?: string;
      after?: string;
      limit?: number;
      verification?: VerificationStatus;
    };
  }>(
    '/api/incidents',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Incidents, newest first by when they happened (keyset: pass `next` as `after`)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: INCIDENT_STATUSES },
            facility: { type: 'string', format: 'uuid' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            after: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            verification: {
              type: 'string',
              enum: VERIFICATION_STATUSES,
              description: 'the verification status (unverified: also those without a record)',
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const rows = await listIncidents(
        deps.db,
        {
          status: q.status,
          facilityId: q.facility,
          from: q.from === undefined ? undefined : new Date(q.from),
          to: q.to === undefined ? undefined : new Date(q.to),
          verification: q.verification,
        },
        decodeCursor(q.after),
        limit,
      );
      const last = rows.at(-1);
      return {
        incidents: rows.map((r) => ({ ...incidentJson(r), verification: r.verification })),
        next:
          rows.length === limit && last !== undefined
            ? `${new Date(last.sort_at).toISOString()}|${last.id}`
            : null,
      };
    },
  );
  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/api/incidents/timeline',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Incidents with a start time, by month and facility (at most 5,000)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    async (request) => {
      const rows = await incidentTimeline(
        deps.db,
        request.query.from === undefined ? undefined : new Date(request.query.from),
        request.query.to === undefined ? undefined : new Date(request.query.to),
      );
      return rows.map((r) => ({
        month: r.month,
        facilityId: r.facility_id,
        facility: r.facility,
        id: r.id,
        title: r.title,
        status: r.status,
        startsAt: r.starts_at?.toISOString() ?? null,
      }));
    },
  );
  app.post(
    '/api/incidents',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(IncidentInput) } },
    async (request, reply) => {
      const row = await createIncident(deps, actor(request), request.body);
      return reply.status(201).send(incidentJson((await findIncident(deps.db, row.id)) ?? row));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'An incident with its people, segments and history',
        params: idParams,
      },
    },
    async (request) => {
      const incident = await findIncident(deps.db, request.params.id);
      if (incident === undefined)
        throw new CustodyError('CATALOGUE.NOT_FOUND', 'No such incident.', {
          hint: 'Check the link.',
        });
      const segments = await segmentsWhere(deps.db, { incidentId: incident.id });
      const events = await incidentHistory(deps.db, incident.id);
      return {
        ...incidentJson(incident),
        people: await peopleOfIncident(deps.db, incident.id),
        segments: segments.map(segmentJson),
        items: [...new Set(segments.map((s) => s.item_id))],
        history: events.map((e) => ({
          seq: e.seq,
          at: e.at.toISOString(),
          actor: e.actor,
          action: e.action,
          payload: e.payload,
        })),
      };
    },
  );
  app.patch<{ Params: { id: string } }>(
    '/api/incidents/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(IncidentPatch) },
    },
    async (request) => {
      const row = await updateIncident(deps, actor(request), request.params.id, request.body);
      return incidentJson((await findIncident(deps.db, row.id)) ?? row);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/incidents/:id/people',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(PersonLinkInput) },
    },
    async (request, reply) => {
      await linkPerson(deps, actor(request), request.params.id, request.body);
      return reply.status(204).send();
    },
  );

  // ---- people -----------------------------------------------------------------------------
  app.get<{ Querystring: { after?: string; limit?: number } }>(
    '/api/people',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'People by pseudonym (real names are never listed)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', format: 'uuid' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const rows = await listPeople(
        deps.db,
        request.query.after ?? '00000000-0000-0000-0000-000000000000',
        limit,
      );
      return {
        people: rows.map(personJson),
        next: rows.length === limit ? (rows.at(-1)?.id ?? null) : null,
      };
    },
  );
  app.post(
    '/api/people',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(PersonInput) } },
    async (request, reply) => {
      const row = await createPerson(deps, actor(request), request.body);
      return reply.status(201).send(personJson({ ...row, has_real_name: row.real_name !== null }));
    },
  );
  app.patch<{ Params: { id: string } }>(
    '/api/people/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(PersonPatch) },
    },
    async (request) => {
      const row = await updatePerson(deps, actor(request), request.params.id, request.body);
      return personJson({ ...row, has_real_name: row.real_name !== null });
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/people/:id',
    { config: { access: READ_ROLES }, schema: { tags, params: idParams } },
    async (request) => {
      const row = await findPerson(deps.db, request.params.id);
      if (row === undefined)
        throw new CustodyError('CATALOGUE.NOT_FOUND', 'No such person.', {
          hint: 'Check the link.',
        });
      return personJson(row);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/people/:id/real-name',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Show the real name (sensitive: each viewing is recorded in the custody log)',
        params: idParams,
      },
    },
    async (request) => ({
      realName: await revealRealName(deps, actor(request), request.params.id),
    }),
  );

  // ---- segments ---------------------------------------------------------------------------
  app.get<{ Params: { id: string } }>(
    '/api/items/:id/segments',
    { config: { access: READ_ROLES }, schema: { tags, params: idParams } },
    async (request) =>
      (await segmentsWhere(deps.db, { itemId: request.params.id })).map(segmentJson),
  );
  app.post(
    '/api/segments',
    { config: { access: WRITE_ROLES }, schema: { tags, body: jsonSchema(SegmentInput) } },
    async (request, reply) => {
      const row = await createSegment(deps, actor(request), request.body);
      return reply.status(201).send(segmentJson({ ...row, item_path: null }));
    },
  );
  app.patch<{ Params: { id: string } }>(
    '/api/segments/:id',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, params: idParams, body: jsonSchema(SegmentPatch) },
    },
    async (request) =>
      segmentJson({
        ...(await updateSegment(deps, actor(request), request.params.id, request.body)),
        item_path: null,
      }),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/segments/:id',
    { config: { access: WRITE_ROLES }, schema: { tags, params: idParams } },
    async (request, reply) => {
      await deleteSegment(deps, actor(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
