import type { PublicLanguage } from '../../db/allegations-schema.ts';
import type { SharedReleaseJson } from '../../core/release/shared.ts';
import { html, paragraphs, type Html } from '../allegations/html.ts';
import type { ReleaseTexts } from './texts.ts';

/**
 * HTML of the release pages, shared by the server (public pages, share links) and the static
 * site export: the addresses differ, so the caller says where things are. No script at all:
 * the content warning is a <details> element that works with JavaScript off.
 */

export interface PageUrls {
  readonly css: string;
  /** The list of releases; null where there is none (a share link shows one release). */
  readonly index: string | null;
  readonly release: (id: string) => string;
  readonly video: (n: number) => string;
  readonly poster: (n: number) => string;
  readonly download: ((n: number) => string) | null;
  /** The same page in the other language; null in the static site (one language per folder). */
  readonly switchTo: { readonly href: string; readonly language: PublicLanguage } | null;
}

export function shell(
  t: ReleaseTexts,
  language: PublicLanguage,
  urls: Pick<PageUrls, 'css' | 'switchTo'>,
  title: string,
  body: Html,
): string {
  const other = urls.switchTo;
  return `<!doctype html>${
    html`<html lang="${language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · ${t('site.title')}</title>
        <link rel="stylesheet" href="${urls.css}" />
      </head>
      <body>
        <header class="top">
          <p class="site">${t('site.title')}</p>
          ${
            other === null
              ? null
              : html`<a class="switch" href="${other.href}" lang="${other.language}"
                  >${other.language === 'ru' ? 'Русский' : 'English'}</a
                >`
          }
        </header>
        <main id="main">${body}</main>
        <footer class="bottom"><p>${t('site.about')}</p></footer>
      </body>
    </html>`.value
  }\n`;
}

function day(iso: string | null, language: PublicLanguage): string {
  if (iso === null) return '';
  return new Date(iso).toLocaleDateString(language === 'ru' ? 'ru-RU' : 'en-GB', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

export function listBody(
  t: ReleaseTexts,
  language: PublicLanguage,
  releases: readonly SharedReleaseJson[],
  urls: Pick<PageUrls, 'release'>,
): Html {
  return html`<h1>${t('list.title')}</h1>
    ${
      releases.length === 0
        ? html`<p>${t('list.empty')}</p>`
        : html`<ul class="releases">
            ${releases.map(
              (r) =>
                html`<li>
                  <a href="${urls.release(r.id)}">${r.title}</a>
                  <span class="muted"
                    >${t('release.published', { date: day(r.publishedAt, language) })}</span
                  >
                  ${r.contentWarning === '' ? null : html`<span class="warning-tag">${t('release.warning')}</span>`}
                </li>`,
            )}
          </ul>`
    }`;
}

function videoBlock(t: ReleaseTexts, r: SharedReleaseJson, urls: PageUrls): Html {
  return html`<h2>${t('release.videos')}</h2>
    ${r.videos.map(
      (v) =>
        html`<figure class="video">
          <video controls preload="none" playsinline poster="${urls.poster(v.position)}">
            <source src="${urls.video(v.position)}" type="video/mp4" />
            ${t('release.noVideo')}
          </video>
          <figcaption>
            <strong>${t('release.video', { n: v.position })}</strong>
            ${v.caption === '' ? null : html` — ${v.caption}`}
            ${
              urls.download === null
                ? null
                : html`<br /><a class="download" href="${urls.download(v.position)}" download
                      >${t('release.download.watermark')}</a
                    >`
            }
          </figcaption>
        </figure>`,
    )}`;
}

function textBlock(t: ReleaseTexts, language: PublicLanguage, r: SharedReleaseJson): Html | null {
  if (r.texts.length === 0) return null;
  return html`<h2>${t('release.texts')}</h2>
    ${r.texts.map(
      (x) =>
        html`<section class="release-text">
          ${x.heading === '' ? null : html`<h3>${x.heading}</h3>`}
          ${
            x.incident === null
              ? null
              : html`<dl class="facts">
                  ${
                    x.incident.startsAt === null
                      ? null
                      : html`<dt>${t('release.when')}</dt>
                          <dd>
                            ${day(x.incident.startsAt, language)}${x.incident.endsAt !== null && day(x.incident.endsAt, language) !== day(x.incident.startsAt, language) ? ` – ${day(x.incident.endsAt, language)}` : ''}
                          </dd>`
                  }
                  ${
                    x.incident.facility === null
                      ? null
                      : html`<dt>${t('release.where')}</dt>
                          <dd>${x.incident.facility}</dd>`
                  }
                  ${
                    x.incident.acts.length === 0
                      ? null
                      : html`<dt>${t('release.acts')}</dt>
                          <dd>${x.incident.acts.map((a) => a[language]).join(', ')}</dd>`
                  }
                </dl>`
          }
          ${paragraphs(x.body)}
        </section>`,
    )}`;
}

/** One release: title, summary, then the warning that must be passed before the videos. */
export function releaseBody(
  t: ReleaseTexts,
  language: PublicLanguage,
  r: SharedReleaseJson,
  urls: PageUrls,
  note: Html | null = null,
): Html {
  const videos = r.videos.length === 0 ? null : videoBlock(t, r, urls);
  return html`${urls.index === null ? null : html`<p><a href="${urls.index}">← ${t('release.back')}</a></p>`}
    <h1>${r.title}</h1>
    <p class="muted">${t('release.published', { date: day(r.publishedAt, language) })}</p>
    ${note} ${r.summary === '' ? null : paragraphs(r.summary)}
    ${
      r.contentWarning === '' || videos === null
        ? videos
        : html`<details class="content-warning">
            <summary>
              <strong>${t('release.warning')}:</strong> ${r.contentWarning}
              <span class="reveal">${t('release.show')}</span>
            </summary>
            ${videos}
          </details>`
    }
    ${textBlock(t, language, r)}`;
}

export function errorBody(t: ReleaseTexts): Html {
  return html`<h1>${t('error.title')}</h1>
    <p>${t('error.text')}</p>`;
}
