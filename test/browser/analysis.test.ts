import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_JOBS } from '../../src/core/media/queue-missing.ts';
import { CLIP, makeCameraClips } from '../fixtures/camera-clip.ts';
import { tempDir } from '../helpers/archive.ts';
import { PASSWORD, startHarness, type Harness } from './harness.ts';

/**
 * What the analysis jobs found, in a real browser after they ran for real (tesseract, the
 * fingerprint index, the face detector): a camera recording of a group photograph with its
 * date, time and camera number burnt in, and a cut of it made by re-encoding one part. The
 * item page shows the overlay reading (and takes a correction), the cut and its place in the
 * original, and the face tracks as boxes over the player; the list filters by camera, faces
 * and copies; the jobs page shows every job done.
 */

const DEVICE = CLIP.device;
const ORIGINAL = 'DOZOR-0123 18-02-2020.mp4';
const CUT = 'клип для СМИ.mp4';
const ADMIN = { email: 'admin@example.org', name: 'Анна Admin' };

async function makeDrive(): Promise<string> {
  const drive = path.join(await tempDir('analysis'), 'drive');
  makeCameraClips(drive, { original: ORIGINAL, cut: CUT });
  return drive;
}

describe('what the analysis jobs found, in Chromium', () => {
  let h: Harness;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness({ jobs: true, drive: makeDrive, only: VIDEO_JOBS });
    ({ base, page } = h);
    const api = h.context.request;
    expect(
      (
        await api.post(`${base}/api/invitations/accept`, {
          data: {
            token: h.setupToken,
            email: ADMIN.email,
            displayName: ADMIN.name,
            password: PASSWORD,
          },
        })
      ).status(),
    ).toBe(201);
    expect(
      (
        await api.post(`${base}/api/session`, { data: { email: ADMIN.email, password: PASSWORD } })
      ).status(),
    ).toBe(200);
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await h.shot(`failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`, true);
  });

  afterAll(async () => {
    await (h as Harness | undefined)?.close();
  });

  const openItem = async (name: string): Promise<void> => {
    await page.goto(`${base}/items`);
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  };

  it('lists the camera, the faces and the copies, and filters by them', async () => {
    await page.goto(`${base}/items`);
    const rows = page.locator('.items-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const original = rows.filter({ hasText: ORIGINAL });
    await expect.poll(() => original.getByTestId('row-overlay').textContent()).toContain(DEVICE);
    expect(await original.getByTestId('row-overlay').textContent()).toContain(
      '2020-02-18 14:22:05',
    );
    expect(await original.getByText(/\d+ faces?/).count()).toBe(1);
    await h.shot('items-findings');

    await page.getByRole('textbox', { name: 'Camera' }).fill('ДОЗОР-77');
    await page.getByRole('textbox', { name: 'Camera' }).press('Enter');
    await page.waitForURL(/device=/);
    await expect.poll(() => rows.count()).toBe(2); // the cut shows the same overlay
    await page.getByRole('textbox', { name: 'Camera' }).fill('ДОЗОР-78');
    await page.getByRole('textbox', { name: 'Camera' }).press('Enter');
    await page.getByText('No item matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters', exact: true }).click();

    await page.getByLabel('Faces').selectOption('false');
    await page.getByText('No item matches these filters.').waitFor();
    await page.getByLabel('Faces').selectOption('true');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Faces').selectOption('');

    // "has copies" leads to the copies of this recording, and only them.
    await original.getByTestId('row-copies').click();
    await page.waitForURL(/cluster=/);
    await page.getByTestId('cluster-filter').waitFor();
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('shows the overlay reading on the item page and records a correction', async () => {
    await openItem(ORIGINAL);
    await expect
      .poll(() => page.getByTestId('overlay-start').textContent())
      .toBe('2020-02-18 14:22:05');
    expect(await page.getByTestId('overlay-device').textContent()).toBe(DEVICE);
    await page.getByText('read by machine').waitFor();
    await h.shot('item-overlay', true);

    await page.getByText('Correct the reading').click();
    await page.getByLabel('Camera', { exact: true }).fill('ДОЗОР-77 №0124');
    await page.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText('Saved. The correction is in the custody log.').waitFor();
    await expect
      .poll(() => page.getByTestId('overlay-device').textContent())
      .toBe('ДОЗОР-77 №0124');
    await page.getByText(`corrected by ${ADMIN.email}`).waitFor();
    await page.getByText(`The machine read: 2020-02-18 14:22:05, ${DEVICE}`).waitFor();
    await page.getByRole('cell', { name: 'overlay.corrected' }).first().waitFor();
  });

  it('says where the cut sits in the original, and links to it at that time', async () => {
    await openItem(CUT);
    await page.getByTestId('similar-count').waitFor();
    const line = page.getByTestId('similar').locator('li').first();
    // Seconds 0–5 of the cut are seconds 4–9 of the original (to a tenth or two).
    expect(await line.textContent()).toMatch(
      /^this one is a cut: 0:00\.\d–0:0[45]\.\d of it is 0:0(3\.[89]|4\.[0-2])–0:0[89]\.\d of /,
    );
    await h.shot('item-cut', true);
    await line.getByRole('link', { name: ORIGINAL }).click();
    await page.waitForURL(/t=\d/);
    const t = Number(new URL(page.url()).searchParams.get('t'));
    expect(t).toBeGreaterThan(3.4);
    expect(t).toBeLessThan(4.6);
  });

  it('draws the face tracks over the player', async () => {
    await openItem(ORIGINAL);
    await page.getByTestId('faces-count').waitFor();
    expect(await page.getByTestId('faces-count').textContent()).toMatch(/^[1-9]\d* face tracks?$/);
    const player = page.getByTestId('player');
    await player.waitFor();
    await page.evaluate(
      `new Promise((resolve) => { const v = document.querySelector('video'); v.addEventListener('seeked', resolve, { once: true }); v.currentTime = 2; })`,
    );
    await page.getByLabel('Show face boxes on the player').check();
    const boxes = page.getByTestId('face-box');
    await expect.poll(() => boxes.count()).toBeGreaterThan(0);
    // Every box lies inside the picture.
    const frame = await player.boundingBox();
    for (const box of await boxes.all()) {
      const b = await box.boundingBox();
      expect(b).not.toBeNull();
      if (b === null || frame === null) continue;
      expect(b.x).toBeGreaterThanOrEqual(frame.x - 1);
      expect(b.x + b.width).toBeLessThanOrEqual(frame.x + frame.width + 1);
      expect(b.width).toBeGreaterThan(4);
    }
    await page.getByTestId('player').scrollIntoViewIfNeeded();
    await h.shot('item-faces');
  });

  it('shows every job done on the jobs page, in Russian too', async () => {
    await page.goto(`${base}/jobs`);
    await page.getByRole('heading', { level: 1, name: 'Background jobs' }).waitFor();
    await expect
      .poll(() => page.getByTestId('job-counts').textContent())
      .toMatch(/0 running, 0 waiting, 10 done, 0 failed/);
    for (const name of ['Camera overlay', 'Fingerprint and copies', 'Faces', 'Web copy'])
      expect(await page.getByRole('cell', { name, exact: true }).count()).toBe(2);
    await h.shot('jobs');
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Фоновые задачи' }).waitFor();
    await h.shot('jobs-ru');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('met nothing that must not happen', () => {
    expect(h.dialogs).toEqual([]);
    expect(h.pageErrors).toEqual([]);
    expect(h.consoleProblems).toEqual([]);
    expect(h.missing).toEqual([]);
  });
});
