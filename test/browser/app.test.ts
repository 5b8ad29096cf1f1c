import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../../src/archive.ts';
import { setupInvitation } from '../../src/core/accounts/accounts.ts';
import { ingest } from '../../src/core/ingest/ingest.ts';
import { buildApp } from '../../src/server/app.ts';
import { createTestArchive, tempDir } from '../helpers/archive.ts';

/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core) against the real
 * server and archive: set-up, login, the items list and its filters, an item with its custody
 * history, Russian, inviting an investigator who then signs in with a second factor, logout.
 * Hostile file names must stay text, no dialog may open and the CSP must block nothing.
 * Screenshots of each page land in test/browser/artifacts/.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEB_DIST = path.join(ROOT, 'web/dist');
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const CHROMIUM = process.env['CUSTODY_CHROMIUM'] ?? '/usr/bin/chromium';

const HOSTILE = '<img src=x onerror=alert(1)>\u202Egpj.mp4';
/** As the server shows it: the right-to-left override escaped (src/domain/path-display.ts). */
const HOSTILE_SHOWN = '<img src=x onerror=alert(1)>\\u{202e}gpj.mp4';
const CYRILLIC_FOLDER = 'Камера 3';
const CYRILLIC_NAME = 'Корпус №1 2020-02-18.mp4';
const DOCUMENT_NAME = 'заявление.txt';
const ACQUISITION = '<b>Drive</b> from source «А»';
const NOTES = 100;
const TOTAL = NOTES + 3;
const PASSWORD = 'correct horse battery staple';
const ADMIN = { email: 'admin@example.org', name: 'Анна <script>alert(2)</script>' };
const INVESTIGATOR = { email: 'investigator@example.org', name: 'Иван Investigator' };

describe('the web app in Chromium', () => {
  let archive: Archive;
  let app: FastifyInstance;
  let base: string;
  let setupToken: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let invitationLink: string;
  const dialogs: string[] = [];
  const consoleProblems: string[] = [];
  const pageErrors: string[] = [];
  const missing: string[] = [];

  const shot = async (name: string, fullPage = false): Promise<void> => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
  };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html')))
      throw new Error(
        `The web app is not built (${WEB_DIST}/index.html is missing): run "npm run build:web" first.`,
      );
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it with "apt-get install chromium" (scripts/setup.sh does), or set CUSTODY_CHROMIUM.`,
      );
    fs.mkdirSync(ARTIFACTS, { recursive: true });

    // A small drive: a hostile name (HTML and a right-to-left override) that is not really a
    // video, a real short video in a Cyrillic folder with hostile metadata, and a document.
    const drive = path.join(await tempDir('browser'), 'drive');
    fs.mkdirSync(path.join(drive, CYRILLIC_FOLDER), { recursive: true });
    fs.mkdirSync(path.join(drive, 'Документы'));
    fs.writeFileSync(path.join(drive, HOSTILE), 'not really a video\n'.repeat(50));
    execFileSync(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
        ...['-i', 'testsrc=duration=3:size=160x120:rate=10', '-pix_fmt', 'yuv420p'],
        ...['-metadata', 'comment=<script>alert(3)</script>', '-y'],
        path.join(drive, CYRILLIC_FOLDER, CYRILLIC_NAME),
      ],
      { stdio: 'pipe' },
    );
    fs.writeFileSync(path.join(drive, 'Документы', DOCUMENT_NAME), 'Заявление о нарушении.\n');
    // Enough small notes for more than one page of the list (100 a page).
    fs.mkdirSync(path.join(drive, 'notes'));
    for (let i = 0; i < NOTES; i++)
      fs.writeFileSync(
        path.join(drive, 'notes', `note-${String(i).padStart(3, '0')}.txt`),
        `note ${i}\n`,
      );

    ({ archive } = await createTestArchive('pglite'));
    await ingest(archive, { source: drive, acquisition: { name: ACQUISITION } });
    setupToken = (await setupInvitation(archive)) ?? '';
    expect(setupToken).not.toBe('');
    app = await buildApp(archive, { webDist: WEB_DIST });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
    context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'en-GB',
      timezoneId: 'Europe/Moscow',
      acceptDownloads: true,
    });
    // CSP violations are events in the page as well as console errors: catch both.
    // (Scripts for the page are strings: this file is typed for Node, not the DOM.)
    await context.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    );
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (msg) => {
      const text = msg.text();
      // The expected 401 of /api/me before signing in is logged as a failed resource.
      const expected401 = /status of 401/.test(text);
      if ((msg.type() === 'error' && !expected401) || /Content Security Policy|CSP/i.test(text))
        consoleProblems.push(`${msg.type()}: ${text}`);
    });
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
    });
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (res.status() === 404 && !url.pathname.startsWith('/api/')) missing.push(url.pathname);
    });
  });

  afterAll(async () => {
    await browser.close();
    await app.close();
    await archive.close();
  });

  it('sets up the first admin from the setup link', async () => {
    await page.goto(`${base}/setup#token=${setupToken}`);
    await expect.poll(() => page.title()).toBe('Set up Custody · Custody');
    const token = page.getByLabel('Setup token');
    expect(await token.inputValue()).toBe(setupToken);
    expect(new URL(page.url()).hash).toBe(''); // the token is taken out of the address bar

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: true }).fill('too short');
    await page.getByLabel('Repeat the password').fill('too short');
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByText('The password needs at least 12 characters; it has 9.').waitFor();
    // The error is tied to the field and the keyboard is put there.
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('aria-invalid') ?? 'none'"))
      .toBe('true');

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await shot('setup');
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.waitForURL(/\/login\?created=true$/);
    await page.getByText('Your account was created.').waitFor();
  });

  it('logs in, showing the server message and hint on a wrong password', async () => {
    expect(await page.getByLabel('Email').inputValue()).toBe(ADMIN.email);
    await page.getByLabel('Password').fill('wrong password, surely');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('Wrong email or password.').waitFor();
    await alert.getByText('Check both and try again').waitFor();
    await alert.getByText('AUTH.INVALID_CREDENTIALS').waitFor();
    await shot('login-error');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter'); // the keyboard submits the form
    await page.waitForURL(/\/items$/);
    await page.getByTestId('account').getByText(ADMIN.name).waitFor();
    await page.getByTestId('account').getByText('admin', { exact: true }).waitFor();
  });

  it('lists the items a page at a time, hostile names as text', async () => {
    const rows = page.locator('.items-table tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByText('100 items shown').waitFor();
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count()).toBe(TOTAL);
    await page.getByText('That is all.').waitFor();
    await page.getByRole('link', { name: HOSTILE_SHOWN }).waitFor();
    await page.getByRole('link', { name: CYRILLIC_NAME }).waitFor();
    await page.getByText(CYRILLIC_FOLDER, { exact: true }).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    // The hostile name sits in an isolate, so it cannot reorder the text around it.
    expect(
      await page.getByRole('link', { name: HOSTILE_SHOWN }).locator('bdi').count(),
    ).toBeGreaterThan(0);
    // The real video has its duration; the fake one is flagged.
    const video = rows.filter({ hasText: CYRILLIC_NAME });
    await video.getByText('0:03').waitFor();
    await rows.filter({ hasText: 'gpj.mp4' }).getByText('1 problem').waitFor();
    await page.getByText(`${TOTAL} items shown`).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot('items');
    await page.getByRole('link', { name: HOSTILE_SHOWN }).scrollIntoViewIfNeeded();
    await shot('items-scrolled');
    await page.evaluate('window.scrollTo(0, 0)');
  });

  it('filters by kind and by problems', async () => {
    const rows = page.locator('.items-table tbody tr');
    await page.getByLabel('Kind').selectOption('document');
    await page.waitForURL(/kind=document/);
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count()).toBe(NOTES + 1);
    await page.getByRole('link', { name: DOCUMENT_NAME }).waitFor();

    await page.getByLabel('Kind').selectOption('video');
    await expect.poll(() => rows.count()).toBe(2);

    await page.getByLabel('Only items with problems').check();
    await page.waitForURL(/problems=true/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('link', { name: HOSTILE_SHOWN }).waitFor();
    await shot('items-filtered');

    await page.getByLabel('Kind').selectOption('audio');
    await page.getByText('No item matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Show all items' }).click();
    await expect.poll(() => rows.count()).toBe(TOTAL); // both pages, as they were loaded
    await page.getByLabel('Kind').selectOption('video');
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('shows an item with its paths, media and custody history', async () => {
    await page.getByRole('link', { name: CYRILLIC_NAME }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: CYRILLIC_NAME }).waitFor();
    await page.getByRole('cell', { name: `${CYRILLIC_FOLDER}/${CYRILLIC_NAME}` }).waitFor();
    await page.getByRole('cell', { name: ACQUISITION }).waitFor();
    await page.getByText('160 × 120').waitFor();
    await page.getByText('<script>alert(3)</script>').waitFor(); // metadata, as text
    const history = page.locator('.history-table tbody tr');
    await history.filter({ hasText: 'item.ingested' }).waitFor();
    await history.filter({ hasText: 'item.probed' }).waitFor();
    await shot('item', true);

    // Downloading the original is recorded, and the record shows up in the history.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download original' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.mp4$/);
    await page.reload();
    await history.filter({ hasText: 'original.downloaded' }).waitFor();
    await history.filter({ hasText: ADMIN.email }).first().waitFor();

    await page.getByRole('link', { name: '← All items' }).click();
    await page.getByLabel('Kind').selectOption('video');
    await page.getByRole('link', { name: HOSTILE_SHOWN }).click();
    await page.getByRole('heading', { level: 1, name: HOSTILE_SHOWN }).waitFor();
    await page.getByText('MEDIA.PROBE_FAILED').first().waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await shot('item-hostile');
  });

  it('switches to Russian, and remembers it', async () => {
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: HOSTILE_SHOWN }).waitFor();
    await page.getByRole('heading', { name: 'История хранения' }).waitFor();
    await page.getByRole('link', { name: '← Все материалы' }).click();
    await page.getByRole('heading', { level: 1, name: 'Материалы' }).waitFor();
    await page.reload();
    await page.getByRole('columnheader', { name: 'Файл и папка' }).waitFor();
    await page.getByText('Показано 100 материалов').waitFor();
    await page.getByLabel('Тип').selectOption({ label: 'Видео' });
    await page.getByRole('link', { name: CYRILLIC_NAME }).waitFor();
    await page.getByText('Показано 2 материала').waitFor();
    await page.getByTestId('account').getByText('администратор').waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ru');
    await shot('items-ru');
  });

  it('invites an investigator from the admin page', async () => {
    await page.getByRole('link', { name: 'Пригласить' }).click();
    await page.waitForURL(/\/admin\/invite$/);
    await page.getByLabel(/^Исследователь/).check();
    await page.getByLabel(/^Эл\. почта/).fill(INVESTIGATOR.email);
    await shot('invite-form');
    await page.getByRole('button', { name: 'Создать ссылку-приглашение' }).click();
    const link = page.getByLabel('Ссылка-приглашение');
    await link.waitFor();
    invitationLink = await link.inputValue();
    expect(invitationLink).toMatch(new RegExp(`^${base}/invite#token=[A-Za-z0-9_-]{20,}$`));
    await shot('invite');
  });

  it('logs out', async () => {
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${base}/items`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
  });

  it('lets the invited investigator join and log in with a second factor', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.goto(invitationLink);
    await page.getByRole('heading', { name: 'Join Custody' }).waitFor();
    expect(await page.getByLabel('Invitation token').count()).toBe(0); // it came with the link
    await page.getByLabel('Email').fill(INVESTIGATOR.email);
    await page.getByLabel('Your name').fill(INVESTIGATOR.name);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await shot('accept');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL(/\/login\?created=true$/);

    // Turn the second factor on through the API (the page for it comes later).
    const api = await browser.newContext({ baseURL: base });
    const login = await api.request.post('/api/session', {
      data: { email: INVESTIGATOR.email, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    const { secret } = (await (await api.request.post('/api/me/totp/secret')).json()) as {
      secret: string;
    };
    const on = await api.request.post('/api/me/totp', {
      data: { secret, code: await generate({ secret }) },
    });
    expect(on.status()).toBe(204);
    await api.close();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    const code = page.getByLabel('Second-factor code');
    await code.waitFor();
    await page.getByText('Enter the code from your authenticator app.').waitFor();
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('name')"))
      .toBe('totp');
    await shot('login-totp');
    await code.fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/items$/);
    await page.getByTestId('account').getByText('investigator', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Invite' }).count()).toBe(0);
    await page.goto(`${base}/admin/invite`);
    await page.getByText('Only admins can invite people.').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
  });

  it('opened no dialog, broke no CSP rule and threw nothing', () => {
    expect(dialogs).toEqual([]);
    expect(consoleProblems).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(missing).toEqual([]);
  });
});
