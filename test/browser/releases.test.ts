import path from 'node:path';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCameraClips } from '../fixtures/camera-clip.ts';
import { tempDir } from '../helpers/archive.ts';
import { PASSWORD, startHarness, type Harness } from './harness.ts';

/**
 * Redaction, review and release in a real browser, with real jobs (proxy, faces, the render
 * and its face check): an investigator starts a redaction of a camera recording of a group
 * photograph (its faces pre-filled as masks over the player), draws one more mask, saves and
 * renders it, and watches the result with the face check; a reviewer approves it (the
 * investigator cannot); the investigator builds a partners release with it, a text and a
 * content warning, and submits it; the reviewer approves it; the partner logs in, lands on
 * "Shared with you", sees the warning before the video, plays it, and their access is in the
 * release's record; revoked, it is gone from their page. Screenshots in test/browser/artifacts.
 */

const ORIGINAL = 'BODYCAM-0042 18-02-2020.mp4';
const CUT = 'cut.mp4';
const ADMIN = { email: 'admin@example.org', name: 'Анна Admin' };
const INVESTIGATOR = { email: 'investigator@example.org', name: 'Ivan Investigator' };
const REVIEWER = { email: 'reviewer@example.org', name: 'Rita Reviewer' };
const PARTNER = { email: 'desk@news.example', name: 'Nadia <i>News</i> Desk' };
const RELEASE = 'Colony 7, February 2020: first batch';
const WARNING = 'Scenes of violence against detainees.';
const TEXT_HEADING = 'What the footage shows';
const TEXT_BODY = 'Guards enter the cell at 14:22 and <b>beat</b> a detainee.';
const INCIDENT = 'Beating in cell 4';
const CAPTION = 'Body camera, corridor of block 2';

async function makeDrive(): Promise<string> {
  const drive = path.join(await tempDir('releases'), 'drive');
  makeCameraClips(drive, { original: ORIGINAL, cut: CUT });
  return drive;
}

describe('redaction, review and release in Chromium', () => {
  let h: Harness;
  let base: string;
  let page: Page;
  let api: APIRequestContext;
  let redactionUrl = '';
  let itemUrl = '';
  let releaseUrl = '';
  let releaseId = '';

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
  /** Moves a video to `t` seconds and waits until it is there. */
  const seek = async (testId: string, t: number): Promise<void> => {
    await page.evaluate(
      `new Promise((resolve) => { const v = document.querySelector('[data-testid="${testId}"]'); if (Math.abs(v.currentTime - ${String(t)}) < 0.01) { resolve(); return; } v.addEventListener('seeked', resolve, { once: true }); v.pause(); v.currentTime = ${String(t)}; })`,
    );
  };
  /** Failed requests the test provokes on purpose are not problems of the page. */
  const expectedFailure = (pattern: RegExp): void => {
    const i = h.consoleProblems.findIndex((p) => pattern.test(p));
    if (i >= 0) h.consoleProblems.splice(i, 1);
  };

  beforeAll(async () => {
    h = await startHarness({
      jobs: true,
      drive: makeDrive,
      only: ['media.proxy', 'media.thumbnails', 'media.faces'],
    });
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
    await invite('partner', PARTNER);
    await signIn(INVESTIGATOR.email);
    const incident = await api.post(`${base}/api/incidents`, { data: { title: INCIDENT } });
    expect(incident.status()).toBe(201);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await h.shot(`failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`, true);
  });

  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  it('starts a redaction with the faces masked, adds a mask by dragging, saves and renders it', async () => {
    await page.goto(`${base}/items`);
    await page.getByRole('link', { name: ORIGINAL }).click();
    await page.getByRole('heading', { level: 1, name: ORIGINAL }).waitFor();
    itemUrl = page.url();
    await page.getByRole('button', { name: 'Redact this video' }).click();
    await page.waitForURL(/\/redactions\/[0-9a-f-]{36}$/);
    redactionUrl = page.url();
    const editor = page.getByTestId('redaction-editor');
    await editor.getByTestId('redaction-status').getByText('Draft').waitFor();
    expect(await editor.getByTestId('redaction-version').textContent()).toBe('version 1');

    // The face tracks arrive as opaque masks, drawn over the picture.
    const faces = editor.getByTestId('mask-list').getByRole('button', { name: /^Face \d+/ });
    await expect.poll(() => faces.count()).toBeGreaterThan(0);
    await page.getByTestId('editor-player').waitFor();
    await expect
      .poll(() =>
        page.evaluate(`document.querySelector('[data-testid="editor-player"]').readyState`),
      )
      .toBeGreaterThanOrEqual(1);
    await seek('editor-player', 2);
    const boxes = page.getByTestId('mask-box');
    await expect.poll(() => boxes.count()).toBeGreaterThan(0);
    expect(await boxes.first().getAttribute('data-fill')).toBe('opaque');
    const faceMasks = await faces.count();

    // A new mask: dragged over the bottom left of the picture at 3 s.
    await seek('editor-player', 3);
    const layer = await page.getByTestId('mask-layer').boundingBox();
    expect(layer).not.toBeNull();
    if (layer === null) return;
    const at = (fx: number, fy: number): [number, number] => [
      layer.x + layer.width * fx,
      layer.y + layer.height * fy,
    ];
    await page.mouse.move(...at(0.03, 0.84));
    await page.mouse.down();
    await page.mouse.move(...at(0.12, 0.9), { steps: 4 });
    await page.mouse.move(...at(0.22, 0.97), { steps: 4 });
    await page.mouse.up();
    const drawn = editor.getByTestId('mask-list').getByRole('button', { name: /^Mask m1/ });
    await drawn.waitFor();
    expect(await drawn.getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid="mask-box"][data-mask="m1"]').waitFor();
    const box = await page.locator('[data-testid="mask-box"][data-mask="m1"]').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(layer.width * 0.15);
    await editor.getByTestId('mask-detail').getByText('Shown from 0:03.0 to 0:12.0.').waitFor();
    // Moved at 6 s: a second keyframe.
    await seek('editor-player', 6);
    const m1 = page.locator('[data-testid="mask-box"][data-mask="m1"]');
    const b = await m1.boundingBox();
    if (b === null) throw new Error('The new mask is not drawn at 6 s.');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + layer.width * 0.1, b.y + b.height / 2 - 20, {
      steps: 5,
    });
    await page.mouse.up();
    await editor.getByText('Keyframes (2)').waitFor();
    expect(await editor.getByTestId('save-state').textContent()).toBe('Unsaved changes');
    // Blurred rather than filled: the preview shows the difference.
    await editor.getByLabel('Fill').selectOption('blur');
    expect(await m1.getAttribute('data-fill')).toBe('blur');
    await page.evaluate('window.scrollTo(0, 0)');
    await h.shot('redaction-editor');

    // A muted second, and a cut that drops the first and last half second.
    await editor.getByLabel('From').first().fill('0:01.0');
    await editor.getByLabel('To').first().fill('0:02.0');
    await editor.getByLabel('What to do').selectOption('mute');
    await editor.getByRole('button', { name: 'Add range' }).click();
    await editor.getByTestId('audio-list').getByText('0:01.0–0:02.0').waitFor();
    await editor.locator('#cut-start').fill('0:00.5');
    await editor.locator('#cut-end').fill('0:11.5');
    await editor.getByRole('button', { name: 'Set cut' }).click();
    expect(await editor.getByTestId('cut-state').textContent()).toBe(
      'Only this part is kept: 0:00.5–0:11.5',
    );

    await editor.getByRole('button', { name: 'Save', exact: true }).click();
    await editor.getByText('Saved as version 2.').waitFor();
    expect(await editor.getByTestId('redaction-version').textContent()).toBe('version 2');
    expect(await editor.getByTestId('mask-list').getByRole('button').count()).toBe(faceMasks + 1);

    await editor.getByRole('button', { name: 'Render', exact: true }).click();
    await editor.getByTestId('redaction-status').getByText('Rendering').waitFor();
    // The job runs in the harness's workers; the page asks until it has finished.
    const outcome = editor
      .getByTestId('redaction-status')
      .filter({ hasText: /^(Rendered: awaiting review|Render failed)$/ });
    await outcome.waitFor({ timeout: 240_000 });
    if ((await outcome.textContent()) === 'Render failed')
      throw new Error(
        `The render failed: ${(await editor.getByTestId('render-result').textContent()) ?? ''}`,
      );
    const result = editor.getByTestId('render-result');
    await result.getByTestId('render-player').waitFor();
    await result.getByTestId('face-check-summary').waitFor();
    expect(await result.getByTestId('face-check-summary').textContent()).toMatch(
      /No face found in the render \(\d+ frames checked\)|The detector still finds faces in \d+ of \d+ checked frames/,
    );
    // The render plays.
    await expect
      .poll(
        () => page.evaluate(`document.querySelector('[data-testid="render-player"]').readyState`),
        { timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(1);
    // The investigator made it: no approving it.
    expect(await editor.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await editor.getByTestId('review-why').textContent()).toContain(
      'Reviewers and admins who did not change this redaction review it.',
    );
    await result.scrollIntoViewIfNeeded();
    await h.shot('redaction-rendered');
    await h.shot('redaction-rendered-page', true);
  }, 300_000);

  it('shows the editor in Russian', async () => {
    await page.goto(redactionUrl);
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: /^Обезличивание/ }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Маски' }).waitFor();
    await seek('editor-player', 3);
    await page
      .getByTestId('mask-list')
      .getByRole('button', { name: /^Маска m1/ })
      .click();
    await page.evaluate(`document.querySelector('.redact-head').scrollIntoView()`);
    await h.shot('redaction-editor-ru');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Masks' }).waitFor();
  });

  it('lets a reviewer who did not change it approve the render', async () => {
    await logOut();
    await signIn(REVIEWER.email);
    await page.goto(`${base}/releases`);
    await page.getByTestId('queue-link').click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    const rows = page.getByTestId('redactions-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await h.shot('redactions-queue');
    await rows.getByRole('link', { name: ORIGINAL }).click();
    const editor = page.getByTestId('redaction-editor');
    const review = editor.getByTestId('review');
    await review.getByRole('button', { name: 'Approve' }).waitFor();
    // Read-only for a reviewer: no saving, no drawing.
    expect(await editor.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    const flagged = await editor.getByTestId('flag-list').count();
    if (flagged > 0) {
      // A flagged frame: the render goes there, the face outlined on it.
      await editor.getByTestId('flag-list').getByRole('button').first().click();
      await expect
        .poll(() => editor.getByTestId('render-result').getByTestId('flag-box').count())
        .toBeGreaterThan(0);
      await editor.getByTestId('render-result').scrollIntoViewIfNeeded();
      await h.shot('redaction-review-flagged');
      // Approving needs a note, and the server says so.
      await review.getByRole('button', { name: 'Approve' }).click();
      await review.getByText(/The face check still found faces/).waitFor();
      expectedFailure(/status of 400/);
      await review.getByLabel('Note').fill('Flagged frames show the backs of heads; checked.');
    } else {
      await review.getByLabel('Note').fill('Watched in full; every face is covered.');
    }
    await review.scrollIntoViewIfNeeded();
    await h.shot('redaction-review');
    await review.getByRole('button', { name: 'Approve' }).click();
    await review.getByTestId('review-outcome').getByText(`Approved by ${REVIEWER.email}`).waitFor();
    await editor.getByTestId('redaction-status').getByText('Approved').waitFor();
    await review.scrollIntoViewIfNeeded();
    await h.shot('redaction-approved');
  });

  it('lets the investigator build a partners release and submit it', async () => {
    await logOut();
    await signIn(INVESTIGATOR.email);
    // The item lists its redaction, approved.
    await page.goto(itemUrl);
    const listed = page.getByTestId('item-redactions');
    await listed.getByRole('link', { name: ORIGINAL }).waitFor();
    await listed.getByTestId('redaction-status').getByText('Approved').waitFor();
    await listed.scrollIntoViewIfNeeded();
    await h.shot('item-redactions');
    await page.goto(`${base}/releases`);
    await page.getByRole('link', { name: 'New release' }).click();
    await page.getByRole('heading', { level: 1, name: 'New release' }).waitFor();
    await page.getByLabel('Title').fill(RELEASE);
    await page.getByLabel(/^Summary/).fill('Redacted recordings from the guards’ body cameras.');
    await page.getByLabel(/^Content warning/).fill(WARNING);
    await page.getByRole('radio', { name: /^Partners/ }).check();
    await page.getByRole('checkbox', { name: /Nadia <i>News<\/i> Desk/ }).check();
    await page.getByLabel('Add an approved redaction').selectOption({ label: ORIGINAL });
    await page.getByRole('button', { name: 'Add video' }).click();
    const video = page.getByTestId('form-video');
    await video.getByLabel(/^Caption/).fill(CAPTION);
    await page.getByText(/Texts go out exactly as written/).waitFor();
    await page.getByRole('button', { name: 'Add text' }).click();
    const text = page.getByTestId('form-text');
    await text.getByLabel(/^Heading/).fill(TEXT_HEADING);
    await text.getByLabel(/^Text$/).fill(TEXT_BODY);
    await text.getByLabel(/^About an incident/).selectOption({ label: INCIDENT });
    await h.shot('release-form', true);
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/releases\/[0-9a-f-]{36}$/);
    releaseUrl = page.url();
    releaseId = releaseUrl.split('/').pop() ?? '';
    const release = page.getByTestId('release');
    await release.getByTestId('release-status').getByText('Draft').waitFor();
    await release.getByRole('button', { name: 'Submit for review' }).click();
    await release.getByTestId('release-status').getByText('Submitted for review').waitFor();
    expect(await release.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await release.getByTestId('approve-why').waitFor();
  });

  it('lets the reviewer approve the release', async () => {
    await logOut();
    await signIn(REVIEWER.email);
    await page.goto(releaseUrl);
    const release = page.getByTestId('release');
    await release.getByRole('heading', { level: 1, name: RELEASE }).waitFor();
    await release.getByText(WARNING).waitFor();
    await release.getByTestId('release-video').getByText(CAPTION).waitFor();
    await release.getByTestId('release-text').getByText(TEXT_BODY).waitFor();
    expect(await release.getByTestId('release-audience').textContent()).toBe(
      'Partners: Nadia <i>News</i> Desk',
    );
    await release.getByRole('button', { name: 'Approve' }).click();
    await release.getByTestId('release-status').getByText('Approved').waitFor();
    await release.getByText('Published', { exact: true }).waitFor();
    await h.shot('release-approved', true);
  });

  it('shows the partner only what was shared, the warning before the video, and records the play', async () => {
    await logOut();
    await page.getByLabel('Email').fill(PARTNER.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    // A partner lands on what was shared with them, and their menu has nothing else.
    await page.waitForURL(/\/shared-with-me$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Shared with you']);
    const list = page.getByTestId('shared-list');
    await list.getByRole('link', { name: RELEASE }).click();
    const shared = page.getByTestId('shared-release');
    await shared.getByRole('heading', { level: 1, name: RELEASE }).waitFor();
    // The warning comes first; no video is on the page until the reader asks for it.
    await shared.getByTestId('content-warning').getByText(WARNING).waitFor();
    expect(await shared.locator('video').count()).toBe(0);
    await shared.getByTestId('shared-text').getByText(TEXT_HEADING).waitFor();
    await shared.getByTestId('shared-text').getByText(TEXT_BODY).waitFor();
    await h.shot('partner-warning');
    await shared.getByRole('button', { name: /^I understand: show the videos/ }).click();
    const video = shared.getByTestId('shared-video');
    await video.getByText(CAPTION).waitFor();
    await video.getByRole('link', { name: 'Download' }).waitFor();
    await video.getByText(/watermark with your name/).waitFor();
    await page.evaluate(
      `(async () => { const v = document.querySelector('[data-testid="shared-video"] video'); v.muted = true; await v.play(); })()`,
    );
    await expect
      .poll(
        () =>
          page.evaluate(`document.querySelector('[data-testid="shared-video"] video').currentTime`),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0.3);
    await page.evaluate(`document.querySelector('[data-testid="shared-video"] video').pause()`);
    await h.shot('partner-release', true);
  });

  it("shows the partner's access in the release's record, and revoking takes it away", async () => {
    await logOut();
    await signIn(INVESTIGATOR.email);
    await page.goto(releaseUrl);
    const access = page.getByTestId('access-record');
    const row = (what: string) =>
      access
        .locator('tbody tr')
        .filter({ hasText: `${PARTNER.name} <${PARTNER.email}>` })
        .filter({
          hasText: what,
        });
    await row('viewed the release').first().waitFor();
    await row('played').first().waitFor();
    await access.scrollIntoViewIfNeeded();
    await h.shot('release-access');

    // A share link: its address is shown once, then it is listed and can be revoked.
    const links = page.getByTestId('release-links');
    await links.getByLabel(/^For/).fill('Committee secretariat');
    await links.getByRole('button', { name: 'Make link' }).click();
    const made = links.getByTestId('link-made');
    await made.getByText('Link for Committee secretariat').waitFor();
    expect(await made.getByLabel('Link address').inputValue()).toMatch(
      new RegExp(`^${base}/shared/[A-Za-z0-9_-]{20,}$`),
    );
    const linkRow = links.getByTestId('links-table').locator('tbody tr');
    await linkRow.filter({ hasText: 'Committee secretariat' }).getByText('Active').waitFor();
    await made.scrollIntoViewIfNeeded();
    await h.shot('release-link');
    await links.getByRole('button', { name: 'Revoke the link for Committee secretariat' }).click();
    await linkRow.filter({ hasText: 'Committee secretariat' }).getByText('Revoked').waitFor();

    await page.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByLabel(/^Reason/).fill('The source asked us to wait.');
    await page.getByRole('button', { name: 'Revoke now' }).click();
    await page.getByTestId('release-status').getByText('Revoked').waitFor();

    await logOut();
    await signIn(PARTNER.email);
    await page.goto(`${base}/shared-with-me`);
    await page.getByText('Nothing is shared with you at the moment.').waitFor();
    expect((await api.get(`${base}/api/shared/releases/${releaseId}`)).status()).toBe(404);
    await h.shot('partner-revoked');
  });

  it('shows a public release to anyone, without an account or a script, warning first', async () => {
    const redactionId = redactionUrl.split('/').pop() ?? '';
    await signIn(INVESTIGATOR.email);
    const created = await api.post(`${base}/api/releases`, {
      data: {
        title: 'Public: the corridor',
        audience: 'public',
        contentWarning: 'Violence against a detainee',
        embargoAt: new Date(Date.now() - 60_000).toISOString(),
        videos: [{ redactionId, caption: 'Redacted body-camera recording' }],
      },
    });
    expect(created.status()).toBe(201);
    const publicId = ((await created.json()) as { id: string }).id;
    expect(
      (
        await api.post(`${base}/api/releases/${publicId}/submit`, { data: { version: 1 } })
      ).status(),
    ).toBe(200);
    await signIn(REVIEWER.email);
    expect(
      (
        await api.post(`${base}/api/releases/${publicId}/approve`, { data: { version: 1 } })
      ).status(),
    ).toBe(200);
    await logOut();
    await page.goto(`${base}/published?lang=en`);
    await page.getByRole('heading', { name: 'Published releases' }).waitFor();
    // Only the public one: the revoked partners release is nowhere.
    expect(await page.locator('.releases a').allTextContents()).toEqual(['Public: the corridor']);
    await page.getByRole('link', { name: 'Public: the corridor' }).click();
    await page.getByText('Violence against a detainee').waitFor();
    expect(await page.locator('video').isVisible()).toBe(false);
    expect(await page.locator('script').count()).toBe(0);
    await h.shot('public-warning');
    await page.getByText('I understand: show the videos').click();
    await page.locator('video').waitFor({ state: 'visible' });
    await page.evaluate(
      `(async () => { const v = document.querySelector('video'); v.muted = true; await v.play(); })()`,
    );
    await expect
      .poll(() => page.evaluate(`document.querySelector('video').currentTime`), { timeout: 20_000 })
      .toBeGreaterThan(0.3);
    await page.evaluate(`document.querySelector('video').pause()`);
    await h.shot('public-release', true);
    await page.getByRole('link', { name: 'Русский' }).click();
    await page.getByText('Предупреждение о содержании').waitFor();
    await h.shot('public-release-ru');
  });

  it('opened no dialog, broke no CSP rule and threw nothing', () => {
    expect(h.dialogs).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
