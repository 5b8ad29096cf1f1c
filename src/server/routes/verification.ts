import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogueDeps } from '../../core/catalogue/catalogue.ts';
import { jsonSchema } from '../../core/catalogue/inputs.ts';
import { incidentHints, itemHints } from '../../core/verification/hints.ts';
import { SignOffInput, VerificationPatch } from '../../core/verification/inputs.ts';
import { signOff } from '../../core/verification/sign-off.ts';
import { mustExist, type Subject } from '../../core/verification/subject.ts';
import { updateVerification } from '../../core/verification/update.ts';
import { verificationHistory } from '../../core/verification/history.ts';
import { signOffFor, SIGN_OFF_ROLES, verificationView } from '../../core/verification/view.ts';
import type { AccountRow } from '../../db/schema.ts';
import type { VerificationSubject } from '../../domain/verification.ts';
import { READ_ROLES, WRITE_ROLES } from '../access.ts';
import { idParams } from './params.ts';

const account = (request: FastifyRequest): AccountRow => request.account as AccountRow;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * Verification records of items and incidents: read them (with whether the reader may sign
 * off), change them, sign them off (a reviewer who is not the last author), and the hints
 * Custody computes for the checks.
 */
export function verificationRoutes(app: FastifyInstance, deps: CatalogueDeps): void {
  const tags = ['verification'];

  for (const type of ['item', 'incident'] as const satisfies readonly VerificationSubject[]) {
    const base = `/api/${type === 'item' ? 'items' : 'incidents'}/:id/verification`;
    const subject = (request: IdRequest): Subject => ({ type, id: request.params.id });
    const answer = async (request: IdRequest) => {
      const view = await verificationView(deps.db, subject(request));
      return {
        ...view,
        signOff: signOffFor(view, account(request)),
        history: await verificationHistory(deps.db, subject(request)),
      };
    };

    app.get<{ Params: { id: string } }>(
      base,
      {
        config: { access: READ_ROLES },
        schema: {
          tags,
          summary: `The ${type}'s verification record: status, confidence, the checklist with evidence, sign-off`,
          params: idParams,
        },
      },
      async (request) => {
        await mustExist(deps.db, subject(request));
        return answer(request);
      },
    );
    app.patch<{ Params: { id: string } }>(
      base,
      {
        config: { access: WRITE_ROLES },
        schema: {
          tags,
          summary: `Change the ${type}'s record (only what is named; a check's evidence list sent replaces it). A change to a signed-off record reopens it for review.`,
          params: idParams,
          body: jsonSchema(VerificationPatch),
        },
      },
      async (request) => {
        await updateVerification(deps, account(request).email, subject(request), request.body);
        return answer(request);
      },
    );
    app.post<{ Params: { id: string } }>(
      `${base}/sign-off`,
      {
        config: { access: SIGN_OFF_ROLES },
        schema: {
          tags,
          summary: `Sign the ${type}'s record off as verified, disputed or rejected: a reviewer or admin who did not make its last change, on a record in review`,
          params: idParams,
          body: jsonSchema(SignOffInput),
        },
      },
      async (request) => {
        await signOff(deps, account(request).email, subject(request), request.body);
        return answer(request);
      },
    );
    app.get<{ Params: { id: string } }>(
      `${base}/hints`,
      {
        config: { access: READ_ROLES },
        schema: {
          tags,
          summary:
            type === 'item'
              ? 'What Custody computes for the checks: overlay vs creation vs file times, copies and cuts, custody-log integrity'
              : "The hints of the incident's items, the claims about it and its custody-log integrity",
          params: idParams,
        },
      },
      async (request) =>
        type === 'item'
          ? itemHints(deps.db, request.params.id)
          : incidentHints(deps.db, request.params.id),
    );
  }
}
