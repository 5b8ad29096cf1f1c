import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sessionAccount } from '../core/accounts/accounts.ts';
import { CustodyError } from '../core/errors.ts';
import type { AccountRow, Database, Role } from '../db/schema.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/ports.ts';

/**
 * Who may call a route. Every route declares it (DESIGN rule 5); registering one without a
 * declaration fails at boot, and the route × role matrix test reads these declarations.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    account: AccountRow | null;
    sessionToken: string | null;
  }
  interface FastifyInstance {
    declaredRoutes: DeclaredRoute[];
  }
}

/** Internal staff who read the catalogue and evidence (partners see only what is shared). */
export const READ_ROLES = ['admin', 'investigator', 'reviewer'] as const;
/** Staff who change the catalogue, download originals and make packages. */
export const WRITE_ROLES = ['admin', 'investigator'] as const;

export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

export const SESSION_COOKIE = 'custody_session';

/** Routes that plugins add for themselves (the API docs viewer): public, and listed here. */
const PLUGIN_PREFIXES = ['/api/docs'];

export function declareAccess(
  app: FastifyInstance,
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
): void {
  app.decorate('declaredRoutes', [] as DeclaredRoute[]);
  app.decorateRequest('account', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access };
    if (config.access === undefined) {
      if (!PLUGIN_PREFIXES.some((p) => route.url.startsWith(p)))
        throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
      route.config = { ...config, access: 'public' };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      if (method !== 'HEAD')
        app.declaredRoutes.push({
          method,
          url: route.url,
          access: (route.config as { access: Access }).access,
        });
  });
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token !== undefined && token !== '') {
      request.account = await sessionAccount(deps, token);
      request.sessionToken = request.account === null ? null : token;
    }
    if (hiddenFromPartner(request))
      return reply.status(404).send({
        error: { code: 'NOT_FOUND', message: 'No such page or API route.', hint: null },
      });
    check(request);
    return undefined;
  });
}

/**
 * A partner must not learn that anything outside what was shared with them exists (BRIEF: they
 * may not "learn that anything else exists"): a staff route answers them exactly as a route
 * that does not exist does, whatever the id, rather than "forbidden".
 */
function hiddenFromPartner(request: FastifyRequest): boolean {
  const access = request.routeOptions.config.access;
  return (
    request.account?.role === 'partner' &&
    Array.isArray(access) &&
    !(access as readonly Role[]).includes('partner')
  );
}

function check(request: FastifyRequest): void {
  const access = request.routeOptions.config.access;
  if (access === undefined || access === 'public') return;
  if (request.account === null)
    throw new CustodyError('AUTH.REQUIRED', 'Sign in first.', {
      hint: 'Log in at the start page; sessions end after an hour without use.',
    });
  if (access === 'signed-in') return;
  if (!access.includes(request.account.role))
    throw new CustodyError('AUTH.FORBIDDEN', 'Your role does not allow this.', {
      hint: 'Ask an admin if you need it.',
    });
}
