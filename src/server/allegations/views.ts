import type { SubmitterView } from '../../core/allegations/views.ts';
import { ACCOUNT_MAX, MESSAGE_MAX } from '../../core/allegations/inputs.ts';
import type { PublicLanguage } from '../../db/allegations-schema.ts';
import { html, paragraphs, type Html } from './html.ts';
import type { Texts } from './texts.ts';

/** The public pages' content: the form, the receipt, the follow-up form and the thread. */

export const UPLOAD_ENDPOINT = '/api/public/uploads';

export interface ReportValues {
  readonly account: string;
  readonly facility: string;
  readonly occurredOn: string;
  readonly people: string;
}

export const EMPTY_REPORT: ReportValues = { account: '', facility: '', occurredOn: '', people: '' };

const withLang = (path: string, language: PublicLanguage): string => `${path}?lang=${language}`;

function field(opts: {
  id: string;
  name: string;
  label: string;
  help?: string;
  optional?: string;
  error?: string | null;
  control: Html;
}): Html {
  return html`<div class="field${opts.error ? ' invalid' : ''}">
    <label for="${opts.id}"
      >${opts.label}${opts.optional === undefined ? null : html` <span class="optional">${opts.optional}</span>`}</label
    >
    ${opts.help === undefined ? null : html`<p class="help" id="${opts.id}-help">${opts.help}</p>`}
    ${opts.control}
    ${opts.error ? html`<p class="error" id="${opts.id}-error" role="alert">${opts.error}</p>` : null}
  </div>`;
}

const describedBy = (id: string, help: boolean, error: boolean): string =>
  [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter((s) => s !== '').join(' ');

/**
 * Where files are sent: shown (and working) only with JavaScript, which sends each file in
 * chunks with tus and resumes after a dropped connection. The token lets this page start
 * uploads for this allegation and nothing else; it is not the receipt code.
 */
export function uploadSection(
  t: Texts,
  opts: { token: string; chunkBytes: number; sent?: readonly { name: string; size: number }[] },
): Html {
  return html`<section
      class="uploads"
      hidden
      data-upload-token="${opts.token}"
      data-endpoint="${UPLOAD_ENDPOINT}"
      data-chunk="${opts.chunkBytes}"
      data-t-waiting="${t('files.waiting')}"
      data-t-uploading="${t('files.uploading')}"
      data-t-retrying="${t('files.retrying')}"
      data-t-done="${t('files.done')}"
      data-t-failed="${t('files.failed')}"
      aria-labelledby="files-title"
    >
      <h2 id="files-title">${t('files.title')}</h2>
      <p class="help">${t('files.keepOpen')}</p>
      <ul class="upload-list" aria-live="polite"></ul>
      <div class="field">
        <label for="more-files">${t('files.add')}</label>
        <input type="file" id="more-files" multiple />
      </div>
      <p><button type="button" class="send-files">${t('files.send')}</button></p>
    </section>
    <noscript><p class="note">${t('files.noscript')}</p></noscript>`;
}

export function reportForm(
  t: Texts,
  language: PublicLanguage,
  values: ReportValues,
  errors: { account?: string | null; form?: string | null } = {},
): Html {
  const accountError = errors.account ?? null;
  return html`<h1>${t('report.title')}</h1>
    <p class="lead">${t('report.intro')}</p>
    <section class="safety" aria-labelledby="safety-title">
      <h2 id="safety-title">${t('report.safety.title')}</h2>
      <ul>
        <li>${t('report.safety.device')}</li>
        <li>${t('report.safety.name')}</li>
        <li>${t('report.safety.receipt')}</li>
      </ul>
    </section>
    ${errors.form ? html`<p class="error box" role="alert">${errors.form}</p>` : null}
    <form method="post" action="${withLang('/report', language)}" class="report" data-enhance>
      <input type="hidden" name="lang" value="${language}" />
      ${field({
        id: 'account',
        name: 'account',
        label: t('report.account'),
        help: t('report.account.help'),
        error: accountError,
        control: html`<textarea
          id="account"
          name="account"
          rows="10"
          required
          maxlength="${ACCOUNT_MAX}"
          aria-describedby="${describedBy('account', true, accountError !== null)}"
          ${accountError === null ? null : html`aria-invalid="true"`}
        >
${values.account}</textarea>`,
      })}
      ${field({
        id: 'facility',
        name: 'facility',
        label: t('report.facility'),
        help: t('report.facility.help'),
        optional: t('optional'),
        control: html`<input
          id="facility"
          name="facility"
          maxlength="300"
          autocomplete="off"
          aria-describedby="facility-help"
          value="${values.facility}"
        />`,
      })}
      ${field({
        id: 'occurredOn',
        name: 'occurredOn',
        label: t('report.occurred'),
        help: t('report.occurred.help'),
        optional: t('optional'),
        control: html`<input
          id="occurredOn"
          name="occurredOn"
          maxlength="200"
          autocomplete="off"
          aria-describedby="occurredOn-help"
          value="${values.occurredOn}"
        />`,
      })}
      ${field({
        id: 'people',
        name: 'people',
        label: t('report.people'),
        help: t('report.people.help'),
        optional: t('optional'),
        control: html`<textarea
          id="people"
          name="people"
          rows="4"
          maxlength="5000"
          aria-describedby="people-help"
        >
${values.people}</textarea>`,
      })}
      <div class="field js-only" hidden>
        <label for="files"
          >${t('report.files')} <span class="optional">${t('optional')}</span></label
        >
        <p class="help" id="files-help">${t('report.files.help')}</p>
        <input type="file" id="files" multiple data-files aria-describedby="files-help" />
      </div>
      <noscript><p class="note">${t('report.files.noscript')}</p></noscript>
      <p
        class="status"
        role="status"
        data-t-sending="${t('report.sending')}"
        data-t-network="${t('report.error.network')}"
      ></p>
      <p><button type="submit">${t('report.send')}</button></p>
    </form>
    <p><a href="${withLang('/report/follow-up', language)}">${t('report.followUp')}</a></p>`;
}

export function receiptPage(
  t: Texts,
  language: PublicLanguage,
  opts: { receipt: string; token: string; chunkBytes: number },
): Html {
  return html`<h1>${t('receipt.title')}</h1>
    <section class="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title">${t('receipt.code')}</h2>
      <p class="code" data-receipt translate="no">${opts.receipt}</p>
      <p class="warning"><strong>${t('receipt.warning')}</strong></p>
      <p>${t('receipt.private')}</p>
      <p>
        ${linked(t('receipt.followUp'), '{link}', withLang('/report/follow-up', language), t('receipt.followUpLink'))}
      </p>
    </section>
    ${uploadSection(t, { token: opts.token, chunkBytes: opts.chunkBytes })}`;
}

/** A sentence with one link in it, both escaped. */
function linked(sentence: string, marker: string, href: string, text: string): Html {
  const at = sentence.indexOf(marker);
  if (at < 0) return html`${sentence} <a href="${href}">${text}</a>`;
  return html`${sentence.slice(0, at)}<a href="${href}">${text}</a
    >${sentence.slice(at + marker.length)}`;
}

export function followUpForm(t: Texts, language: PublicLanguage, error: string | null): Html {
  return html`<h1>${t('followUp.title')}</h1>
    <p class="lead">${t('followUp.intro')}</p>
    <form method="post" action="${withLang('/report/follow-up', language)}" class="follow-up">
      <input type="hidden" name="lang" value="${language}" />
      ${field({
        id: 'receipt',
        name: 'receipt',
        label: t('followUp.code'),
        help: t('followUp.code.help'),
        error,
        control: html`<input
          id="receipt"
          name="receipt"
          class="code-input"
          required
          maxlength="100"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          aria-describedby="${describedBy('receipt', true, error !== null)}"
          ${error === null ? null : html`aria-invalid="true"`}
        />`,
      })}
      <p><button type="submit">${t('followUp.open')}</button></p>
    </form>
    <p><a href="${withLang('/report', language)}">${t('followUp.newReport')}</a></p>`;
}

function day(iso: string, language: PublicLanguage): string {
  return new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(iso));
}

export function threadPage(
  t: Texts,
  language: PublicLanguage,
  opts: {
    view: SubmitterView;
    receipt: string;
    token: string;
    chunkBytes: number;
    added: boolean;
    error?: string | null;
  },
): Html {
  const v = opts.view;
  const detail = (label: string, text: string): Html | null =>
    text === ''
      ? null
      : html`<dt>${label}</dt>
          <dd>${paragraphs(text)}</dd>`;
  return html`<h1>${t('thread.title')}</h1>
    <p>${t('thread.sentOn', { date: day(v.createdAt, language) })}</p>
    ${opts.added ? html`<p class="ok box" role="status">${t('thread.added')}</p>` : null}
    <section aria-labelledby="account-title">
      <h2 id="account-title">${t('thread.account')}</h2>
      ${paragraphs(v.account)}
      <dl>
        ${detail(t('thread.facility'), v.facility)} ${detail(t('thread.occurred'), v.occurredOn)}
        ${detail(t('thread.people'), v.people)}
      </dl>
    </section>
    <section aria-labelledby="messages-title">
      <h2 id="messages-title">${t('thread.messages')}</h2>
      <ol class="messages">
        ${v.messages.map(
          (m) =>
            html`<li class="message ${m.from}">
              <p class="from">
                ${m.from === 'organisation' ? t('thread.organisation') : t('thread.you')} ·
                ${day(m.createdAt, language)}
              </p>
              ${paragraphs(m.body)}
            </li>`,
        )}
      </ol>
      ${
        v.messages.some((m) => m.from === 'organisation')
          ? null
          : html`<p class="note">${t('thread.noReply')}</p>`
      }
    </section>
    <section aria-labelledby="sent-files-title">
      <h2 id="sent-files-title">${t('thread.files')}</h2>
      ${
        v.attachments.length === 0
          ? html`<p class="note">${t('files.none')}</p>`
          : html`<ul class="sent-files">
              ${v.attachments.map((a) => html`<li><bdi>${a.name}</bdi> · ${megabytes(a.size)}</li>`)}
            </ul>`
      }
    </section>
    <form method="post" action="${withLang('/report/follow-up', language)}" class="add">
      <input type="hidden" name="lang" value="${language}" />
      <input type="hidden" name="receipt" value="${opts.receipt}" />
      ${field({
        id: 'message',
        name: 'message',
        label: t('thread.add'),
        help: t('thread.add.help'),
        error: opts.error ?? null,
        control: html`<textarea
          id="message"
          name="message"
          rows="6"
          maxlength="${MESSAGE_MAX}"
          aria-describedby="message-help"
        ></textarea>`,
      })}
      <p><button type="submit">${t('thread.send')}</button></p>
    </form>
    ${uploadSection(t, { token: opts.token, chunkBytes: opts.chunkBytes })}
    <p class="note">${t('thread.leave')}</p>`;
}

export function megabytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}
