import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  acceptInvitation,
  enableTotp,
  hasAdmin,
  invite,
  login,
  logout,
  ROLES,
  type AccountDeps,
} from '../../core/accounts/accounts.ts';
import type { AccountRow, Role } from '../../db/schema.ts';
import { SESSION_COOKIE } from '../access.ts';

const accountSchema = {
  type: 'object',
  required: ['id', 'email', 'displayName', 'role', 'totp'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    totp: { type: 'boolean', description: 'whether the second factor is on' },
  },
} as const;

function accountJson(a: AccountRow): Record<string, unknown> {
  return {
    id: a.id,
    email: a.email,
    displayName: a.display_name,
    role: a.role,
    totp: a.totp_secret !== null,
  };
}

const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' };

export function authRoutes(
  app: FastifyInstance,
  deps: AccountDeps,
  opts: { secureCookies: boolean },
): void {
  const setSession = (reply: FastifyReply, token: string, expiresAt: Date): void => {
    void reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: opts.secureCookies,
      path: '/',
      expires: expiresAt,
    });
  };

  app.post<{ Body: { token: string; email: string; displayName: string; password: string } }>(
    '/api/invitations/accept',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Create an account from an invitation or the setup link',
        tags: ['accounts'],
        body: {
          type: 'object',
          required: ['token', 'email', 'displayName', 'password'],
          additionalProperties: false,
          properties: {
            token: { type: 'string', minLength: 20, maxLength: 200 },
            email,
            displayName: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 1000 },
          },
        },
        response: { 201: accountSchema },
      },
    },
    async (request, reply) => {
      const account = await acceptInvitation(deps, request.body);
      return reply.status(201).send(accountJson(account));
    },
  );

  app.get(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Whether the archive still needs its first admin (via the setup link)',
        tags: ['accounts'],
        response: {
          200: {
            type: 'object',
            required: ['setupRequired'],
            properties: { setupRequired: { type: 'boolean' } },
          },
        },
      },
    },
    async (_request, reply) => reply.send({ setupRequired: !(await hasAdmin(deps.db)) }),
  );

  app.post<{ Body: { email: string; password: string; totp?: string } }>(
    '/api/session',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Log in: sets an HttpOnly, SameSite=Strict session cookie',
        tags: ['accounts'],
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: {
            email,
            password: { type: 'string', minLength: 1, maxLength: 1000 },
            totp: { type: 'string', pattern: '^[0-9]{6}$' },
          },
        },
        response: { 200: accountSchema },
      },
    },
    async (request, reply) => {
      const { account, token, expiresAt } = await login(deps, request.body);
      setSession(reply, token, expiresAt);
      return accountJson(account);
    },
  );

  app.delete(
    '/api/session',
    {
      config: { access: 'signed-in' },
      schema: { summary: 'Log out', tags: ['accounts'], response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      if (request.sessionToken !== null) await logout(deps, request.sessionToken);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: 'signed-in' },
      schema: {
        summary: 'The signed-in account',
        tags: ['accounts'],
        response: { 200: accountSchema },
      },
    },
    (request, reply) => reply.send(accountJson(request.account as AccountRow)),
  );

  app.post(
    '/api/me/totp/secret',
    {
      config: { access: 'signed-in' },
      schema: {
        summary: 'A new second-factor secret to show to the user (not yet active)',
        tags: ['accounts'],
        response: {
          200: {
            type: 'object',
            required: ['secret', 'uri'],
            properties: { secret: { type: 'string' }, uri: { type: 'string' } },
          },
        },
      },
    },
    (request, reply) => {
      const secret = deps.totp.newSecret();
      return reply.send({
        secret,
        uri: deps.totp.uri(secret, (request.account as AccountRow).email),
      });
    },
  );

  app.post<{ Body: { secret: string; code: string } }>(
    '/api/me/totp',
    {
      config: { access: 'signed-in' },
      schema: {
        summary: 'Turn on the second factor with a secret and a current code for it',
        tags: ['accounts'],
        body: {
          type: 'object',
          required: ['secret', 'code'],
          additionalProperties: false,
          properties: {
            secret: { type: 'string', pattern: '^[A-Z2-7]{16,64}$' },
            code: { type: 'string', pattern: '^[0-9]{6}$' },
          },
        },
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await enableTotp(deps, request.account as AccountRow, request.body.secret, request.body.code);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { role: Role; email?: string } }>(
    '/api/invitations',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Invite someone: returns a one-time token for the invitation link',
        tags: ['accounts'],
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: { role: { type: 'string', enum: ROLES }, email },
        },
        response: {
          201: {
            type: 'object',
            required: ['token', 'expiresAt'],
            properties: { token: { type: 'string' }, expiresAt: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = await invite(deps, request.account, {
        role: request.body.role,
        email: request.body.email ?? null,
      });
      return reply.status(201).send({ token, expiresAt: expiresAt.toISOString() });
    },
  );
}
