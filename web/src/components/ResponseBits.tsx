import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../api.ts';
import { useI18n, type I18n } from '../i18n/index.tsx';
import {
  RESPONSE_PERSON_ROLES,
  responsesApi,
  type Claim,
  type ResponseListEntry,
  type ResponsePersonRole,
  type ResponseType,
  type SourceRef,
} from '../responses-api.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { Untrusted } from './PathText.tsx';
import '../responses.css';

/**
 * What the sources, claims, responses and accountability pages share: days, links out to
 * sources, the records to choose links from, and the small section navigation.
 */

/** A calendar day ('YYYY-MM-DD', as reports give it) in the reader's language; no time zone. */
export function formatDay(i18n: I18n, day: string | null): string {
  if (day === null) return i18n.t('common.none');
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

export function Day({ day }: { day: string | null }): ReactNode {
  const i18n = useI18n();
  if (day === null) return <span className="muted">{i18n.t('responses.noDate')}</span>;
  return <time dateTime={day}>{formatDay(i18n, day)}</time>;
}

/** A figure in the reader's language (a decimal comma in Russian). */
export function formatFigure(i18n: I18n, figure: number): string {
  return i18n.number(figure, { maximumFractionDigits: 6 });
}

/** Only http(s) addresses become links (the server accepts no others; this checks again). */
export function safeUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * A link out of the archive: a new tab, and no referrer, so the outlet does not learn the
 * archive's address. Shows the host; the whole address is its title.
 */
export function ExternalLink({
  url,
  label,
}: {
  url: string | null;
  label?: string | undefined;
}): ReactNode {
  const { t } = useI18n();
  const href = safeUrl(url);
  if (href === null) return <span className="muted">{t('sources.noLink')}</span>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      referrerPolicy="no-referrer"
      title={href}
      className="external-link"
    >
      <bdi dir="ltr">{label ?? hostOf(href)}</bdi>
      <span className="sr-only"> {t('sources.opensElsewhere')}</span>
    </a>
  );
}

/** "Outlet, 20 Jul 2018, link": where a claim or response comes from. */
export function SourceCite({ source }: { source: SourceRef }): ReactNode {
  const { t } = useI18n();
  return (
    <span className="source-cite">
      <Link to="/sources/$id" params={{ id: source.id }} className="source-outlet">
        <Untrusted>{source.outlet === '' ? t('sources.untitled') : source.outlet}</Untrusted>
      </Link>
      {source.publishedOn !== null && (
        <>
          {', '}
          <Day day={source.publishedOn} />
        </>
      )}
      {safeUrl(source.url) !== null && (
        <>
          {', '}
          <ExternalLink url={source.url} />
        </>
      )}
    </span>
  );
}

export function ResponseTypeBadge({ type }: { type: ResponseType }): ReactNode {
  const { t } = useI18n();
  return <span className={`badge response-type rt-${type}`}>{t(`responseType.${type}`)}</span>;
}

export function roleLabel(i18n: I18n, role: string): string {
  return (RESPONSE_PERSON_ROLES as readonly string[]).includes(role)
    ? i18n.t(`responseRole.${role as ResponsePersonRole}`)
    : role;
}

/** How a response is named in a list to choose from: type, day and the start of its summary. */
export function responseLabel(i18n: I18n, r: ResponseListEntry): string {
  const summary = r.summary.length > 60 ? `${r.summary.slice(0, 60)}…` : r.summary;
  return [
    i18n.t(`responseType.${r.type}`),
    r.date === null ? null : formatDay(i18n, r.date),
    summary,
  ]
    .filter((x) => x !== null && x !== '')
    .join(' · ');
}

export interface Option {
  readonly id: string;
  readonly label: string;
}

/** Incidents to link to (the 500 latest), by title. */
export function useIncidentOptions() {
  return useQuery({
    queryKey: ['incidents', 'options'],
    queryFn: async () =>
      (await api.incidents({}, null, 500)).incidents.map((i) => ({ id: i.id, label: i.title })),
    staleTime: 30_000,
  });
}

/** People by pseudonym (the same list the incident page uses). */
export function usePeopleOptions() {
  return useQuery({
    queryKey: ['people'],
    queryFn: async () => (await api.people(null, 500)).people,
    staleTime: 30_000,
  });
}

export function useOrganisations() {
  return useQuery({ queryKey: ['organisations'], queryFn: api.organisations, staleTime: 30_000 });
}

export function useResponses() {
  return useQuery({
    queryKey: ['responses', 'list', {}],
    queryFn: () => responsesApi.responses({}),
    staleTime: 30_000,
  });
}

/**
 * Records chosen from a list (incidents, people, organisations, responses): the chosen ones
 * with a button each to remove them, then a select of the others and a button to add one.
 */
export function PickList({
  label,
  options,
  value,
  onChange,
  loading = false,
  error,
  failed,
  help,
}: {
  label: string;
  options: readonly Option[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  loading?: boolean;
  error?: unknown;
  failed?: string;
  help?: string;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const [pick, setPick] = useState('');
  const labels = new Map(options.map((o) => [o.id, o.label]));
  const rest = options.filter((o) => !value.includes(o.id));
  return (
    <fieldset className="pick-list">
      <legend>
        {label} <span className="field-optional">{t('common.optional')}</span>
      </legend>
      {help !== undefined && <p className="field-help">{help}</p>}
      {value.length > 0 && (
        <ul className="picked">
          {value.map((v) => (
            <li key={v}>
              <Untrusted>{labels.get(v) ?? v}</Untrusted>{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onChange(value.filter((x) => x !== v));
                }}
              >
                {t('pick.remove')}
                <span className="sr-only"> {labels.get(v) ?? v}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {loading && <p className="loading">{t('common.loading')}</p>}
      {error !== undefined && error !== null && (
        <ErrorBox title={failed ?? t('pick.failed')} error={error} />
      )}
      {!loading && (
        <div className="pick-row">
          <label className="sr-only" htmlFor={id}>
            {t('pick.choose', { what: label })}
          </label>
          <select
            id={id}
            value={pick}
            disabled={rest.length === 0}
            onChange={(e) => {
              setPick(e.target.value);
            }}
          >
            <option value="">
              {options.length === 0
                ? t('pick.noneYet')
                : rest.length === 0
                  ? t('pick.noMore')
                  : t('pick.placeholder')}
            </option>
            {rest.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button-secondary"
            disabled={pick === ''}
            onClick={() => {
              if (pick !== '' && !value.includes(pick)) onChange([...value, pick]);
              setPick('');
            }}
          >
            {t('pick.add')}
            <span className="sr-only"> {label}</span>
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** What a claim states beside its quote: the summary, the figure in its unit, the day. */
export function ClaimFacts({ claim }: { claim: Claim }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  if (claim.summary === '' && claim.figure === null && claim.claimedDate === null) return null;
  return (
    <p className="claim-facts">
      {claim.summary !== '' && (
        <span className="claim-summary">
          <Untrusted>{claim.summary}</Untrusted>
        </span>
      )}
      {claim.figure !== null && (
        <span className="claim-figure">
          {t('claims.figureShown', {
            figure: formatFigure(i18n, claim.figure),
            unit: claim.figureUnit,
          })}
        </span>
      )}
      {claim.claimedDate !== null && (
        <span className="claim-date">
          {t('claims.claimedDate')}: <Day day={claim.claimedDate} />
        </span>
      )}
    </p>
  );
}
