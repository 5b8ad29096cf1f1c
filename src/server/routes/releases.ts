import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogueDeps } from '../../core/catalogue/catalogue.ts';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import {
  LinkInput,
  ReleaseDecisionInput,
  ReleaseInput,
  ReleasePatch,
  RevokeInput,
} from '../../core/release/inputs.ts';
import { createLink, revokeLink } from '../../core/release/links.ts';
import {
  createRelease,
  releaseStep,
  revokeRelease,
  updateRelease,
} from '../../core/release/releases.ts';
import {
  accessCsv,
  findRelease,
  listReleases,
  partnerAccounts,
  releaseHistory,
  releaseJson,
} from '../../core/release/view.ts';
import { SIGN_OFF_ROLES } from '../../core/verification/view.ts';
import type { ReleaseStatus } from '../../db/release-schema.ts';
import type { AccountRow } from '../../db/schema.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { idParams } from './params.ts';

const account = (request: FastifyRequest): AccountRow => request.account as AccountRow;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * Releases for staff: assemble a batch (approved redactions, texts, warning, audience, embargo),
 * submit it, approve it (a reviewer who did not change it), send it back, revoke it; share
 * links for named recipients; and who outside viewed or downloaded what.
 */
export function releaseRoutes(app: FastifyInstance, deps: CatalogueDeps): void {
  const tags = ['release'];
  const answer = async (request: IdRequest, id: string) => {
    const row = await findRelease(deps.db, id);
    const me = account(request);
    return {
      ...(await releaseJson(deps.db, row, deps.clock.now())),
      canApprove:
        row.status === 'submitted' &&
        (SIGN_OFF_ROLES as readonly string[]).includes(me.role) &&
        !row.authors.includes(me.email),
      history: await releaseHistory(deps.db, id),
    };
  };

  app.get<{ Querystring: { status?: ReleaseStatus } }>(
    '/api/releases',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Releases, newest change first',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['draft', 'submitted', 'approved', 'revoked'] },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({
      releases: await listReleases(deps.db, deps.clock.now(), { status: request.query.status }),
    }),
  );
  app.get(
    '/api/partners',
    {
      config: { access: READ_ROLES },
      schema: { tags, summary: 'Partner accounts a release can be shared with' },
    },
    async () => ({ partners: await partnerAccounts(deps.db) }),
  );
  app.post(
    '/api/releases',
    {
      config: { access: WRITE_ROLES },
      schema: { tags, summary: 'Start a release (a draft)', body: jsonSchema(ReleaseInput) },
    },
    async (request, reply) => {
      const id = await createRelease(deps, account(request).email, request.body);
      return reply.status(201).send(await answer(request as IdRequest, id));
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/releases/:id',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'A release: content, audience, review, links, access record, history',
        params: idParams,
      },
    },
    (request) => answer(request, request.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/api/releases/:id/access.csv',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'The access record (views, plays, downloads by partners and links) as CSV',
        params: idParams,
      },
    },
    async (request, reply) => {
      const row = await findRelease(deps.db, request.params.id);
      return reply
        .header(
          'content-disposition',
          `attachment; filename="release-${row.id.slice(0, 8)}-access.csv"`,
        )
        .type('text/csv; charset=utf-8')
        .send(await accessCsv(deps.db, row.id));
    },
  );
  app.patch<{ Params: { id: string } }>(
    '/api/releases/:id',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'Change a draft (name the version you loaded; lists sent replace the lists)',
        params: idParams,
        body: jsonSchema(ReleasePatch),
      },
    },
    async (request) => {
      await updateRelease(deps, account(request).email, request.params.id, request.body);
      return answer(request, request.params.id);
    },
  );
  const steps = [
    ['submit', WRITE_ROLES, 'Submit a draft for review'],
    ['approve', SIGN_OFF_ROLES, 'Approve a submitted release: a reviewer who did not change it'],
    ['return', READ_ROLES, 'Send a submitted release back to draft, with a note'],
  ] as const;
  for (const [step, roles, summary] of steps)
    app.post<{ Params: { id: string } }>(
      `/api/releases/:id/${step}`,
      {
        config: { access: roles },
        schema: { tags, summary, params: idParams, body: jsonSchema(ReleaseDecisionInput) },
      },
      async (request) => {
        await releaseStep(deps, account(request).email, request.params.id, step, request.body);
        return answer(request, request.params.id);
      },
    );
  app.post<{ Params: { id: string } }>(
    '/api/releases/:id/revoke',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Revoke: every audience and link loses it from the next request on',
        params: idParams,
        body: jsonSchema(RevokeInput),
      },
    },
    async (request) => {
      await revokeRelease(deps, account(request).email, request.params.id, request.body);
      return answer(request, request.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/releases/:id/links',
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags,
        summary: 'A share link for a named recipient, expiring; the address is shown only now',
        params: idParams,
        body: jsonSchema(LinkInput),
      },
    },
    async (request, reply) => {
      const link = await createLink(deps, account(request).email, request.params.id, request.body);
      return reply
        .status(201)
        .send({ id: link.id, token: link.token, path: `/shared/${link.token}` });
    },
  );
  app.delete<{ Params: { id: string; linkId: string } }>(
    '/api/releases/:id/links/:linkId',
    {
      config: { access: READ_ROLES },
      schema: {
        tags,
        summary: 'Revoke a share link, effective on its next request',
        params: {
          type: 'object',
          required: ['id', 'linkId'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            linkId: { type: 'string', format: 'uuid' },
          },
        },
      },
    },
    async (request) => {
      await revokeLink(deps, account(request).email, request.params.id, request.params.linkId);
      return answer(request, request.params.id);
    },
  );
}
