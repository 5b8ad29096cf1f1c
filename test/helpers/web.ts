import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Archive } from '../../src/archive.ts';
import { setupInvitation } from '../../src/core/accounts/accounts.ts';
import type { Role } from '../../src/db/schema.ts';
import { buildApp } from '../../src/server/app.ts';

export const PASSWORD = 'correct horse battery staple';
export const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
export const emailOf = (role: Role): string => `${role}@example.org`;

export function sessionCookie(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie.join('; ') : (setCookie ?? '');
  const m = /custody_session=([^;]+)/.exec(header);
  if (m === null) throw new Error(`no session cookie in ${header}`);
  return `custody_session=${m[1] ?? ''}`;
}

export async function login(app: FastifyInstance, email: string, totp?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/session',
    headers: SAME_ORIGIN,
    payload: { email, password: PASSWORD, ...(totp === undefined ? {} : { totp }) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return sessionCookie(res.headers['set-cookie']);
}

/**
 * The app on an archive with one account per role: the admin from the setup link, the others
 * invited by the admin, all through the API as people would.
 */
export async function appWithAccounts(archive: Archive): Promise<FastifyInstance> {
  const app = await buildApp(archive);
  const setup = await setupInvitation(archive);
  expect(setup).not.toBeNull();
  const accept = async (token: string, role: Role): Promise<void> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      headers: SAME_ORIGIN,
      payload: { token, email: emailOf(role), displayName: `Тест ${role}`, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  await accept(setup ?? '', 'admin');
  expect(await setupInvitation(archive)).toBeNull(); // no second setup link once there is an admin
  const admin = await login(app, emailOf('admin'));
  for (const role of ['investigator', 'reviewer', 'partner'] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/invitations',
      headers: { ...SAME_ORIGIN, cookie: admin },
      payload: { role },
    });
    expect(res.statusCode, res.body).toBe(201);
    await accept(res.json<{ token: string }>().token, role);
  }
  return app;
}

/** A JSON API call as a signed-in browser tab would make it. */
export function call(
  app: FastifyInstance,
  cookie: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { ...SAME_ORIGIN, cookie },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
