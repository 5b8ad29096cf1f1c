import { createHash, randomBytes } from 'node:crypto';
import type { APIRequestContext, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from './harness.ts';

/**
 * Allegations in a real browser. A relative sends an account in Russian from a phone-sized
 * window with a video whose upload is cut off half-way and resumes by itself; the page shows
 * the receipt code; they come back with it, add a message and another file. An investigator
 * triages the allegation in the web app (status, incident, person, facility) and replies; the
 * submitter reads the reply with the code. The public page also sends text with JavaScript off.
 * Screenshots land in test/browser/artifacts/.
 */

const INVESTIGATOR = { email: 'investigator@example.org', name: 'Ира Investigator' };
const ACCOUNT =
  'Моего сына избили в ШИЗО трое сотрудников. <script>alert(1)</script>\nПосле этого его неделю не пускали к врачу.';
const FACILITY = 'ИК-1, Ярославская область';
const WHEN = 'весна 2019';
const PEOPLE = 'Дежурный «К.», начальник отряда';
const VIDEO_NAME = 'видео из ШИЗО <b>1</b>.mp4';
const CHUNK = 5 * 1024 * 1024;
const FOLLOW_UP = 'Дополнение: это было после проверки 18 февраля.';
const REPLY = 'Спасибо, мы получили видео. Кто ещё это видел?';
const INCIDENT = 'Избиение в ШИЗО, весна 2019';
const PSEUDONYM = 'Сын заявительницы';
const FACILITY_NAME = 'ИК-1 Ярославль';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** What must not happen in a page: dialogs, script errors, CSP violations, failed files. */
function watch(page: Page, problems: string[], expected: (text: string) => boolean): void {
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if ((msg.type() === 'error' && !expected(text)) || /Content Security Policy|CSP/i.test(text))
      problems.push(`${msg.type()}: ${text}`);
  });
}

describe('allegations in Chromium', () => {
  let h: Harness;
  let base: string;
  let staff: Page;
  let api: APIRequestContext;
  let phone: BrowserContext;
  let submitter: Page;
  let receipt = '';
  let video: Buffer;
  const problems: string[] = [];
  const uploads: { method: string; offset: string | null; url: string }[] = [];

  beforeAll(async () => {
    h = await startHarness({ jobs: false });
    base = h.base;
    staff = h.page;
    api = h.context.request;
    // The first admin invites an investigator, who signs in (the staff page shares the cookie).
    const admin = { email: 'admin@example.org', displayName: 'Admin', password: PASSWORD };
    expect(
      (
        await api.post(`${base}/api/invitations/accept`, {
          data: { token: h.setupToken, ...admin },
        })
      ).status(),
    ).toBe(201);
    expect(
      (
        await api.post(`${base}/api/session`, { data: { email: admin.email, password: PASSWORD } })
      ).status(),
    ).toBe(200);
    const invitation = await api.post(`${base}/api/invitations`, {
      data: { role: 'investigator' },
    });
    const { token } = (await invitation.json()) as { token: string };
    expect(
      (
        await api.post(`${base}/api/invitations/accept`, {
          data: {
            token,
            email: INVESTIGATOR.email,
            displayName: INVESTIGATOR.name,
            password: PASSWORD,
          },
        })
      ).status(),
    ).toBe(201);
    expect(
      (
        await api.post(`${base}/api/session`, {
          data: { email: INVESTIGATOR.email, password: PASSWORD },
        })
      ).status(),
    ).toBe(200);

    // The submitter: no account, a phone-sized window, a browser that prefers Russian.
    phone = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
    await phone.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    );
    submitter = await phone.newPage();
    // The one cut connection below is expected to show as a failed request.
    watch(submitter, problems, (text) => /ERR_CONNECTION_RESET|status of 404/.test(text));
    submitter.on('request', (request: Request) => {
      if (!request.url().includes('/api/public/uploads')) return;
      uploads.push({
        method: request.method(),
        offset: request.headers()['upload-offset'] ?? null,
        url: request.url(),
      });
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      const name = context.task.name.replace(/\W+/g, '-').slice(0, 40);
      await h.shot(`failed-allegations-staff-${name}`, true);
      await submitter.screenshot({
        path: `${import.meta.dirname}/artifacts/failed-allegations-submitter-${name}.png`,
        fullPage: true,
      });
    }
  });

  afterAll(async () => {
    await phone.close();
    await (h as Harness | undefined)?.close();
  });

  const shotOf = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: `${import.meta.dirname}/artifacts/${name}.png`, fullPage: true });
  };

  it('sends an account in Russian with a video whose upload is cut off and resumes', async () => {
    await submitter.goto(`${base}/report`);
    await submitter.getByRole('heading', { level: 1, name: 'Расскажите, что произошло' }).waitFor();
    expect(await submitter.locator('html').getAttribute('lang')).toBe('ru');
    await shotOf(submitter, 'allegation-form-ru');

    await submitter.getByLabel('Что произошло?').fill(ACCOUNT);
    await submitter.getByLabel('Где?').fill(FACILITY);
    await submitter.getByLabel('Когда?').fill(WHEN);
    await submitter.getByLabel('Кто был причастен?').fill(PEOPLE);
    video = randomBytes(2 * CHUNK + 1234567);
    await submitter.getByLabel(/Файлы: фото, видео, документы/).setInputFiles({
      name: VIDEO_NAME,
      mimeType: 'video/mp4',
      buffer: video,
    });

    // The connection drops during the second part: that request never reaches the server.
    let patches = 0;
    await submitter.route('**/api/public/uploads/*', async (route) => {
      if (route.request().method() === 'PATCH' && ++patches === 2) {
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await submitter.getByRole('button', { name: 'Отправить' }).click();

    const code = submitter.locator('[data-receipt]');
    await code.waitFor();
    receipt = (await code.textContent())?.trim() ?? '';
    expect(receipt).toMatch(/^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$/);
    await submitter.getByText('Запишите этот код прямо сейчас').waitFor();
    await submitter.getByText('связь прервалась: пробуем снова…').waitFor();
    await shotOf(submitter, 'allegation-receipt-ru');

    const row = submitter.locator('.upload-list li');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await row.textContent()).toContain('получен');
    // The file name is shown as text, not markup.
    expect(await row.locator('bdi').textContent()).toBe(VIDEO_NAME);
    await submitter.unroute('**/api/public/uploads/*');
    await shotOf(submitter, 'allegation-uploaded-ru');

    // Created, first part, the cut part, the question where to go on, and the rest from there.
    const patchOffsets = uploads.filter((u) => u.method === 'PATCH').map((u) => u.offset);
    expect(patchOffsets).toEqual(['0', String(CHUNK), String(CHUNK), String(2 * CHUNK)]);
    const afterCut = uploads.findIndex((u, i) => i > 0 && u.method === 'HEAD');
    expect(afterCut).toBeGreaterThan(0);

    const attachment = await h.archive.db
      .selectFrom('allegation_attachment')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(attachment.sha256).toBe(sha256(video));
    expect(attachment.name).toBe(VIDEO_NAME);
  });

  it('comes back with the receipt code, adds a message and another file', async () => {
    await submitter.goto(`${base}/report/follow-up`);
    await submitter
      .getByRole('heading', { level: 1, name: 'Вернуться с кодом получения' })
      .waitFor();
    // Typed as people do: small letters, spaces instead of dashes.
    await submitter.getByLabel('Код получения').fill(receipt.toLowerCase().replaceAll('-', ' '));
    await submitter.getByRole('button', { name: 'Открыть' }).click();
    await submitter
      .getByRole('heading', { level: 1, name: 'Ваше сообщение и наши ответы' })
      .waitFor();
    await submitter.getByText('Моего сына избили в ШИЗО').waitFor();
    expect(await submitter.getByText('<script>alert(1)</script>', { exact: false }).count()).toBe(
      1,
    );
    await submitter.getByText(VIDEO_NAME).waitFor();
    await submitter.getByText('Ответа пока нет.').waitFor();

    await submitter.getByLabel('Дополнить сообщение').fill(FOLLOW_UP);
    await submitter.getByRole('button', { name: 'Отправить', exact: true }).click();
    await submitter.getByText('Ваше сообщение добавлено.').waitFor();
    await submitter.getByText(FOLLOW_UP).waitFor();

    await submitter.getByLabel('Добавить файлы').setInputFiles({
      name: 'заявление.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Заявление о нарушении.\n'),
    });
    await submitter.getByRole('button', { name: 'Отправить файлы' }).click();
    await expect
      .poll(() => submitter.locator('.upload-list li').getAttribute('data-state'), {
        timeout: 30_000,
      })
      .toBe('done');
    await shotOf(submitter, 'allegation-follow-up-ru');
  });

  it('is triaged and answered by an investigator in the web app', async () => {
    const incident = await api.post(`${base}/api/incidents`, { data: { title: INCIDENT } });
    expect(incident.status()).toBe(201);
    expect(
      (await api.post(`${base}/api/people`, { data: { pseudonym: PSEUDONYM } })).status(),
    ).toBe(201);
    expect(
      (await api.post(`${base}/api/facilities`, { data: { name: FACILITY_NAME } })).status(),
    ).toBe(201);

    await staff.goto(`${base}/items`);
    await staff.getByRole('link', { name: 'Allegations', exact: true }).click();
    await staff.waitForURL(/\/allegations$/);
    await staff.getByRole('heading', { level: 1, name: 'Allegations' }).waitFor();
    const row = staff.locator('.allegations-table tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain('awaits reply');
    await staff.getByLabel('Status').selectOption('closed');
    await staff.getByText('No allegation has this status.').waitFor();
    await staff.getByLabel('Status').selectOption('new');
    await row.first().waitFor();
    await h.shot('allegations-list');

    await row.first().getByRole('link').click();
    await staff.waitForURL(/\/allegations\/[0-9a-f-]{36}$/);
    await staff.getByRole('heading', { level: 2, name: 'Account' }).waitFor();
    await staff.getByText('Моего сына избили в ШИЗО', { exact: false }).waitFor();
    await staff.getByText(FOLLOW_UP).waitFor();
    const files = staff.locator('.allegation-files tbody tr');
    expect(await files.count()).toBe(2);

    await staff.getByLabel('Status').selectOption('triaged');
    const pick = async (legend: string, name: string): Promise<void> => {
      const box = staff.getByRole('group', { name: legend });
      await box.getByRole('combobox').selectOption({ label: name });
      await box.getByRole('button', { name: 'Add' }).click();
      await box.getByText(name).waitFor();
    };
    await pick('Incidents', INCIDENT);
    await pick('People', PSEUDONYM);
    await pick('Facilities', FACILITY_NAME);
    await staff.getByRole('button', { name: 'Save triage' }).click();
    await staff.getByText('Saved.').waitFor();

    await staff.getByLabel('Your reply').fill(REPLY);
    await staff.getByRole('button', { name: 'Send reply' }).click();
    await staff.getByText('Reply sent.').waitFor();
    await staff.getByText(`Reply by ${INVESTIGATOR.email}`).waitFor();
    await staff.getByRole('cell', { name: 'Allegation triaged' }).first().waitFor();
    await h.shot('allegation-triaged', true);

    // The file is an item of the archive.
    await files.first().getByRole('link').click();
    await staff.waitForURL(/\/items\/[0-9a-f-]{36}/);
    await staff.getByText(sha256(video)).first().waitFor();
  });

  it('shows the reply to the submitter, without saying who wrote it', async () => {
    await submitter.goto(`${base}/report/follow-up`);
    await submitter.getByLabel('Код получения').fill(receipt);
    await submitter.getByRole('button', { name: 'Открыть' }).click();
    await submitter.getByText('Ответ организации').waitFor();
    await submitter.getByText(REPLY).waitFor();
    const html = await submitter.content();
    expect(html).not.toContain(INVESTIGATOR.email);
    expect(html).not.toContain(INVESTIGATOR.name);
    await shotOf(submitter, 'allegation-reply-ru');
  });

  it('sends the text with JavaScript off', async () => {
    const plain = await h.browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    try {
      const page = await plain.newPage();
      await page.goto(`${base}/report`);
      await page.getByRole('heading', { level: 1, name: 'Tell us what happened' }).waitFor();
      // The file field needs the script; the page says so instead.
      expect(await page.locator('#files').isVisible()).toBe(false);
      // (Playwright's text locators do not look into <noscript>; the page shows it.)
      expect(await page.locator('body').innerText()).toContain('Attaching files needs JavaScript.');
      await page.getByRole('link', { name: 'Русский' }).click();
      await page.getByRole('heading', { level: 1, name: 'Расскажите, что произошло' }).waitFor();
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByLabel('What happened?').fill('Typed on a phone with scripts turned off.');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account was received' }).waitFor();
      const code = (await page.locator('[data-receipt]').textContent())?.trim() ?? '';
      expect(code).toMatch(/^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$/);
      await page.screenshot({
        path: `${import.meta.dirname}/artifacts/allegation-no-javascript.png`,
        fullPage: true,
      });
      const rows = await h.archive.db.selectFrom('allegation').select('account').execute();
      expect(rows.map((r) => r.account)).toContain('Typed on a phone with scripts turned off.');
    } finally {
      await plain.close();
    }
  });

  it('went without dialogs, script errors, CSP violations or missing files', () => {
    expect(problems).toEqual([]);
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
