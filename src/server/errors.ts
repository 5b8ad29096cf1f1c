import type { FastifyError, FastifyInstance } from 'fastify';
import { isCustodyError, type ErrorCode } from '../core/errors.ts';

/** The one mapping from stable error codes to HTTP statuses (the CLI has its exit codes). */
const EXACT: Partial<Record<ErrorCode, number>> = {
  'AUTH.REQUIRED': 401,
  'AUTH.INVALID_CREDENTIALS': 401,
  'AUTH.TOTP_REQUIRED': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.CROSS_SITE': 403,
  'AUTH.THROTTLED': 429,
  'ACCOUNT.EXISTS': 409,
  'ARCHIVE.LOCKED': 503,
  'ALLEGATION.THROTTLED': 429,
  'ALLEGATION.UPLOAD_REFUSED': 403,
  'ALLEGATION.UPLOAD_FAILED': 500,
  'VERIFICATION.OWN_WORK': 403,
  'VERIFICATION.NOT_IN_REVIEW': 409,
  'VERIFICATION.CHANGED': 409,
  'REDACTION.OWN_WORK': 403,
  'REDACTION.CHANGED': 409,
  'REDACTION.LOCKED': 409,
  'REDACTION.NOT_RENDERED': 409,
  'RELEASE.OWN_WORK': 403,
  'RELEASE.CHANGED': 409,
  'RELEASE.LOCKED': 409,
  'RELEASE.NOT_READY': 409,
  'RELEASE.LINK_INVALID': 404,
  'RELEASE.BUSY': 503,
};

export function httpStatusFor(code: ErrorCode): number {
  const exact = EXACT[code];
  if (exact !== undefined) return exact;
  if (code.endsWith('.NOT_FOUND')) return 404;
  const ns = code.split('.')[0];
  if (ns === 'USAGE' || ns === 'REQUEST' || ns === 'AUTH' || ns === 'ITEM') return 400;
  if (ns === 'BLOB' || ns === 'VERIFY' || ns === 'ARCHIVE' || ns === 'SEAL') return 500;
  return 400;
}

/**
 * Every error answers `{error: {code, message, hint}}`. Unknown errors say nothing about
 * their cause (it may hold paths or data): it goes to the server log only.
 */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isCustodyError(error)) {
      const status = httpStatusFor(error.code);
      if (status >= 500) request.log.error({ code: error.code }, error.message);
      return reply.status(status).send({
        error: { code: error.code, message: error.message, hint: error.hint ?? null },
      });
    }
    if (error.validation !== undefined)
      return reply.status(400).send({
        error: {
          code: 'REQUEST.INVALID',
          message: `The request is not valid: ${error.message}.`,
          hint: 'See the API description at /api/docs.',
        },
      });
    if (error.statusCode !== undefined && error.statusCode < 500)
      return reply.status(error.statusCode).send({
        error: { code: 'REQUEST.INVALID', message: error.message, hint: null },
      });
    request.log.error(error);
    return reply.status(500).send({
      error: {
        code: 'INTERNAL',
        message: 'Something went wrong on the server.',
        hint: 'Try again; if it persists, report it with the time it happened.',
      },
    });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: 'No such page or API route.', hint: null },
    }),
  );
}
