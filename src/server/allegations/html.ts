import type { PublicLanguage } from '../../db/allegations-schema.ts';
import type { Texts } from './texts.ts';

/**
 * HTML for the public pages, written on the server: a tagged template that escapes every
 * value unless it is already Html. Submitters' text is hostile input like any other.
 */

export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

type Content = Html | string | number | null | undefined | false | readonly Content[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: Content): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  return value.map(render).join('');
}

export function html(strings: TemplateStringsArray, ...values: Content[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Text with its line breaks kept (CSS white-space: pre-wrap does the rest). */
export function paragraphs(text: string): Html {
  return html`<div class="text">${text}</div>`;
}

export const ASSETS = '/report/assets';

/**
 * The page around the content: no inline script or style (the CSP allows only our own files),
 * no referrer, nothing loaded from elsewhere. `switchTo` links the same page in the other
 * language; pages that show a receipt or a thread have none, as leaving them loses what they show.
 */
export function page(
  t: Texts,
  language: PublicLanguage,
  opts: { title: string; body: Html; switchTo?: { href: string; language: PublicLanguage } },
): string {
  const other = opts.switchTo;
  return `<!doctype html>${
    html`<html lang="${language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>${opts.title} · ${t('site.title')}</title>
        <link rel="stylesheet" href="${ASSETS}/report.css" />
        <script src="${ASSETS}/report.js" defer></script>
      </head>
      <body>
        <header class="top">
          <p class="site">${t('site.title')}</p>
          ${
            other === undefined
              ? null
              : html`<a
                  class="switch"
                  href="${other.href}"
                  lang="${other.language}"
                  hreflang="${other.language}"
                  >${other.language === 'ru' ? 'Русский' : 'English'}</a
                >`
          }
        </header>
        <main id="main">${opts.body}</main>
        <footer class="bottom"><p>${t('site.privacy')}</p></footer>
      </body>
    </html>`.value
  }\n`;
}
