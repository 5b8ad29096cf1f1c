import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import type { Archive } from '../../src/archive.ts';
import { setupInvitation } from '../../src/core/accounts/accounts.ts';
import { ingest } from '../../src/core/ingest/ingest.ts';
import type { JobState } from '../../src/core/jobs/queue.ts';
import { queueMissingWork, type VideoJob } from '../../src/core/media/queue-missing.ts';
import { jobHandlers } from '../../src/core/jobs/handlers.ts';
import { buildApp } from '../../src/server/app.ts';
import { createTestArchive, tempDir } from '../helpers/archive.ts';

/**
 * What the browser suites share: a small drive with hostile names, a real ten-second video in
 * a Cyrillic folder and many notes; the real server on a real archive; Debian's Chromium
 * driven by playwright-core; and a watch on everything that must not happen in the page
 * (dialogs, console errors, CSP violations, uncaught errors, missing app files).
 */

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const WEB_DIST = path.join(ROOT, 'web/dist');
export const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');
const CHROMIUM = process.env['CUSTODY_CHROMIUM'] ?? '/usr/bin/chromium';
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

export const HOSTILE = '<img src=x onerror=alert(1)>\u202Egpj.mp4';
/** As the server shows it: the right-to-left override escaped (src/domain/path-display.ts). */
export const HOSTILE_SHOWN = '<img src=x onerror=alert(1)>\\u{202e}gpj.mp4';
export const CYRILLIC_FOLDER = 'Камера 3';
export const CYRILLIC_NAME = 'Корпус №1 2020-02-18.mp4';
export const DOCUMENT_NAME = 'заявление.txt';
export const ACQUISITION = '<b>Drive</b> from source «А»';
export const NOTES = 100;
export const TOTAL = NOTES + 3;
export const VIDEO_SECONDS = 10;
/** When the camera says it recorded the video (its metadata). */
export const RECORDED_AT = '2020-02-18T14:30:00.000000Z';
export const PASSWORD = 'correct horse battery staple';

/**
 * The drive: a hostile name (HTML and a right-to-left override) that is not really a video,
 * a real ten-second video with its running time burnt into the picture (as DVRs do) and hostile
 * metadata, a document, and enough small notes for more than one page of the list.
 */
export async function makeDrive(): Promise<string> {
  const drive = path.join(await tempDir('browser'), 'drive');
  fs.mkdirSync(path.join(drive, CYRILLIC_FOLDER), { recursive: true });
  fs.mkdirSync(path.join(drive, 'Документы'));
  fs.writeFileSync(path.join(drive, HOSTILE), 'not really a video\n'.repeat(50));
  const clock = fs.existsSync(FONT)
    ? `,drawtext=fontfile=${FONT}:text='%{pts\\:hms}':x=8:y=8:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6`
    : '';
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `testsrc2=duration=${VIDEO_SECONDS}:size=320x240:rate=25${clock}`],
      ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-g', '25'],
      ...['-metadata', 'comment=<script>alert(3)</script>'],
      ...['-metadata', `creation_time=${RECORDED_AT}`, '-y'],
      path.join(drive, CYRILLIC_FOLDER, CYRILLIC_NAME),
    ],
    { stdio: 'pipe' },
  );
  fs.writeFileSync(path.join(drive, 'Документы', DOCUMENT_NAME), 'Заявление о нарушении.\n');
  fs.mkdirSync(path.join(drive, 'notes'));
  for (let i = 0; i < NOTES; i++)
    fs.writeFileSync(
      path.join(drive, 'notes', `note-${String(i).padStart(3, '0')}.txt`),
      `note ${i}\n`,
    );
  return drive;
}

/**
 * Queues the proxies and thumbnails (and, with `only` = VIDEO_JOBS, the analyses too) and works
 * them all, as `custody process --wait` does.
 */
export async function runJobs(
  archive: Archive,
  only: readonly VideoJob[] = ['media.proxy', 'media.thumbnails'],
): Promise<void> {
  const jobs = await archive.startJobs();
  await queueMissingWork(archive.db, jobs, only);
  await jobs.work(jobHandlers(archive), { concurrency: 1 });
  const pending = ['created', 'retry', 'active'] as const;
  const count = async (states: readonly JobState[]): Promise<number> =>
    Object.values(await jobs.counts()).reduce(
      (sum, byState) => sum + states.reduce((s, state) => s + byState[state], 0),
      0,
    );
  const deadline = Date.now() + 180_000;
  while ((await count(pending)) > 0) {
    if (Date.now() > deadline) throw new Error('The background jobs did not finish in 180 s.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const failed = await count(['failed']);
  if (failed > 0) throw new Error(`${failed} background jobs failed.`);
}

/** A derivative that may not exist yet: the page asks for it and hides it on a 404. */
const DERIVATIVE = /\/api\/items\/[0-9a-f-]{36}\/(poster|proxy|contact-sheet)$/;

export interface Harness {
  readonly archive: Archive;
  readonly base: string;
  readonly setupToken: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly dialogs: string[];
  readonly consoleProblems: string[];
  readonly pageErrors: string[];
  readonly missing: string[];
  shot(name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: {
  jobs: boolean;
  /** Another drive than makeDrive's. */
  drive?: () => Promise<string>;
  /** The jobs to run before the browser starts (default: proxies and thumbnails). */
  only?: readonly VideoJob[];
}): Promise<Harness> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html')))
    throw new Error(
      `The web app is not built (${WEB_DIST}/index.html is missing): run "npm run build:web" first.`,
    );
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with "apt-get install chromium" (scripts/setup.sh does), or set CUSTODY_CHROMIUM.`,
    );
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const drive = await (opts.drive ?? makeDrive)();
  const { archive } = await createTestArchive('pglite');
  await ingest(archive, { source: drive, acquisition: { name: ACQUISITION } });
  if (opts.jobs) await runJobs(archive, opts.only);
  const setupToken = (await setupInvitation(archive)) ?? '';
  expect(setupToken).not.toBe('');
  const app: FastifyInstance = await buildApp(archive, { webDist: WEB_DIST });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
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
  const context = await browser.newContext({
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
  const page = await context.newPage();
  const dialogs: string[] = [];
  const consoleProblems: string[] = [];
  const pageErrors: string[] = [];
  const missing: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (msg) => {
    const text = msg.text();
    const from = msg.location().url;
    // Logged as failed resources, and expected: the 401s of /api/me before signing in and of
    // a refused login, and a derivative that a background job has not made yet (the page says
    // so, or hides it).
    const expected =
      /status of 401/.test(text) ||
      (/status of 404/.test(text) && DERIVATIVE.test(new URL(from, base).pathname));
    if ((msg.type() === 'error' && !expected) || /Content Security Policy|CSP/i.test(text))
      consoleProblems.push(`${msg.type()}: ${text} (${from})`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
  });
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (res.status() === 404 && !url.pathname.startsWith('/api/')) missing.push(url.pathname);
  });

  return {
    archive,
    base,
    setupToken,
    browser,
    context,
    page,
    dialogs,
    consoleProblems,
    pageErrors,
    missing,
    shot: async (name, fullPage = false) => {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
    },
    close: async () => {
      await browser.close();
      await app.close();
      await archive.close();
    },
  };
}

/**
 * Loads the next page of a list as a person would: scrolling to the end (the list loads more
 * by itself) or pressing "Show more". Either may win, and the button is replaced when the
 * page arrives, so a click that lands on a vanished button is simply tried again.
 */
export async function showMore(page: Page, rows: Locator, expected: number): Promise<void> {
  for (let attempt = 0; attempt < 10 && (await rows.count()) < expected; attempt++) {
    await page.mouse.wheel(0, 20_000);
    await page
      .getByRole('button', { name: 'Show more' })
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await expect
      .poll(() => rows.count(), { timeout: 3_000 })
      .toBe(expected)
      .catch(() => undefined);
  }
  await expect.poll(() => rows.count()).toBe(expected);
}
