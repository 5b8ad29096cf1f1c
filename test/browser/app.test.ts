import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACQUISITION,
  CYRILLIC_FOLDER,
  CYRILLIC_NAME,
  DOCUMENT_NAME,
  HOSTILE_SHOWN,
  NOTES,
  PASSWORD,
  startHarness,
  TOTAL,
  type Harness,
  showMore,
} from './harness.ts';

/**
 * The web app in a real browser (Debian's Chromium driven by playwright-core) against the real
 * server and archive: set-up, login, the items list and its filters, an item with its custody
 * history, Russian, inviting an investigator who then signs in with a second factor, logout.
 * Hostile file names must stay text, no dialog may open and the CSP must block nothing.
 * No background job runs here, so the item page says its web copy is still to be made.
 * Screenshots of each page land in test/browser/artifacts/.
 */

const ADMIN = { email: 'admin@example.org', name: 'Анна <script>alert(2)</script>' };
const INVESTIGATOR = { email: 'investigator@example.org', name: 'Иван Investigator' };

describe('the web app in Chromium', () => {
  let h: Harness;
  let base: string;
  let setupToken: string;
  let page: Page;
  let invitationLink: string;
  const shot = (name: string, fullPage = false): Promise<void> => h.shot(name, fullPage);

  beforeAll(async () => {
    h = await startHarness({ jobs: false });
    ({ base, setupToken, page } = h);
  });

  afterAll(async () => {
    await (h as Harness | undefined)?.close();
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
    await showMore(page, rows, TOTAL);
    await page.getByText('That is all.').waitFor();
    await page.getByRole('link', { name: HOSTILE_SHOWN }).waitFor();
    await page.getByRole('link', { name: CYRILLIC_NAME }).waitFor();
    await page.getByText(CYRILLIC_FOLDER, { exact: true }).waitFor();
    // No image but the posters (none made yet: they hide), no script from the names.
    expect(await page.locator('img:not(.poster)').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    // The hostile name sits in an isolate, so it cannot reorder the text around it.
    expect(
      await page.getByRole('link', { name: HOSTILE_SHOWN }).locator('bdi').count(),
    ).toBeGreaterThan(0);
    // The real video has its duration; the fake one is flagged.
    const video = rows.filter({ hasText: CYRILLIC_NAME });
    await video.getByText('0:10').waitFor();
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
    await showMore(page, rows, NOTES + 1);
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
    await page.getByText('320 × 240', { exact: true }).waitFor();
    // No job has made the web copy: the page says so, and what an admin can do about it.
    const waiting = page.getByTestId('proxy-waiting');
    await waiting.getByText('The web-playable copy is being made').waitFor();
    await waiting.getByText('No job is making it yet.').waitFor();
    expect(await page.locator('video').count()).toBe(0);
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
    const api = await h.browser.newContext({ baseURL: base });
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
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
