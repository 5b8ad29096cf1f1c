import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { CustodyError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports.ts';
import { redactionPath, redactionPosterPath } from '../../core/redaction/render.ts';
import {
  releasedVideo,
  sharedReleaseJson,
  visibleReleases,
  type SharedReleaseJson,
} from '../../core/release/shared.ts';
import type { PublicLanguage } from '../../db/allegations-schema.ts';
import type { ReleaseTable } from '../../db/release-schema.ts';
import type { Database } from '../../db/schema.ts';
import { ProgressTracker, type Progress } from '../../core/progress.ts';
import { html } from '../allegations/html.ts';
import { RELEASE_CSS } from './pages.ts';
import { releaseTexts } from './texts.ts';
import { listBody, releaseBody, shell, type PageUrls } from './views.ts';

export interface SiteDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly derivativesDir: string;
}

export interface SiteSummary {
  readonly releases: number;
  readonly videos: number;
  readonly files: number;
  readonly bytes: number;
}

const LANGUAGES: readonly PublicLanguage[] = ['en', 'ru'];

/**
 * The public releases as a folder of static files, for hosting anywhere (a mirror where the
 * NGO's own site is blocked): a page per release in English and Russian, the redacted videos
 * and posters, one stylesheet, and SHA256SUMS so a mirror can be checked against the original.
 * Only what the public page shows at this moment goes in: published public releases.
 */
export async function writeReleaseSite(
  deps: SiteDeps,
  out: string,
  onProgress?: (progress: Progress) => void,
): Promise<SiteSummary> {
  await mustBeEmpty(out);
  const rows = await visibleReleases(deps.db, { kind: 'public' }, deps.clock.now());
  const releases = await Promise.all(rows.map((r) => sharedReleaseJson(deps.db, r)));
  const copies = await mediaFiles(deps, rows, releases);
  const progress = new ProgressTracker(() => Date.now());
  progress.phase = 'exporting';
  progress.filesTotal = copies.length;
  progress.bytesTotal = 0;
  for (const c of copies) progress.bytesTotal += (await fs.stat(c.from)).size;
  const written: string[] = [];
  const write = async (rel: string, data: string | Buffer): Promise<void> => {
    const file = path.join(out, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data, { flag: 'wx' });
    written.push(rel);
  };
  const copy = async (from: string, rel: string): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(out, rel)), { recursive: true });
    await fs.copyFile(from, path.join(out, rel), fs.constants.COPYFILE_EXCL);
    written.push(rel);
  };
  await copy(RELEASE_CSS, 'style.css');
  for (const c of copies) {
    await copy(c.from, c.rel);
    progress.filesDone += 1;
    progress.bytesDone += (await fs.stat(c.from)).size;
    onProgress?.(progress.snapshot());
  }
  for (const lang of LANGUAGES) await writeLanguage(write, lang, releases);
  await write('index.html', rootPage());
  const sums = await Promise.all(
    written.map(async (rel) => `${await sha256File(path.join(out, rel))}  ${rel}`),
  );
  await write(
    'SHA256SUMS',
    `${sums.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join('\n')}\n`,
  );
  let bytes = 0;
  for (const rel of written) bytes += (await fs.stat(path.join(out, rel))).size;
  progress.phase = 'done';
  onProgress?.(progress.snapshot());
  return {
    releases: releases.length,
    videos: releases.reduce((n, r) => n + r.videos.length, 0),
    files: written.length,
    bytes,
  };
}

/** Each released video and its poster: where they are, and where they go in the site. */
async function mediaFiles(
  deps: SiteDeps,
  rows: readonly ReleaseTable[],
  releases: readonly SharedReleaseJson[],
): Promise<{ from: string; rel: string }[]> {
  const files: { from: string; rel: string }[] = [];
  for (const [i, r] of releases.entries()) {
    const release = rows[i];
    if (release === undefined) continue;
    const opened = { release, recipient: 'public', accountId: null, linkId: null, expiresAt: null };
    for (const v of r.videos) {
      const video = await releasedVideo(deps.db, opened, v.position);
      const dir = `media/${r.id}`;
      const n = String(v.position);
      files.push(
        {
          from: redactionPath(deps.derivativesDir, video.redactionId, video.version),
          rel: `${dir}/video-${n}.mp4`,
        },
        {
          from: redactionPosterPath(deps.derivativesDir, video.redactionId, video.version),
          rel: `${dir}/poster-${n}.jpg`,
        },
      );
    }
  }
  return files;
}

async function writeLanguage(
  write: (rel: string, data: string) => Promise<void>,
  lang: PublicLanguage,
  releases: readonly SharedReleaseJson[],
): Promise<void> {
  const t = releaseTexts(lang);
  const other: PublicLanguage = lang === 'ru' ? 'en' : 'ru';
  const base = { css: '../style.css' };
  await write(
    `${lang}/index.html`,
    shell(
      t,
      lang,
      { ...base, switchTo: { href: `../${other}/index.html`, language: other } },
      t('list.title'),
      listBody(t, lang, releases, { release: (id) => `${id}.html` }),
    ),
  );
  for (const r of releases) {
    const media = `../media/${r.id}`;
    const urls: PageUrls = {
      ...base,
      index: 'index.html',
      release: (id) => `${id}.html`,
      video: (n) => `${media}/video-${String(n)}.mp4`,
      poster: (n) => `${media}/poster-${String(n)}.jpg`,
      download: null,
      switchTo: { href: `../${other}/${r.id}.html`, language: other },
    };
    await write(
      `${lang}/${r.id}.html`,
      shell(t, lang, urls, r.title, releaseBody(t, lang, r, urls)),
    );
  }
}

function rootPage(): string {
  return `<!doctype html>${
    html`<html lang="ru">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Опубликованные материалы · Released evidence</title>
        <link rel="stylesheet" href="style.css" />
      </head>
      <body>
        <main>
          <p><a href="ru/index.html" lang="ru">Русский</a></p>
          <p><a href="en/index.html" lang="en">English</a></p>
        </main>
      </body>
    </html>`.value
  }\n`;
}

async function mustBeEmpty(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      await fs.mkdir(out, { recursive: true });
      return;
    }
    throw e;
  }
  if (entries.length > 0)
    throw new CustodyError('EXPORT.TARGET_NOT_EMPTY', 'The site folder exists and is not empty.', {
      hint: 'Name a new folder, or empty this one first.',
    });
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file);
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}
