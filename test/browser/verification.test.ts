import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CYRILLIC_NAME, DOCUMENT_NAME, PASSWORD, startHarness, type Harness } from './harness.ts';

/**
 * Verifying an item in a real browser: an investigator records checks with a note and evidence
 * (a segment offered from the archive, and a document pasted by its link) and sends the record
 * to review; a reviewer reads it and signs it off as verified; the item list filtered by
 * "verified" shows it; in Russian, the admin's change reopens it and the page explains that
 * someone else must sign it off. Screenshots land in test/browser/artifacts/.
 */

const ADMIN = { email: 'admin@example.org', name: 'Анна Admin' };
const INVESTIGATOR = { email: 'investigator@example.org', name: 'Ivan <b>Investigator</b>' };
const REVIEWER = { email: 'reviewer@example.org', name: 'Rita Reviewer' };
const NOTE = 'Overlay 14:30 Moscow = metadata 11:30 UTC <script>alert(7)</script>';
const SUMMARY = 'Time, place and copies checked; the overlay runs in Moscow time.';
const CHECK = 'Overlay time agrees with the file times';
const INCIDENT = 'Beating in cell 4 <i>x</i>';

describe('verification in Chromium', () => {
  let h: Harness;
  let base: string;
  let page: Page;
  let api: APIRequestContext;
  let itemId: string;
  let documentId: string;
  let incidentId: string;

  const section = (): Locator => page.getByTestId('verification');
  const signIn = async (email: string): Promise<void> => {
    const res = await api.post(`${base}/api/session`, { data: { email, password: PASSWORD } });
    expect(res.status()).toBe(200);
  };
  const invite = async (role: string, who: { email: string; name: string }): Promise<void> => {
    const invited = await api.post(`${base}/api/invitations`, { data: { role } });
    expect(invited.status()).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const accepted = await api.post(`${base}/api/invitations/accept`, {
      data: { token, email: who.email, displayName: who.name, password: PASSWORD },
    });
    expect(accepted.status()).toBe(201);
  };
  const logOut = async (): Promise<void> => {
    await page.getByRole('button', { name: /^(Log out|Выйти)$/ }).click();
    await page.waitForURL(/\/login/);
  };

  beforeAll(async () => {
    h = await startHarness({ jobs: false });
    ({ base, page } = h);
    api = h.context.request;
    const created = await api.post(`${base}/api/invitations/accept`, {
      data: {
        token: h.setupToken,
        email: ADMIN.email,
        displayName: ADMIN.name,
        password: PASSWORD,
      },
    });
    expect(created.status()).toBe(201);
    await signIn(ADMIN.email);
    await invite('investigator', INVESTIGATOR);
    await invite('reviewer', REVIEWER);
    const items = (await (await api.get(`${base}/api/items?limit=500`)).json()) as {
      items: { id: string; kind: string; paths: { path: string }[] }[];
    };
    itemId = items.items.find((i) => i.kind === 'video')?.id ?? '';
    documentId = items.items.find((i) => i.paths[0]?.path.endsWith(DOCUMENT_NAME))?.id ?? '';
    expect(itemId).not.toBe('');
    expect(documentId).not.toBe('');
    await signIn(INVESTIGATOR.email);
    const incident = await api.post(`${base}/api/incidents`, { data: { title: INCIDENT } });
    expect(incident.status()).toBe(201);
    incidentId = ((await incident.json()) as { id: string }).id;
    const segment = await api.post(`${base}/api/segments`, {
      data: { itemId, start: 1, end: 3, note: 'Guard enters the cell', incidentId },
    });
    expect(segment.status()).toBe(201);
    // What the overlay job would have read (it has its own tests): Moscow time, three hours
    // ahead of the UTC creation time in the metadata.
    await h.archive.db
      .insertInto('overlay_reading')
      .values({
        item_id: itemId,
        start: '2020-02-18 17:30:00',
        device: 'ДОЗОР-77 №0123',
        confidence: 0.9,
        source: 'ocr',
        region: null,
        frames: '[]',
        ocr: JSON.stringify({ start: '2020-02-18 17:30:00', device: 'ДОЗОР-77', confidence: 0.9 }),
        read_at: new Date(),
        corrected_by: null,
        corrected_at: null,
      })
      .execute();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await h.shot(`failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`, true);
  });

  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  it('lets an investigator record checks with a note and evidence, and send them to review', async () => {
    await page.goto(`${base}/items/${itemId}`);
    await section().getByRole('heading', { level: 2, name: 'Verification' }).waitFor();
    await section().getByText('Unverified', { exact: true }).first().waitFor();
    // The hints beside the checks: the overlay against the metadata time, the custody log.
    await section().getByTestId('hint-overlay').getByText('2020-02-18 17:30:00').waitFor();
    expect(await section().getByTestId('hint-time-verdict').textContent()).toBe(
      'The overlay is 3 h 00 min off the metadata time: consistent with a camera clock on UTC+03:00.',
    );
    await expect
      .poll(() => section().getByTestId('hint-custody').textContent())
      .toMatch(/events: each matches its hash/);
    // Only reviewers sign off, and the section says so.
    expect(await section().getByTestId('signoff-reason').textContent()).toContain(
      'reviewers and admins',
    );

    const check = section().getByRole('group', { name: CHECK });
    await check.getByLabel('Result').selectOption('pass');
    await check.getByLabel('Note').fill(NOTE);
    await check.getByText('Add evidence').click();
    // Offered from the archive: the segment just marked on this video.
    await check.getByLabel('From the archive').selectOption({ index: 1 });
    await check.getByRole('button', { name: 'Add', exact: true }).click();
    await check.getByText(/^Segment 0:01/).waitFor();
    // Pasted: the link of another item's page.
    await check.getByLabel('Link or id').fill('not a link');
    await check.getByRole('button', { name: 'Add link' }).click();
    await check.getByRole('alert').getByText('Paste a link to the record').waitFor();
    await check.getByLabel('Link or id').fill(`${base}/items/${documentId}?t=0`);
    await check.getByRole('button', { name: 'Add link' }).click();
    expect(await check.getByRole('alert').count()).toBe(0);

    await section().getByRole('combobox', { name: 'Confidence' }).selectOption('medium');
    await section().getByLabel('Summary').fill(SUMMARY);
    await section().getByRole('combobox', { name: 'Status' }).selectOption('in_review');
    await section().getByRole('button', { name: 'Save', exact: true }).click();
    await section().getByText('Saved. The change is in the custody log.').waitFor();
    await section().locator('.verification-state').getByText('In review').waitFor();
    // What the server kept: labels for the links, the note as plain text.
    const saved = page.getByTestId('verification').getByRole('group', { name: CHECK });
    await saved.getByRole('link', { name: DOCUMENT_NAME }).waitFor();
    await saved.getByText(/Корпус №1 .* 1\.0–3\.0 s/).waitFor();
    expect(await saved.getByLabel('Note').inputValue()).toBe(NOTE);
    expect(await page.locator('main script, main b').count()).toBe(0);
    await check.scrollIntoViewIfNeeded();
    await h.shot('verification-investigator');
    await h.shot('verification-investigator-page', true);
  });

  it('lets a reviewer read the checks and sign them off as verified', async () => {
    await logOut();
    await signIn(REVIEWER.email);
    await page.goto(`${base}/items/${itemId}`);
    await section().locator('.verification-state').getByText('In review').waitFor();
    // Read-only for a reviewer: the note as text, no fields to change the checks.
    await section().getByText(NOTE).waitFor();
    expect(await section().getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await section().getByRole('link', { name: DOCUMENT_NAME }).waitFor();

    const signOff = section().locator('.verification-signoff');
    await signOff.getByLabel('Final status').selectOption('verified');
    await signOff.getByLabel('Confidence').selectOption('high');
    await signOff.getByLabel(/Reviewer’s note/).fill('Checked the overlay frame by frame.');
    await signOff.getByRole('button', { name: 'Sign off' }).click();
    await section().getByText('Signed off. It is in the custody log.').waitFor();
    await section().locator('.verification-state').getByText('Verified').waitFor();
    await section().getByText(`Signed off by ${REVIEWER.email}`, { exact: false }).waitFor();
    // Nothing is left to sign: the record is no longer in review.
    await section().getByTestId('signoff-reason').waitFor();
    await section().locator('.verification-state').scrollIntoViewIfNeeded();
    await h.shot('verification-reviewer');

    // The item's history has both changes.
    const events = (await (await api.get(`${base}/api/items/${itemId}`)).json()) as {
      events: { action: string; actor: string }[];
    };
    expect(
      events.events.filter((e) => e.action.startsWith('verification.')).map((e) => e.actor),
    ).toEqual([INVESTIGATOR.email, REVIEWER.email]);
  });

  it('finds the item in the list filtered by "verified"', async () => {
    await page.goto(`${base}/items`);
    const rows = page.locator('.items-table tbody tr');
    await rows.first().waitFor();
    await page.getByLabel('Verification').selectOption('verified');
    await page.waitForURL(/verification=verified/);
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText(CYRILLIC_NAME).waitFor();
    await rows.locator('.verification-badge').getByText('Verified').waitFor();
    await page.getByLabel('Verification').selectOption('in_review');
    await page.getByText('No item matches these filters.').waitFor();
    await page.getByLabel('Verification').selectOption('verified');
    await expect.poll(() => rows.count()).toBe(1);
    await h.shot('verification-list');
  });

  it('shows the record on the incident page, with its items, and filters incidents', async () => {
    await page.goto(`${base}/incidents/${incidentId}`);
    await section().getByRole('heading', { level: 2, name: 'Verification' }).waitFor();
    await section().locator('.verification-state').getByText('Unverified').waitFor();
    await section().getByText('Items of this incident').waitFor();
    const item = section().locator('.hint-item');
    await item.locator('summary').getByText(CYRILLIC_NAME).waitFor();
    await item.locator('summary .verification-badge').getByText('Verified').waitFor();
    await page.goto(`${base}/incidents`);
    const rows = page.locator('.incidents-table tbody tr');
    await rows.first().waitFor();
    await page.getByLabel('Verification').selectOption('verified');
    await page.getByText(/No incident/).waitFor();
    await page.getByLabel('Verification').selectOption('unverified');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText(INCIDENT).waitFor();
    await h.shot('verification-incidents');
  });

  it('in Russian, reopens the record on a change and asks another person to sign off', async () => {
    await logOut();
    await page.getByRole('button', { name: 'Русский' }).click();
    await signIn(ADMIN.email);
    await page.goto(`${base}/items/${itemId}`);
    await section().getByRole('heading', { level: 2, name: 'Проверка подлинности' }).waitFor();
    await section().locator('.verification-state').getByText('Подтверждено').waitFor();
    await section()
      .getByText('Запись утверждена: после изменения она вернётся на проверку.')
      .waitFor();
    await section().getByRole('heading', { name: 'Технический анализ' }).waitFor();
    await section()
      .getByRole('group', { name: 'Время на кадре совпадает со временем файла' })
      .waitFor();
    await section().getByText('Что вычислил Custody').waitFor();
    await section().getByLabel('Итог').fill(`${SUMMARY} Исправлено администратором.`);
    await section().getByRole('button', { name: 'Сохранить', exact: true }).click();
    await section().getByText('Сохранено. Изменение записано в журнал хранения.').waitFor();
    await section().locator('.verification-state').getByText('На проверке').waitFor();
    expect(await section().getByTestId('signoff-reason').textContent()).toContain(
      'утвердить её должен другой проверяющий',
    );
    await section().locator('.verification-signoff').scrollIntoViewIfNeeded();
    await h.shot('verification-ru');
    await page.goto(`${base}/items?verification=in_review`);
    await page.locator('.items-table tbody tr').getByText('На проверке').waitFor();
  });

  it('opened no dialog, broke no CSP rule and threw nothing', () => {
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
