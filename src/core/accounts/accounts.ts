import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendCustodyEvents } from '../../db/custody-log.ts';
import type { AccountRow, Database, Role } from '../../db/schema.ts';
import { CustodyError } from '../errors.ts';
import type { Clock, PasswordHasher, TotpService } from '../ports.ts';

export interface AccountDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly passwords: PasswordHasher;
  readonly totp: TotpService;
}

export const ROLES: readonly Role[] = ['admin', 'investigator', 'reviewer', 'partner'];

const INVITATION_HOURS = 72;
const SESSION_HOURS = 12;
const SESSION_IDLE_MINUTES = 60;
const THROTTLE_WINDOW_MINUTES = 15;
const THROTTLE_FAILURES = 5;
const MIN_PASSWORD = 12;

/** Tokens are random, shown once, and stored only as their SHA-256. */
function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const hoursFrom = (d: Date, h: number): Date => new Date(d.getTime() + h * 3_600_000);

/**
 * While the archive has no admin, a setup link (an admin invitation) is made at each start of
 * the server and printed on its console: whoever can read the console of the machine sets up
 * the first account. There is no default password.
 */
export async function setupInvitation(deps: AccountDeps): Promise<string | null> {
  if (await hasAdmin(deps.db)) return null;
  return (await invite(deps, null, { role: 'admin', email: null })).token;
}

export async function hasAdmin(db: Kysely<Database>): Promise<boolean> {
  const admin = await db
    .selectFrom('account')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return admin !== undefined;
}

export async function invite(
  deps: AccountDeps,
  by: AccountRow | null,
  what: { role: Role; email: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const { token, hash } = newToken();
  const expiresAt = hoursFrom(now, INVITATION_HOURS);
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('invitation')
      .values({
        token_hash: hash,
        role: what.role,
        email: what.email?.toLowerCase() ?? null,
        invited_by: by?.id ?? null,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
        account_id: null,
      })
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: by?.email ?? 'setup',
          action: 'account.invited',
          subjectType: 'account',
          subjectId: hash.slice(0, 16),
          payload: { role: what.role, expiresAt: expiresAt.toISOString() },
        },
      ],
      now,
    );
  });
  return { token, expiresAt };
}

const invalidInvitation = (): CustodyError =>
  new CustodyError('AUTH.INVITATION_INVALID', 'This invitation link is unknown, used or expired.', {
    hint: 'Ask an admin for a new invitation (or restart the server for a new setup link).',
  });

/** Turns an invitation into an account; the link works once. */
export async function acceptInvitation(
  deps: AccountDeps,
  input: { token: string; email: string; displayName: string; password: string },
): Promise<AccountRow> {
  const now = deps.clock.now();
  const email = input.email.trim().toLowerCase();
  if (input.password.length < MIN_PASSWORD)
    throw new CustodyError(
      'REQUEST.INVALID',
      `The password must have at least ${MIN_PASSWORD} characters.`,
      { hint: 'A passphrase of four or more words is easy to remember and hard to guess.' },
    );
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.db.transaction().execute(async (tx) => {
    const invitation = await tx
      .selectFrom('invitation')
      .selectAll()
      .where('token_hash', '=', tokenHash(input.token))
      .forUpdate()
      .executeTakeFirst();
    if (
      invitation === undefined ||
      invitation.used_at !== null ||
      invitation.expires_at.getTime() < now.getTime() ||
      (invitation.email !== null && invitation.email !== email)
    )
      throw invalidInvitation();
    const taken = await tx
      .selectFrom('account')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (taken !== undefined)
      throw new CustodyError('ACCOUNT.EXISTS', 'An account with this email already exists.', {
        hint: 'Log in with it, or use another email address.',
      });
    const account: AccountRow = {
      id: randomUUID(),
      email,
      display_name: input.displayName.trim(),
      role: invitation.role,
      password_hash: passwordHash,
      totp_secret: null,
      created_at: now,
      disabled_at: null,
    };
    await tx.insertInto('account').values(account).execute();
    await tx
      .updateTable('invitation')
      .set({ used_at: now, account_id: account.id })
      .where('token_hash', '=', invitation.token_hash)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: email,
          action: 'account.created',
          subjectType: 'account',
          subjectId: account.id,
          payload: { role: account.role, invitation: invitation.token_hash.slice(0, 16) },
        },
      ],
      now,
    );
    return account;
  });
}

/** A hash to verify against when the email is unknown, so both cases take the same time. */
let decoy: Promise<string> | undefined;

/**
 * Checks email, password and (when enabled) the second-factor code, and opens a session.
 * After five failures in fifteen minutes an email is refused until the window passes, whether
 * or not the account exists.
 */
export async function login(
  deps: AccountDeps,
  input: { email: string; password: string; totp?: string | undefined },
): Promise<{ account: AccountRow; token: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const email = input.email.trim().toLowerCase();
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000);
  const failures = await deps.db
    .selectFrom('login_failure')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '=', email)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (failures.n >= THROTTLE_FAILURES)
    throw new CustodyError('AUTH.THROTTLED', 'Too many failed logins for this account.', {
      hint: `Wait ${THROTTLE_WINDOW_MINUTES} minutes, then try again.`,
    });
  const account = await deps.db
    .selectFrom('account')
    .selectAll()
    .where('email', '=', email)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  decoy ??= deps.passwords.hash(randomBytes(16).toString('hex'));
  const ok = await deps.passwords.verify(account?.password_hash ?? (await decoy), input.password);
  const fail = async (e: CustodyError): Promise<never> => {
    await deps.db.insertInto('login_failure').values({ email, at: now }).execute();
    throw e;
  };
  if (account === undefined || !ok)
    return fail(
      new CustodyError('AUTH.INVALID_CREDENTIALS', 'Wrong email or password.', {
        hint: 'Check both and try again; an admin can invite you again if you forgot it.',
      }),
    );
  if (account.totp_secret !== null) {
    if (input.totp === undefined || input.totp === '')
      throw new CustodyError('AUTH.TOTP_REQUIRED', 'Enter the code from your authenticator app.', {
        hint: 'The 6-digit code changes every 30 seconds.',
      });
    if (!(await deps.totp.verify(account.totp_secret, input.totp)))
      return fail(
        new CustodyError('AUTH.INVALID_CREDENTIALS', 'Wrong second-factor code.', {
          hint: 'Check the clock of the phone, then try the current code.',
        }),
      );
  }
  const { token, hash } = newToken();
  const expiresAt = hoursFrom(now, SESSION_HOURS);
  await deps.db
    .insertInto('session')
    .values({
      token_hash: hash,
      account_id: account.id,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
    })
    .execute();
  return { account, token, expiresAt };
}

/** The account behind a session token, or null when it is unknown, expired or idle too long. */
export async function sessionAccount(
  deps: Pick<AccountDeps, 'db' | 'clock'>,
  token: string,
): Promise<AccountRow | null> {
  const now = deps.clock.now();
  const row = await deps.db
    .selectFrom('session')
    .innerJoin('account', 'account.id', 'session.account_id')
    .selectAll('account')
    .select(['session.token_hash', 'session.expires_at', 'session.last_seen_at'])
    .where('session.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (row === undefined || row.disabled_at !== null) return null;
  const idleSince = now.getTime() - row.last_seen_at.getTime();
  if (row.expires_at.getTime() < now.getTime() || idleSince > SESSION_IDLE_MINUTES * 60_000) {
    await deps.db.deleteFrom('session').where('token_hash', '=', row.token_hash).execute();
    return null;
  }
  if (idleSince > 60_000)
    await deps.db
      .updateTable('session')
      .set({ last_seen_at: now })
      .where('token_hash', '=', row.token_hash)
      .execute();
  return {
    id: row.id,
    email: row.email,
    display_name: row.display_name,
    role: row.role,
    password_hash: row.password_hash,
    totp_secret: row.totp_secret,
    created_at: row.created_at,
    disabled_at: row.disabled_at,
  };
}

export async function logout(deps: Pick<AccountDeps, 'db'>, token: string): Promise<void> {
  await deps.db.deleteFrom('session').where('token_hash', '=', tokenHash(token)).execute();
}

/**
 * Turns on the second factor once the user proves their app has the secret (a valid code for
 * it); the secret is made by `deps.totp.newSecret()` and held by the client in between.
 */
export async function enableTotp(
  deps: AccountDeps,
  account: AccountRow,
  secret: string,
  code: string,
): Promise<void> {
  if (!(await deps.totp.verify(secret, code)))
    throw new CustodyError('AUTH.INVALID_CREDENTIALS', 'That code does not match the secret.', {
      hint: 'Scan the code again and enter the current 6 digits.',
    });
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('account')
      .set({ totp_secret: secret })
      .where('id', '=', account.id)
      .execute();
    await appendCustodyEvents(
      tx,
      [
        {
          actor: account.email,
          action: 'account.totp-enabled',
          subjectType: 'account',
          subjectId: account.id,
          payload: {},
        },
      ],
      now,
    );
  });
}
