import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CYRILLIC_FOLDER,
  CYRILLIC_NAME,
  PASSWORD,
  startHarness,
  TOTAL,
  VIDEO_SECONDS,
  WEB_DIST,
  type Harness,
  showMore,
} from './harness.ts';

/**
 * Cataloguing in a real browser, after the background jobs have made the web copies: the
 * player plays the proxy and seeks in it with Range requests; an incident is created through
 * its form (times with the facility's UTC offset, a new facility, acts from the vocabulary);
 * a segment is marked from the player and linked to it; the search box finds the item again
 * by a word of the segment's note; the incident page gathers people (by pseudonym), segments
 * and history; everything again in Russian; a reviewer sees it all and can change nothing.
 * Screenshots land in test/browser/artifacts/.
 */

const ADMIN = { email: 'admin@example.org', name: 'Анна Admin' };
const REVIEWER = { email: 'reviewer@example.org', name: 'Rita Reviewer' };
const INCIDENT = 'Beating in corridor 3 <img src=x onerror=alert(4)>';
const FACILITY = 'IK-10 <b>Saratov</b>';
const REGION = 'Саратовская область';
const NOTE = 'Guard strikes a prisoner by the stairwell <b>not bold</b>';
const NOTE_WORD = 'stairwell';
const TAGS = ['beating', 'corridor', '<i>tag</i>'];
const PSEUDONYM = 'Prisoner A <script>alert(5)</script>';
const FACILITY_2 = 'СИЗО-1 <i>Москва</i>';
const ALIASES = ['Бутырка', 'Butyrka'];
const PSEUDONYM_2 = 'Witness B <b>cell 4</b>';
const PERSON_NOTE = 'Saw it from the cell across the corridor';
const ORGANISATION = 'ФСИН <b>Saratov</b> directorate';
const ORG_ALIASES = ['УФСИН', 'UFSIN'];
const ACT = { code: 'sleep-deprivation', en: 'Sleep deprivation <i>x</i>', ru: 'Лишение сна' };
/** The proxy's path, as the media element asks for it. */
const PROXY = /\/api\/items\/[0-9a-f-]{36}\/proxy$/;

describe('cataloguing in Chromium', () => {
  let h: Harness;
  let base: string;
  let page: Page;
  let api: APIRequestContext;
  let incidentId: string;
  let itemUrl: string;
  const media: { range: string | null; status?: number }[] = [];
  /** Posters asked for and not there: the list asks only for those that were made. */
  const postersMissing: string[] = [];

  /** A property of the page's video element (the test is typed for Node, not the DOM). */
  const video = <T>(expr: string): Promise<T> =>
    page.evaluate<T>(`(() => { const v = document.querySelector('video'); return ${expr}; })()`);
  /** Moves the player and waits until it got there; the position it landed on. */
  const seekTo = (seconds: number): Promise<number> =>
    page.evaluate<number>(
      `new Promise((resolve) => { const v = document.querySelector('video'); v.addEventListener('seeked', () => resolve(v.currentTime), { once: true }); v.currentTime = ${seconds}; })`,
    );

  beforeAll(async () => {
    h = await startHarness({ jobs: true });
    ({ base, page } = h);
    api = h.context.request;
    // The first admin, through the API (the set-up page has its own test in app.test.ts);
    // the context's requests share the page's cookies, so the page is signed in too.
    const created = await api.post(`${base}/api/invitations/accept`, {
      data: {
        token: h.setupToken,
        email: ADMIN.email,
        displayName: ADMIN.name,
        password: PASSWORD,
      },
    });
    expect(created.status()).toBe(201);
    const login = await api.post(`${base}/api/session`, {
      data: { email: ADMIN.email, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    page.on('request', (request) => {
      if (request.resourceType() === 'media' && PROXY.test(new URL(request.url()).pathname))
        media.push({ range: request.headers()['range'] ?? null });
    });
    page.on('response', (response) => {
      if (response.status() === 404 && /\/poster$/.test(new URL(response.url()).pathname))
        postersMissing.push(response.url());
    });
    page.on('response', (response) => {
      const request = response.request();
      if (request.resourceType() === 'media' && PROXY.test(new URL(response.url()).pathname))
        media.push({ range: request.headers()['range'] ?? null, status: response.status() });
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

  it('keeps the first page of the app small', () => {
    // What index.html loads before anything else: its script and the modules it preloads.
    const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    const gzipped = files.reduce(
      (sum, file) => sum + gzipSync(fs.readFileSync(path.join(WEB_DIST, file ?? ''))).length,
      0,
    );
    expect(gzipped).toBeLessThan(300_000);
    // The player and the incident pages come later, when first opened.
    const lazy = fs.readdirSync(path.join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    expect(lazy.length).toBeGreaterThan(files.length);
  });

  it('adds an act to the vocabulary as an admin, and offers it in the incident form', async () => {
    await page.goto(`${base}/items`);
    await page.getByRole('link', { name: 'Acts', exact: true }).click();
    await page.waitForURL(/\/acts$/);
    await page.getByRole('heading', { level: 1, name: 'Acts' }).waitFor();
    const acts = page.locator('.acts-table tbody tr');
    await acts.first().waitFor();
    const before = await acts.count();
    // A code the server would refuse is refused here first.
    await page.getByLabel('Code').fill('Sleep deprivation');
    await page.getByRole('button', { name: 'Add act' }).click();
    await page.getByText('Use 2–41 lower-case Latin letters').waitFor();
    expect(await page.getByText('Fill in this field.').count()).toBe(2);
    await page.getByLabel('Code').fill(ACT.code);
    await page.getByLabel('English label').fill(ACT.en);
    await page.getByLabel('Russian label').fill(ACT.ru);
    await page.getByRole('button', { name: 'Add act' }).click();
    await page.getByText('Act added.').waitFor();
    await expect.poll(() => acts.count()).toBe(before + 1);
    const added = acts.filter({ hasText: ACT.code });
    await added.getByText(ACT.en).waitFor();
    await added.getByText(ACT.ru).waitFor();
    expect(await page.locator('main i, main b').count()).toBe(0);
    await h.shot('acts', true);

    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.waitForURL(/\/incidents$/);
    await page.getByRole('button', { name: 'New incident' }).click();
    await page.getByRole('checkbox', { name: ACT.en }).waitFor();
  });

  it('creates an incident through its form, in the facility’s time zone', async () => {
    await page.goto(`${base}/items`);
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.waitForURL(/\/incidents$/);
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
    await page.getByText('No incidents yet.').waitFor();

    await page.getByRole('button', { name: 'New incident' }).click();
    await page.getByRole('heading', { name: 'New incident' }).waitFor();
    // The keyboard is put in the first field; an empty title is refused there.
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('INPUT');
    await page.getByRole('button', { name: 'Create incident' }).click();
    await page.getByText('Fill in this field.').waitFor();

    await page.getByLabel('Title').fill(INCIDENT);
    await page.getByLabel('Started').fill('2020-02-18T14:30');
    await page.getByLabel('Ended').fill('2020-02-18T14:45');
    // The prison's clock is on UTC+04:00; this browser is in Moscow (UTC+03:00).
    await page.getByLabel('Time zone of these times').selectOption('240');
    await page.getByRole('button', { name: 'Add a facility that is not in the list' }).click();
    await page.getByLabel('Name of the facility').fill(FACILITY);
    await page.getByLabel('Region').fill(REGION);
    await page.getByRole('button', { name: 'Add facility' }).click();
    const facility = page.getByRole('combobox', { name: /^Facility/ });
    await expect.poll(() => facility.inputValue()).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('checkbox', { name: 'Beating' }).check();
    await page.getByRole('checkbox', { name: 'Humiliation' }).check();
    await page.getByLabel('Description').fill('Two guards, one prisoner; corridor camera 3.');
    await h.shot('incident-form', true);
    await page.getByRole('button', { name: 'Create incident' }).click();

    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    incidentId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByRole('heading', { level: 1, name: INCIDENT }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // 14:30 at UTC+04:00 is 10:30 UTC, and 13:30 in Moscow, where this browser is.
    const incident = (await (await api.get(`${base}/api/incidents/${incidentId}`)).json()) as {
      startsAt: string;
      endsAt: string;
      acts: string[];
      facility: string;
    };
    expect(incident.startsAt).toBe('2020-02-18T10:30:00.000Z');
    expect(incident.endsAt).toBe('2020-02-18T10:45:00.000Z');
    expect(incident.acts).toEqual(['beating', 'humiliation']);
    expect(incident.facility).toBe(FACILITY);
    await page
      .getByText(/Feb 18, 2020, 1:30\s–\s1:45\sPM\sGMT\+3/)
      .first()
      .waitFor();
    await page.getByText(FACILITY).first().waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Humiliation' }).waitFor();
    await page.getByRole('row', { name: /incident\.created/ }).waitFor();
  });

  it('plays the web copy and seeks in it with Range requests', async () => {
    await page.getByRole('link', { name: 'Items', exact: true }).click();
    await page.getByLabel('Search').fill('Корпус');
    await page.waitForURL(/q=/);
    await expect.poll(() => page.locator('.items-table tbody tr').count()).toBe(1);
    // The background job made a poster: the list shows it.
    const poster = page.locator('.items-table img.poster');
    await poster.waitFor();
    await expect
      .poll(() => page.evaluate("document.querySelector('.items-table img.poster').naturalWidth"))
      .toBeGreaterThan(0);
    await page.getByRole('link', { name: CYRILLIC_NAME }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    itemUrl = page.url();

    const player = page.getByTestId('player');
    await player.waitFor();
    await expect.poll(() => video<number>('v.readyState')).toBeGreaterThanOrEqual(1);
    expect(await video<number>('v.duration')).toBeCloseTo(VIDEO_SECONDS, 0);
    await page.getByText('Its timeline is the original’s').waitFor();

    // A click is the user's gesture; then play, muted, in case autoplay rules still object.
    await page.getByRole('heading', { name: 'Watch and mark' }).click();
    await page.evaluate(
      "(() => { const v = document.querySelector('video'); v.muted = true; return v.play(); })()",
    );
    await expect.poll(() => video<number>('v.currentTime'), { timeout: 15_000 }).toBeGreaterThan(1);
    await page.evaluate("document.querySelector('video').pause()");

    const landed = await seekTo(6);
    expect(Math.abs(landed - 6)).toBeLessThan(0.3);
    await page.getByText('Position 0:06.0 of 0:10.0').waitFor();
    // The media element asked for the proxy in byte ranges, and the server answered in part.
    expect(media.some((r) => r.range !== null && r.range.startsWith('bytes='))).toBe(true);
    expect(media.some((r) => r.status === 206)).toBe(true);
  });

  it('marks a segment from the player and links it to the incident', async () => {
    await seekTo(2);
    await page.getByRole('button', { name: 'Start here' }).click();
    expect(await page.getByLabel('Start', { exact: true }).inputValue()).toBe('0:02.0');
    await seekTo(5);
    await page.getByRole('button', { name: 'End here' }).click();
    expect(await page.getByLabel('End', { exact: true }).inputValue()).toBe('0:05.0');
    // The segment being marked shows on the timeline.
    await page.locator('.timeline-draft').waitFor();
    await page.getByLabel('Incident', { exact: true }).selectOption(incidentId);
    await page.getByLabel('Tags').fill(TAGS.join(', '));
    // The segment form's note (the verification checklist below has notes of its own).
    const segmentForm = page
      .locator('form')
      .filter({ has: page.getByRole('button', { name: 'Save segment' }) });
    await segmentForm.getByLabel('Note').fill(NOTE);
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Segment saved.').waitFor();

    const rows = page.locator('.segments-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    await row.getByRole('button', { name: /^Go to 0:02\.0/ }).waitFor();
    await row.getByRole('link', { name: INCIDENT }).waitFor();
    await row.getByText(NOTE).waitFor(); // the note is text, not markup
    for (const tag of TAGS) await row.getByText(tag, { exact: true }).waitFor();
    expect(await page.locator('main b, main i').count()).toBe(0);
    await page.locator('.timeline-segment.timeline-linked').waitFor();
    // The form is ready for the next one (the incident stays chosen).
    expect(await page.getByLabel('Start', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Incident', { exact: true }).inputValue()).toBe(incidentId);

    // A time that cannot be is refused before anything is sent.
    await page.getByLabel('Start', { exact: true }).fill('0:07');
    await page.getByLabel('End', { exact: true }).fill('0:04');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('The end must come after the start.').waitFor();
    await page.getByLabel('End', { exact: true }).fill('0:30');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('The video is only 0:10.0 long.').waitFor();

    // A second segment, not linked, then deleted after a confirmation.
    await page.getByLabel('End', { exact: true }).fill('9');
    await page.getByLabel('Incident', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByText('Not linked').waitFor();
    await page.getByRole('button', { name: 'Delete the segment 0:07.0–0:09.0' }).click();
    await page.getByText('Delete this segment?').waitFor();
    // The keyboard lands on the safe choice.
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Keep it');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(1);

    // From the keyboard, a segment's time moves the player to its start.
    await seekTo(8);
    await row.getByRole('button', { name: /^Go to 0:02\.0/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => video<number>('v.currentTime')).toBeCloseTo(2, 1);
    await row.and(page.locator('.segment-playing')).waitFor();

    await seekTo(3);
    await page.getByRole('heading', { name: 'Watch and mark' }).scrollIntoViewIfNeeded();
    await h.shot('item-player');
    await h.shot('item-player-full', true);
    await page.getByText('Contact sheet').click();
    await page.locator('img.contact-sheet').waitFor();
    await expect
      .poll(() => page.evaluate("document.querySelector('img.contact-sheet').naturalWidth"))
      .toBeGreaterThan(0);
  });

  it('finds the item again by a word of the segment note, and filters', async () => {
    await page.getByRole('link', { name: 'Items', exact: true }).click();
    await page.waitForURL(/\/items$/);
    const rows = page.locator('.items-table tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByLabel('Search').fill(NOTE_WORD);
    await page.waitForURL(new RegExp(`q=${NOTE_WORD}`));
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('link', { name: CYRILLIC_NAME }).waitFor();
    await page.getByText('1 item shown').waitFor();
    await h.shot('search');

    // Kept in the address: a reload shows the same.
    await page.reload();
    expect(await page.getByLabel('Search').inputValue()).toBe(NOTE_WORD);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(100);
    expect(await page.getByLabel('Search').inputValue()).toBe('');

    const linked = page.getByLabel('Linked to an incident');
    await linked.selectOption({ label: 'Yes' });
    await page.waitForURL(/linked=true/);
    await expect.poll(() => rows.count()).toBe(1);
    await linked.selectOption({ label: 'No' });
    await showMore(page, rows, TOTAL - 1);
    await linked.selectOption({ label: 'Either' });

    await page.getByLabel('Duration at least').fill('0:05');
    await page.waitForURL(/minSeconds=5/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Duration at least').fill('');
    await page.getByLabel('Duration at most').fill('soon');
    await page.getByText('Write a time as m:ss.s').waitFor(); // not applied
    await page.getByLabel('Duration at most').fill('');

    await page.getByLabel('Recorded from').fill('2020-02-18');
    await page.getByLabel('Recorded until').fill('2020-02-18');
    await page.waitForURL(/recordedTo=/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Recorded from').fill('2020-02-19');
    await page.getByLabel('Recorded until').fill('');
    await page.getByText('No item matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Show all items' }).click();

    await page.getByLabel('Folder').fill(CYRILLIC_FOLDER);
    await page.waitForURL(/folder=/);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(100);

    // The items of one acquisition (all of them here: there is one), kept in the address.
    const acquisition = page.getByLabel('Acquisition');
    await acquisition.selectOption({ index: 1 });
    await page.waitForURL(/acquisition=[0-9a-f-]{36}/);
    await expect.poll(() => rows.count()).toBe(100);
    await page.reload();
    await expect.poll(() => acquisition.inputValue()).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => acquisition.inputValue()).toBe('');
    // Only the video with a poster had one asked for: no poster answered 404.
    expect(postersMissing).toEqual([]);
  });

  it('gathers the incident: facility, acts, status, people, segments and history', async () => {
    await page.goto(`${base}/incidents/${incidentId}`);
    await page.getByRole('heading', { level: 1, name: INCIDENT }).waitFor();

    // People by pseudonym only: nowhere to type a real name, and none shown.
    expect(await page.getByLabel(/real name/i).count()).toBe(0);
    await page.getByText('No people linked yet.').waitFor();
    await page.getByLabel('Pseudonym').fill(PSEUDONYM);
    await page.getByLabel('Role in this incident').selectOption('victim');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('Person added.').waitFor();
    const people = page.locator('ul.people li');
    await people.filter({ hasText: PSEUDONYM }).getByText('victim').waitFor();

    const segments = page.locator('.incident-segments tbody tr');
    await expect.poll(() => segments.count()).toBe(1);
    await segments.first().getByText(CYRILLIC_NAME).waitFor();
    await segments.first().getByText(CYRILLIC_FOLDER).waitFor();
    await segments.first().getByText(NOTE).waitFor();
    await page.getByText('1 segment · in 1 item').waitFor();

    await page.getByLabel('Status', { exact: true }).selectOption('documented');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByText('Status changed.').waitFor();

    const history = page.locator('.history-table tbody tr');
    await history.filter({ hasText: 'incident.created' }).getByText('Incident created').waitFor();
    await history.filter({ hasText: 'person.linked' }).getByText('Person linked').waitFor();
    await history.filter({ hasText: 'incident.updated' }).waitFor();
    // The server lists the segments' own events in the incident's history, with their numbers.
    await history.filter({ hasText: 'segment.created' }).getByText('Segment marked').waitFor();
    await page.locator('.segments-table, table').getByText(CYRILLIC_NAME).first().waitFor();
    await history.filter({ hasText: ADMIN.email }).first().waitFor();
    expect(await page.locator('main script, img[src="x"]').count()).toBe(0);
    await h.shot('incident', true);

    // The segment's time opens the item there.
    await segments.first().getByRole('link', { name: '0:02.0–0:05.0' }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}\?t=2$/);
    await page.getByTestId('player').waitFor();
    await expect.poll(() => video<number>('v.currentTime')).toBeCloseTo(2, 1);
    await page.getByText('Position 0:02.0 of 0:10.0').waitFor();

    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    const row = page.locator('.incidents-table tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    await row.getByText('Documented').waitFor();
    await row.getByText(FACILITY).waitFor();
    await row.getByText('Beating', { exact: true }).waitFor();
    await h.shot('incidents');
    await page.getByLabel('Status').selectOption('verified');
    await page.getByText('No incident has this status.').waitFor();
    await page.getByRole('button', { name: 'Show all incidents' }).click();
    await expect.poll(() => row.count()).toBe(1);
  });

  it('shows the same pages in Russian', async () => {
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Инциденты' }).waitFor();
    const row = page.locator('.incidents-table tbody tr');
    await row.getByText('Задокументирован').waitFor();
    await row.getByText('Избиение', { exact: true }).waitFor();
    await row.getByText('Унижение', { exact: true }).waitFor();
    await page.getByText('Показан 1 инцидент').waitFor();
    await h.shot('incidents-ru');

    await row.getByRole('link', { name: INCIDENT }).click();
    await page.getByRole('heading', { name: 'Люди' }).waitFor();
    await page.locator('ul.people').getByText('пострадавший').waitFor();
    await page.getByRole('heading', { name: 'Фрагменты записей' }).waitFor();
    await page.getByText('1 фрагмент · в 1 материале').waitFor();
    await page.getByText('Инцидент создан').waitFor();
    await page.getByText('Фрагмент отмечен').waitFor();
    await page.getByRole('button', { name: 'Изменить статус' }).waitFor();
    await h.shot('incident-ru', true);

    await page.goto(itemUrl);
    await page.getByRole('heading', { name: 'Просмотр и разметка' }).waitFor();
    await page.getByRole('button', { name: 'Начало здесь' }).waitFor();
    await page.getByRole('button', { name: 'Конец здесь' }).waitFor();
    await page.getByText('Её шкала времени совпадает с оригиналом').waitFor();
    await page.locator('.segments-table').getByText('Кто отметил').waitFor();
    await page.getByTestId('player').waitFor();
    await h.shot('item-player-ru');

    await page.getByRole('link', { name: 'Материалы', exact: true }).click();
    await page.getByLabel('Поиск').fill(NOTE_WORD);
    await expect.poll(() => page.locator('.items-table tbody tr').count()).toBe(1);
    await page.getByText('Показан 1 материал').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('shows the incident on the timeline, in its month and facility', async () => {
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.waitForURL(/\/incidents$/);
    await page.getByRole('link', { name: 'Timeline by month and facility' }).click();
    await page.waitForURL(/\/incidents\/timeline$/);
    await page.getByRole('heading', { level: 1, name: 'Incident timeline' }).waitFor();
    const table = page.locator('.timeline-table');
    await table.getByRole('columnheader', { name: 'February 2020' }).waitFor();
    const cell = table
      .locator('tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: FACILITY }) })
      .locator('td[data-month="2020-02"]');
    await cell.getByRole('link', { name: INCIDENT }).waitFor();
    await cell.getByText('Documented').waitFor();
    expect(await table.locator('thead th').count()).toBe(2);
    expect(await page.locator('main b, img[src="x"]').count()).toBe(0);
    await h.shot('timeline', true);

    // The months shown are kept in the address.
    await page.getByLabel('From month').fill('2020-03');
    await page.waitForURL(/from=2020-03/);
    await page.getByText('No incidents with a start time in these months.').waitFor();
    await page.reload();
    expect(await page.getByLabel('From month').inputValue()).toBe('2020-03');
    await page.getByLabel('From month').fill('2020-02');
    await page.getByLabel('To month').fill('2020-02');
    await page.waitForURL(/to=2020-02/);
    await cell.getByRole('link', { name: INCIDENT }).waitFor();
    await page.getByRole('button', { name: 'All months' }).click();
    await page.waitForURL(/\/incidents\/timeline$/);

    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Хронология инцидентов' }).waitFor();
    await table.getByRole('columnheader', { name: /^февраль 2020/i }).waitFor();
    await table.getByRole('columnheader', { name: 'Учреждение' }).waitFor();
    await cell.getByText('Задокументирован').waitFor();
    await page.getByLabel('С месяца').waitFor();
    await page.getByRole('link', { name: 'Хронология', exact: true }).waitFor();
    await h.shot('timeline-ru', true);
    await page.getByRole('button', { name: 'English' }).click();

    await cell.getByRole('link', { name: INCIDENT }).click();
    await page.waitForURL(new RegExp(`/incidents/${incidentId}$`));
    await page.getByRole('heading', { level: 1, name: INCIDENT }).waitFor();
  });

  it('adds a facility and a person through their own pages', async () => {
    await page.getByRole('link', { name: 'Facilities', exact: true }).click();
    await page.waitForURL(/\/facilities$/);
    await page.getByRole('heading', { level: 1, name: 'Facilities' }).waitFor();
    const facilities = page.locator('.facilities-table tbody tr');
    await facilities.filter({ hasText: FACILITY }).getByText(REGION).waitFor();
    await page.getByRole('button', { name: 'Add facility' }).click();
    await page.getByText('Fill in this field.').waitFor();
    await page.getByLabel('Name of the facility').fill(FACILITY_2);
    await page.getByLabel('Other names').fill(ALIASES.join(', '));
    await page.getByLabel('Type').fill('pre-trial detention');
    await page.getByLabel('Region').fill('Москва');
    // Coordinates are checked before anything is sent: in range, and both or neither.
    await page.getByLabel('Latitude').fill('95');
    await page.getByRole('button', { name: 'Add facility' }).click();
    await page.getByText('Enter a latitude from -90 to 90.').waitFor();
    await page.getByLabel('Latitude').fill('55,7558');
    await page.getByRole('button', { name: 'Add facility' }).click();
    await page.getByText('Enter both coordinates, or neither.').waitFor();
    await page.getByLabel('Longitude').fill('37.6173');
    await page.getByRole('button', { name: 'Add facility' }).click();
    await page.getByText('Facility added.').waitFor();
    await expect.poll(() => facilities.count()).toBe(2);
    const added = facilities.filter({ hasText: FACILITY_2 });
    for (const alias of ALIASES) await added.getByText(alias, { exact: true }).waitFor();
    await added.getByText('pre-trial detention').waitFor();
    expect(await page.locator('main i, main b').count()).toBe(0);
    await h.shot('facilities', true);

    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.waitForURL(/\/people$/);
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.getByText('Real names are never shown here').waitFor();
    // A pseudonym and a note: nowhere to type a real name.
    expect(await page.getByLabel(/real name/i).count()).toBe(0);
    const people = page.locator('.people-table tbody tr');
    await people.filter({ hasText: PSEUDONYM }).waitFor();
    await page.getByLabel('Pseudonym').fill(PSEUDONYM_2);
    await page.getByLabel('Note').fill(PERSON_NOTE);
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByText('Person added.').waitFor();
    await expect.poll(() => people.count()).toBe(2);
    await people.filter({ hasText: PSEUDONYM_2 }).getByText(PERSON_NOTE).waitFor();
    await page.getByText('2 people shown').waitFor();
    expect(await page.locator('main b, main script').count()).toBe(0);
    await h.shot('people', true);
  });

  it('adds an organisation through its page', async () => {
    await page.getByRole('link', { name: 'Organisations', exact: true }).click();
    await page.waitForURL(/\/organisations$/);
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByText('No organisations yet.').waitFor();
    await page.getByRole('button', { name: 'Add organisation' }).click();
    await page.getByText('Fill in this field.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill(ORGANISATION);
    await page.getByLabel('Other names').fill(ORG_ALIASES.join(', '));
    await page.getByLabel('Kind').fill('prison service');
    await page.getByRole('button', { name: 'Add organisation' }).click();
    await page.getByText('Organisation added.').waitFor();
    const rows = page.locator('.organisations-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByText(ORGANISATION).waitFor();
    for (const alias of ORG_ALIASES) await rows.first().getByText(alias, { exact: true }).waitFor();
    await rows.first().getByText('prison service').waitFor();
    expect(await page.locator('main b').count()).toBe(0);
    const stored = (await (await api.get(`${base}/api/organisations`)).json()) as {
      name: string;
      aliases: string[];
    }[];
    expect(stored.map((o) => o.name)).toEqual([ORGANISATION]);
    await h.shot('organisations', true);
  });

  it('marks a segment with a person and lists them by pseudonym', async () => {
    await page.goto(itemUrl);
    await page.getByTestId('player').waitFor();
    const rows = page.locator('.segments-table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Incident', { exact: true }).selectOption('');
    await page.getByLabel('Start', { exact: true }).fill('6');
    await page.getByLabel('End', { exact: true }).fill('8');
    const person = page.getByRole('checkbox', { name: PSEUDONYM_2 });
    await person.check();
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Segment saved.').waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    const marked = rows.filter({ hasText: '0:06.0' });
    await marked.getByText(PSEUDONYM_2).waitFor();
    expect(await rows.filter({ hasText: NOTE }).getByText(PSEUDONYM_2).count()).toBe(0);
    expect(await person.isChecked()).toBe(false);
    expect(await page.locator('main b, main script').count()).toBe(0);
    const itemId = new URL(itemUrl).pathname.split('/').pop() ?? '';
    const segments = (await (await api.get(`${base}/api/items/${itemId}/segments`)).json()) as {
      start: number;
      people: string[];
    }[];
    expect(segments.find((s) => s.start === 6)?.people).toHaveLength(1);
    await page.locator('.segments-table').scrollIntoViewIfNeeded();
    await h.shot('segment-people');
  });

  it('lets a reviewer see all of it and change none of it', async () => {
    const invited = await api.post(`${base}/api/invitations`, { data: { role: 'reviewer' } });
    expect(invited.status()).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    const accepted = await api.post(`${base}/api/invitations/accept`, {
      data: { token, email: REVIEWER.email, displayName: REVIEWER.name, password: PASSWORD },
    });
    expect(accepted.status()).toBe(201);
    await page.getByLabel('Email').fill(REVIEWER.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/items$/);

    await page.goto(`${base}/incidents/${incidentId}`);
    await page.getByRole('heading', { level: 1, name: INCIDENT }).waitFor();
    await page.locator('.incident-segments').getByText(CYRILLIC_NAME).waitFor();
    expect(await page.getByRole('button', { name: 'Change status' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Add a person' }).count()).toBe(0);

    await page.goto(itemUrl);
    await page.getByTestId('player').waitFor();
    await page.locator('.segments-table').getByText(NOTE).waitFor();
    expect(await page.getByRole('heading', { name: 'Mark a segment' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete/ }).count()).toBe(0);

    await page.goto(`${base}/incidents`);
    await page.locator('.incidents-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'New incident' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Facilities', exact: true }).click();
    await page.locator('.facilities-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add facility' }).count()).toBe(0);
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.locator('.people-table tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add person' }).count()).toBe(0);
  });

  it('opened no dialog, broke no CSP rule and threw nothing', () => {
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
