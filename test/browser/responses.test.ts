import fs from 'node:fs';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from './harness.ts';

/**
 * The record of the official response in a real browser: an investigator adds two sources and
 * quotes a claim from each about the same dismissal ("three officials fired" against "seven
 * officers fired"), then records the response with both claims and the incident it answers;
 * the response page shows the two figures side by side with their quotes and sources; the
 * accountability view puts the incident before the response, counts by type and downloads as
 * CSV with its Cyrillic intact; typing a Latin spelling in the forms that add people,
 * organisations and facilities suggests the Cyrillic record, and "same" makes it an alias;
 * the response page in Russian; a reviewer sees all of it and can change none of it.
 * Screenshots land in test/browser/artifacts/.
 */

const ADMIN = { email: 'admin@example.org', name: 'Анна Admin' };
const INVESTIGATOR = { email: 'investigator@example.org', name: 'Ivan Investigator' };
const REVIEWER = { email: 'reviewer@example.org', name: 'Rita Reviewer' };
const FACILITY = 'ИК-1 Ярославль';
const FACILITY_LATIN = 'IK-1 Yaroslavl';
const BODY = 'ФСИН России';
const INVESTIGATORS = 'Следственный комитет';
const INCIDENT = 'Избиение Евгения М. <b>в ИК-1</b>';
const OFFICIAL = 'Хрущёв';
const NOVAYA = {
  outlet: 'Новая газета',
  title: 'В ярославской колонии уволены три сотрудника',
  url: 'https://novayagazeta.ru/articles/2018/07/20/77140-uvoleny',
  day: '2018-07-20',
  quote: 'Уволены три сотрудника колонии, причастные к избиению.',
  summary: 'three officials fired',
};
const REUTERS = {
  outlet: 'Reuters',
  title: 'Russia fires prison officers over torture video',
  url: 'https://www.reuters.com/article/russia-prison-idUSKBN1KB1AA',
  day: '2018-07-21',
  quote: 'Seven officers were fired after the video was published.',
  summary: 'seven officers fired',
};
const SUMMARY = 'Officials of the colony dismissed after the video <i>was published</i>';

describe('sources, claims and the official response in Chromium', () => {
  let h: Harness;
  let base: string;
  let page: Page;
  let api: APIRequestContext;
  let facilityId: string;
  let incidentId: string;
  let officialId: string;
  let responseUrl: string;

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
  const post = async (url: string, data: unknown): Promise<string> => {
    const res = await api.post(`${base}${url}`, { data });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { id: string }).id;
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
    // The investigator's records so far (their forms have their own tests).
    await signIn(INVESTIGATOR.email);
    facilityId = await post('/api/facilities', { name: FACILITY, region: 'Ярославская область' });
    await post('/api/organisations', { name: BODY, kind: 'prison service' });
    await post('/api/organisations', { name: INVESTIGATORS });
    officialId = await post('/api/people', { pseudonym: OFFICIAL, note: 'deputy head' });
    incidentId = await post('/api/incidents', {
      title: INCIDENT,
      startsAt: '2018-06-12T10:00:00+03:00',
      facilityId,
      acts: ['beating'],
    });
  });

  // A failing step leaves a picture of where the page was.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await h.shot(`failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`, true);
  });

  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  /** Adds a source through its form and quotes one claim from it on its page. */
  const addSourceWithClaim = async (
    source: typeof NOVAYA,
    language: string,
    figure: string,
    unit: string,
  ): Promise<void> => {
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.waitForURL(/\/sources$/);
    await page.getByRole('button', { name: 'New source' }).click();
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    const sf = page.locator('form.source-form');
    // The keyboard is in the form; what is missing or wrong is said before anything is sent.
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('SELECT');
    await sf.getByLabel(/^Address \(URL\)/).fill('javascript:alert(1)');
    await sf.getByRole('button', { name: 'Add source' }).click();
    await sf.getByText('Fill in this field.').waitFor();
    await sf.getByText('Enter an address starting with http:// or https://.').waitFor();
    await sf.getByLabel('Kind').selectOption('news');
    await sf.getByLabel(/^Outlet or issuer/).fill(source.outlet);
    await sf.getByLabel(/^Title/).fill(source.title);
    await sf.getByLabel(/^Address \(URL\)/).fill(source.url);
    await sf.getByLabel(/^Published/).fill(source.day);
    await sf.getByLabel(/^Language/).fill(language);
    await sf.getByLabel(/^Archived text/).fill(`${source.title}\n\n${source.quote}`);
    await sf.getByRole('button', { name: 'Add source' }).click();
    await page.waitForURL(/\/sources\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: source.title }).waitFor();
    await page.getByText('No claims quoted yet.').waitFor();

    const form = page.locator('form.claim-form');
    await form.getByLabel(/^Exact quote/).fill(source.quote);
    await form.getByLabel(/^What it says/).fill(source.summary);
    await form.getByLabel(/^Figure/).fill('several');
    await form.getByRole('button', { name: 'Add claim' }).click();
    await form.getByText('Write a number, such as 7 or 2.5.').waitFor();
    await form.getByLabel(/^Figure/).fill(figure);
    await form.getByRole('button', { name: 'Add claim' }).click();
    await form.getByText('Say what the figure counts.').waitFor();
    await form.getByLabel(/^Unit of the figure/).fill(unit);
    await form.getByLabel(/^Date it gives/).fill('2018-07-24');
    await form.getByRole('combobox', { name: 'Choose from Incidents' }).selectOption(incidentId);
    await form.getByRole('button', { name: 'Add Incidents' }).click();
    await form.locator('.picked li').filter({ hasText: INCIDENT }).waitFor();
    await form.getByRole('button', { name: 'Add claim' }).click();
    await page.getByText('Claim added.').waitFor();
    const claim = page.locator('ul.claims li.claim');
    await expect.poll(() => claim.count()).toBe(1);
    await claim.getByText(source.quote).waitFor();
    await claim.getByText(`${figure} ${unit}`).waitFor();
    await claim.getByRole('link', { name: INCIDENT }).waitFor();
  };

  it('adds two sources and quotes a claim from each about the same dismissal', async () => {
    // The header keeps one link for the section; with an admin's links, in Russian too.
    await signIn(ADMIN.email);
    await page.goto(`${base}/items`);
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('link', { name: 'Реакция', exact: true }).waitFor();
    await h.shot('responses-header-admin-ru');
    await page.getByRole('button', { name: 'English' }).click();
    await signIn(INVESTIGATOR.email);
    await page.reload();
    await page.getByTestId('account').getByText(INVESTIGATOR.name).waitFor();
    await h.shot('responses-header');
    await page.getByRole('link', { name: 'Response', exact: true }).click();
    await page.waitForURL(/\/responses$/);
    await page.getByRole('heading', { level: 1, name: 'Official responses' }).waitFor();
    await page.getByText('No responses recorded yet.').waitFor();

    await addSourceWithClaim(NOVAYA, 'ru', '3', 'people fired');
    // The other outlet writes the unit its own way: the same unit, compared without case.
    await addSourceWithClaim(REUTERS, 'en', '7', 'People fired');
    await h.shot('source', true);

    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    const rows = page.locator('.sources-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Latest publication first.
    await rows.nth(0).getByRole('link', { name: REUTERS.outlet, exact: true }).waitFor();
    await rows.nth(1).getByRole('link', { name: NOVAYA.outlet, exact: true }).waitFor();
    await rows.nth(1).getByText(NOVAYA.title).waitFor();
    await rows
      .nth(1)
      .getByRole('link', { name: /novayagazeta\.ru/ })
      .waitFor();
    const out = rows.nth(1).getByRole('link', { name: /novayagazeta\.ru/ });
    expect(await out.getAttribute('rel')).toContain('noreferrer');
    expect(await out.getAttribute('href')).toBe(NOVAYA.url);
    await page.getByText('2 sources shown').waitFor();
    await page.getByLabel('Search').fill('Reuters');
    await page.waitForURL(/q=Reuters/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Search').fill('');
    await expect.poll(() => rows.count()).toBe(2);
    await h.shot('sources', true);
  });

  it('records the response with both claims and the incident, and shows where they disagree', async () => {
    await page.getByRole('link', { name: 'Responses', exact: true }).click();
    await page.waitForURL(/\/responses$/);
    await page.getByRole('button', { name: 'New response' }).click();
    const form = page.locator('form.response-form');
    await form.getByRole('button', { name: 'Add response' }).click();
    await form.getByText('Choose what kind of act it was.').waitFor();
    await form.getByLabel('Type').selectOption('dismissed');
    await form.getByLabel(/^Date/).fill('2018-07-24');
    await form.getByLabel(/^Acting body/).selectOption({ label: BODY });
    await form.getByLabel(/^Facility/).selectOption(facilityId);
    await form.getByLabel(/^Summary/).fill(SUMMARY);
    await form.getByLabel('Person', { exact: true }).selectOption(officialId);
    await form.getByLabel('Role', { exact: true }).selectOption('subject');
    await form.getByRole('button', { name: 'Add person' }).click();
    await form.locator('.picked li').filter({ hasText: OFFICIAL }).waitFor();
    await form
      .getByRole('combobox', { name: 'Choose from Incidents answered' })
      .selectOption(incidentId);
    await form.getByRole('button', { name: 'Add Incidents answered' }).click();
    for (const source of [NOVAYA, REUTERS]) {
      await form
        .getByLabel('Source of the claim')
        .selectOption({ label: `${source.outlet} — ${source.title}` });
      await form.getByLabel('Claim', { exact: true }).selectOption({ label: source.quote });
      await form.getByRole('button', { name: 'Add claim' }).click();
      await form.locator('.picked li').filter({ hasText: source.quote }).waitFor();
    }
    await h.shot('response-form', true);
    await form.getByRole('button', { name: 'Add response' }).click();

    await page.waitForURL(/\/responses\/[0-9a-f-]{36}$/);
    responseUrl = page.url();
    await page.getByRole('heading', { level: 1, name: /^Dismissal · Jul 24, 2018/ }).waitFor();
    await page.getByText(SUMMARY).first().waitFor();
    expect(await page.locator('main i, main b').count()).toBe(0);

    // Both figures, side by side, each with its quote and its source; neither is chosen.
    const conflicts = page.locator('section.conflicts');
    await conflicts.getByRole('heading', { name: 'Sources disagree' }).waitFor();
    await conflicts.getByRole('heading', { name: 'How many: people fired' }).waitFor();
    const sides = conflicts.locator('.conflict-side');
    await expect.poll(() => sides.count()).toBe(2);
    await sides.nth(0).getByText('3 people fired').waitFor();
    await sides.nth(0).getByText(NOVAYA.quote).waitFor();
    await sides.nth(0).getByRole('link', { name: NOVAYA.outlet, exact: true }).waitFor();
    await sides.nth(0).getByText('Jul 20, 2018').waitFor();
    await sides.nth(0).getByText('reported by 1 source').waitFor();
    await sides.nth(1).getByText('7 people fired').waitFor();
    await sides.nth(1).getByText(REUTERS.quote).waitFor();
    await sides.nth(1).getByRole('link', { name: REUTERS.outlet, exact: true }).waitFor();
    await sides
      .nth(1)
      .getByRole('link', { name: /reuters\.com/ })
      .waitFor();
    // Side by side: the second column starts level with the first, to its right.
    const [a, b] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
    expect(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 1).toBe(true);
    // The dates agree: no conflict about them.
    expect(await conflicts.getByRole('heading', { name: 'When it happened' }).count()).toBe(0);

    await page.locator('section.claims-section li.claim').nth(1).waitFor();
    await page.locator('ul.people').getByText(OFFICIAL).waitFor();
    await page.locator('ul.people').getByText('subject').waitFor();
    await page.getByRole('link', { name: INCIDENT }).waitFor();
    await h.shot('response-conflict', true);

    // The edit form comes filled in, and saving it as it is keeps every link.
    await page.getByRole('button', { name: 'Edit response' }).click();
    const edit = page.locator('form.response-form');
    expect(await edit.getByLabel('Type').inputValue()).toBe('dismissed');
    expect(await edit.getByLabel(/^Date/).inputValue()).toBe('2018-07-24');
    await expect.poll(() => edit.locator('.picked li').count()).toBe(4);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    await expect.poll(() => sides.count()).toBe(2);
    await page.locator('ul.people').getByText(OFFICIAL).waitFor();

    // A claim corrected on its source's page: now the dates disagree as well.
    await sides.nth(1).getByRole('link', { name: REUTERS.outlet, exact: true }).click();
    await page.waitForURL(/\/sources\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: `Edit ${REUTERS.summary}` }).click();
    const claimEdit = page.locator('li.claim form.claim-form');
    expect(await claimEdit.getByLabel(/^Exact quote/).inputValue()).toBe(REUTERS.quote);
    await claimEdit.getByLabel(/^Date it gives/).fill('2018-07-23');
    await claimEdit.getByRole('button', { name: 'Save claim' }).click();
    await page.locator('li.claim').getByText('Date it gives: Jul 23, 2018').waitFor();
    await page.goto(responseUrl);
    const dates = page.locator('.conflict').filter({
      has: page.getByRole('heading', { name: 'When it happened' }),
    });
    await dates.locator('.conflict-side').nth(0).getByText('Jul 23, 2018').first().waitFor();
    await dates.locator('.conflict-side').nth(0).getByText(REUTERS.quote).waitFor();
    await dates.locator('.conflict-side').nth(1).getByText(NOVAYA.quote).waitFor();

    // The list, filtered by type and by incident.
    await page.getByRole('link', { name: '← All responses' }).click();
    const rows = page.locator('.responses-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText('Dismissal').waitFor();
    await rows.first().getByRole('link', { name: NOVAYA.outlet, exact: true }).waitFor();
    await page.getByLabel('Type').selectOption('denial');
    await page.waitForURL(/type=denial/);
    await page.getByText('No response matches these filters.').waitFor();
    await page.getByLabel('Type').selectOption('dismissed');
    await page.getByLabel('Incident').selectOption(incidentId);
    await page.waitForURL(/incident=/);
    await expect.poll(() => rows.count()).toBe(1);
    await h.shot('responses', true);
  });

  it('shows the accountability view of the facility, in date order, and downloads it as CSV', async () => {
    await page.goto(`${base}/facilities`);
    await page.getByRole('link', { name: `Accountability: ${FACILITY}` }).click();
    await page.waitForURL(/\/accountability\?facility=/);
    await page.getByRole('heading', { name: `Facility: ${FACILITY}` }).waitFor();
    const entries = page.locator('ol.acc-timeline > li');
    await expect.poll(() => entries.count()).toBe(2);
    // The incident (12 June) comes before the response (24 July).
    expect(await entries.nth(0).getAttribute('class')).toContain('acc-incident');
    await entries.nth(0).getByRole('link', { name: INCIDENT }).waitFor();
    await entries.nth(0).getByText('Jun 12, 2018', { exact: true }).waitFor();
    expect(await entries.nth(1).getAttribute('class')).toContain('acc-response');
    await entries.nth(1).getByText('Jul 24, 2018', { exact: true }).waitFor();
    await entries.nth(1).getByRole('link', { name: SUMMARY }).waitFor();
    await entries.nth(1).getByRole('link', { name: REUTERS.outlet, exact: true }).waitFor();
    await page.getByText('1 incident · 1 response').waitFor();
    const dismissed = page.locator('.acc-types tr').filter({ hasText: 'Dismissal' });
    expect(await dismissed.locator('td').textContent()).toBe('1');
    const denial = page.locator('.acc-types tr').filter({ hasText: 'Denial' });
    expect(await denial.locator('td').textContent()).toBe('0');
    await h.shot('accountability', true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('accountability.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('date,kind,type,title,facility,acting_body,people,incidents,sources,id');
    expect(lines[1]).toMatch(/^2018-06-12,incident,beating,/);
    expect(lines[1]).toContain(FACILITY);
    expect(lines[2]).toMatch(/^2018-07-24,response,dismissed,/);
    expect(lines[2]).toContain(BODY);
    expect(lines[2]).toContain(`${OFFICIAL} (subject)`);
    expect(lines[2]).toContain(`${NOVAYA.outlet} 2018-07-20 ${NOVAYA.url}`);

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download JSON' }).click(),
    ]);
    const view = JSON.parse(fs.readFileSync(await json.path(), 'utf8')) as {
      scope: { name: string };
      timeline: { kind: string }[];
    };
    expect(view.scope.name).toBe(FACILITY);
    expect(view.timeline.map((e) => e.kind)).toEqual(['incident', 'response']);

    // From the incident's page: the same, for the incident.
    await page.goto(`${base}/incidents/${incidentId}`);
    await page.getByRole('link', { name: 'Official response and accountability view' }).click();
    await page.waitForURL(/\/accountability\?incident=/);
    await page.getByRole('heading', { name: /^Incident:/ }).waitFor();
    await expect.poll(() => entries.count()).toBe(2);
  });

  it('suggests the Cyrillic record for a Latin spelling, and makes it an alias when confirmed', async () => {
    await page.goto(`${base}/people`);
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.getByLabel('Pseudonym').fill('Khrushchev');
    const box = page.locator('.name-match-box');
    await box.getByText('Possibly the same as:').waitFor();
    const suggestion = box.locator('li.name-match').filter({ hasText: OFFICIAL });
    await suggestion.getByText(/transliteration \(/).waitFor();
    await suggestion.getByRole('button', { name: `Same ${OFFICIAL}` }).click();
    await suggestion
      .getByText(`When saved, the new name becomes an alias of ${OFFICIAL}.`)
      .waitFor();
    expect(
      await suggestion
        .getByRole('button', { name: `Same ${OFFICIAL}` })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await h.shot('name-match', true);
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText(`${OFFICIAL} now also answers to “Khrushchev”.`).waitFor();
    const row = page.locator('.people-table tbody tr').filter({
      has: page.getByRole('rowheader', { name: OFFICIAL, exact: true }),
    });
    await row.locator('.chip').getByText('Khrushchev', { exact: true }).waitFor();
    const person = (await (await api.get(`${base}/api/people/${officialId}`)).json()) as {
      aliases: string[];
    };
    expect(person.aliases).toEqual(['Khrushchev']);

    // An organisation: the same body in Latin letters, said to be different.
    await page.goto(`${base}/organisations`);
    await page.getByLabel('Name', { exact: true }).fill('Sledstvenny Komitet');
    const org = page.locator('li.name-match').filter({ hasText: INVESTIGATORS });
    await org.waitFor();
    await org.getByRole('button', { name: `Different ${INVESTIGATORS}` }).click();
    await page.getByRole('button', { name: 'Add organisation' }).click();
    await page
      .getByText(`“Sledstvenny Komitet” and ${INVESTIGATORS} are noted as different.`)
      .waitFor();
    const organisations = (await (await api.get(`${base}/api/organisations`)).json()) as {
      id: string;
      name: string;
      aliases: string[];
    }[];
    expect(organisations.find((o) => o.name === INVESTIGATORS)?.aliases).toEqual([]);
    const added = organisations.find((o) => o.name === 'Sledstvenny Komitet')?.id ?? '';
    const again = (await (
      await api.get(`${base}/api/match?kind=organisation&id=${added}`)
    ).json()) as { suggestions: { label: string }[] };
    expect(again.suggestions.map((s) => s.label)).not.toContain(INVESTIGATORS);

    // A facility: suggested while typing (nothing saved here).
    await page.goto(`${base}/facilities`);
    await page.getByLabel('Name of the facility').fill(FACILITY_LATIN);
    await page.locator('li.name-match').filter({ hasText: FACILITY }).waitFor();
    await h.shot('name-match-facility', true);
    await page.getByLabel('Name of the facility').fill('');
    await expect.poll(() => page.locator('li.name-match').count()).toBe(0);
  });

  it('shows the response and its conflict in Russian', async () => {
    await page.goto(responseUrl);
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { name: 'Источники расходятся' }).waitFor();
    await page.getByRole('heading', { name: 'Сколько: people fired' }).waitFor();
    await page.getByRole('heading', { level: 1, name: /^Увольнение · 24 июл\. 2018/ }).waitFor();
    await page.locator('.conflict-side').first().getByText('сообщает 1 источник').waitFor();
    await page.getByText('Затронутые люди').waitFor();
    await page.locator('ul.people').getByText('фигурант').waitFor();
    await page.getByRole('link', { name: 'Реакция', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Изменить меру' }).waitFor();
    await h.shot('response-conflict-ru', true);

    await page
      .getByRole('navigation', { name: 'Реакция властей' })
      .getByRole('link', { name: 'Подотчётность' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Подотчётность' }).waitFor();
    await page.getByLabel('Учреждение').selectOption(facilityId);
    await page.getByText('1 инцидент · 1 мера').waitFor();
    await page.getByRole('link', { name: 'Скачать CSV' }).waitFor();
    await h.shot('accountability-ru', true);

    await page.goto(`${base}/people`);
    await page.getByLabel('Псевдоним').fill('Khrushchov');
    await page
      .locator('li.name-match')
      .filter({ hasText: OFFICIAL })
      .getByText(/транслитерац|отличие/)
      .waitFor();
    await h.shot('name-match-ru', true);
    await page.getByLabel('Псевдоним').fill('');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('lets a reviewer see all of it and change none of it', async () => {
    await api.delete(`${base}/api/session`);
    await signIn(REVIEWER.email);
    // In English again, even if the Russian steps stopped half-way.
    await page.evaluate("localStorage.setItem('custody.language', 'en')");
    await page.goto(responseUrl);
    await page.getByRole('heading', { name: 'Sources disagree' }).waitFor();
    await page.locator('.conflict-side').nth(1).getByText(REUTERS.quote).waitFor();
    expect(await page.getByRole('button', { name: 'Edit response' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Withdraw' }).count()).toBe(0);
    await h.shot('response-reviewer', true);

    await page.getByRole('link', { name: NOVAYA.outlet, exact: true }).first().click();
    await page.waitForURL(/\/sources\/[0-9a-f-]{36}$/);
    await page.getByText(NOVAYA.quote).first().waitFor();
    expect(await page.getByRole('button', { name: 'Edit source' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Quote a claim' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Responses', exact: true }).click();
    await page.locator('.responses-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'New response' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.locator('.sources-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'New source' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Accountability', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Accountability' }).waitFor();
    await page.getByLabel('Incident').selectOption(incidentId);
    await expect.poll(() => page.locator('ol.acc-timeline > li').count()).toBe(2);
    await page.getByRole('link', { name: 'Download CSV' }).waitFor();
    // The server refuses a reviewer's change as well.
    const refused = await api.post(`${base}/api/sources`, { data: { outlet: 'x' } });
    expect(refused.status()).toBe(403);
  });

  it('opened no dialog, broke no CSP rule and threw nothing', () => {
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
