import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import {
  Day,
  ResponseTypeBadge,
  roleLabel,
  SourceCite,
  useIncidentOptions,
} from '../components/ResponseBits.tsx';
import { ResponseTabs } from '../components/ResponseNav.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  RESPONSE_TYPES,
  responsesApi,
  type AccountabilityIncident,
  type AccountabilityResponse,
  type AccountabilityScope,
  type AccountabilityView,
} from '../responses-api.ts';
import { actLabel, useFacilities, useViolationTypes } from './IncidentForm.tsx';
import { StatusBadge } from './Incidents.tsx';
import type { IncidentStatus } from '../api.ts';

function IncidentEntry({ entry }: { entry: AccountabilityIncident }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const types = useViolationTypes();
  return (
    <>
      <p className="acc-entry-head">
        <span className="badge acc-kind acc-kind-incident">{t('accountability.incident')}</span>{' '}
        <Link to="/incidents/$id" params={{ id: entry.id }} className="acc-entry-title">
          <Untrusted>{entry.title}</Untrusted>
        </Link>{' '}
        <StatusBadge status={entry.status as IncidentStatus} />
      </p>
      <p className="acc-entry-details">
        {entry.startsAt !== null && <span>{i18n.dateTimeZone(entry.startsAt)}</span>}
        {entry.facility !== null && (
          <span>
            <Untrusted>{entry.facility}</Untrusted>
          </span>
        )}
        {entry.acts.length > 0 && (
          <span>{entry.acts.map((code) => actLabel(i18n, types.data, code)).join(', ')}</span>
        )}
      </p>
    </>
  );
}

function ResponseEntry({ entry }: { entry: AccountabilityResponse }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      <p className="acc-entry-head">
        <ResponseTypeBadge type={entry.type} />{' '}
        <Link to="/responses/$id" params={{ id: entry.id }} className="acc-entry-title">
          <Untrusted>{entry.summary === '' ? t('response.noSummary') : entry.summary}</Untrusted>
        </Link>
      </p>
      <p className="acc-entry-details">
        {entry.actingBody !== null && (
          <span>
            {t('response.actingBody')}: <Untrusted>{entry.actingBody}</Untrusted>
          </span>
        )}
        {entry.people.length > 0 && (
          <span>
            {entry.people.map((p, k) => (
              <span key={k}>
                {k > 0 && ', '}
                <Untrusted>{p.pseudonym}</Untrusted> ({roleLabel(i18n, p.role)})
              </span>
            ))}
          </span>
        )}
      </p>
      {entry.sources.length > 0 && (
        <ul className="acc-sources">
          {entry.sources.map((s) => (
            <li key={s.id}>
              <SourceCite source={s} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Counts({ view }: { view: AccountabilityView }): ReactNode {
  const { t, plural } = useI18n();
  return (
    <section aria-labelledby="acc-counts-h" className="acc-counts">
      <h2 id="acc-counts-h">{t('accountability.counts')}</h2>
      <p>
        {plural('accountability.incidents', view.counts.incidents)}
        {' · '}
        {plural('accountability.responses', view.counts.responses)}
      </p>
      <table className="table acc-types">
        <caption className="sr-only">{t('accountability.byType')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('response.type')}</th>
            <th scope="col" className="num">
              {t('accountability.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {RESPONSE_TYPES.map((rt) => (
            <tr key={rt} className={view.counts.byType[rt] === 0 ? 'acc-zero' : undefined}>
              <th scope="row">{t(`responseType.${rt}`)}</th>
              <td className="num">{view.counts.byType[rt]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function View({ scope }: { scope: AccountabilityScope }): ReactNode {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: ['accountability', scope],
    queryFn: () => responsesApi.accountability(scope),
    placeholderData: keepPreviousData,
  });
  if (query.isPending)
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  if (query.isError)
    return (
      <ErrorBox
        title={t('accountability.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  const view = query.data;
  return (
    <div className={`acc-view${query.isPlaceholderData ? ' stale' : ''}`}>
      <div className="acc-head">
        <h2>
          <span className="muted">
            {view.scope.kind === 'facility'
              ? t('accountability.scope.facility')
              : t('accountability.scope.incident')}
            :
          </span>{' '}
          <Untrusted>{view.scope.name}</Untrusted>
        </h2>
        <div className="acc-downloads">
          <a
            className="button button-secondary"
            href={responsesApi.accountabilityCsvUrl(scope)}
            download="accountability.csv"
          >
            {t('accountability.csv')}
          </a>
          <a
            className="button button-secondary"
            href={responsesApi.accountabilityJsonUrl(scope)}
            download="accountability.json"
          >
            {t('accountability.json')}
          </a>
        </div>
      </div>
      <div className="acc-grid">
        <section aria-labelledby="acc-timeline-h">
          <h2 id="acc-timeline-h">{t('accountability.timeline')}</h2>
          {view.timeline.length === 0 ? (
            <p className="muted">{t('accountability.emptyTimeline')}</p>
          ) : (
            <ol className="acc-timeline">
              {view.timeline.map((entry) => (
                <li key={`${entry.kind}-${entry.id}`} className={`acc-entry acc-${entry.kind}`}>
                  <p className="acc-date">
                    <Day day={entry.date} />
                  </p>
                  <div className="acc-body">
                    {entry.kind === 'incident' ? (
                      <IncidentEntry entry={entry} />
                    ) : (
                      <ResponseEntry entry={entry} />
                    )}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="acc-releases" aria-labelledby="acc-releases">
          <h2 id="acc-releases">{t('accountability.releases')}</h2>
          {view.releases.length === 0 ? (
            <p className="muted small">{t('accountability.noReleases')}</p>
          ) : (
            <ul>
              {view.releases.map((r) => (
                <li key={r.id}>
                  <strong>{r.title}</strong>{' '}
                  <span className="muted small">
                    {t('accountability.release.line', {
                      status: t(`accountability.release.${r.status}`),
                      audience: t(`accountability.audience.${r.audience}`),
                      date: r.embargoAt.slice(0, 16).replace('T', ' '),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <Counts view={view} />
      </div>
    </div>
  );
}

function AccountabilityBody(): ReactNode {
  const { t } = useI18n();
  const search = useSearch({ from: '/accountability' });
  const navigate = useNavigate({ from: '/accountability' });
  const facilities = useFacilities();
  const incidents = useIncidentOptions();
  const scope: AccountabilityScope | null =
    search.facility !== undefined
      ? { facility: search.facility }
      : search.incident !== undefined
        ? { incident: search.incident }
        : null;
  return (
    <div className="page">
      <ResponseTabs />
      <div className="page-head">
        <h1>{t('accountability.title')}</h1>
      </div>
      <p className="lead">{t('accountability.intro')}</p>
      <div className="filters acc-scope" role="group" aria-label={t('accountability.choose')}>
        <label className="inline-field">
          <span>{t('accountability.scope.facility')}</span>
          <select
            value={search.facility ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              void navigate({
                search: v === '' ? {} : { facility: v },
                replace: true,
              });
            }}
          >
            <option value="">{t('accountability.chooseFacility')}</option>
            {facilities.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{t('accountability.or')}</span>
        <label className="inline-field">
          <span>{t('accountability.scope.incident')}</span>
          <select
            value={search.incident ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              void navigate({
                search: v === '' ? {} : { incident: v },
                replace: true,
              });
            }}
          >
            <option value="">{t('accountability.chooseIncident')}</option>
            {incidents.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {facilities.isError && (
        <ErrorBox title={t('incident.facilitiesFailed')} error={facilities.error} />
      )}
      {scope === null ? (
        <div className="empty">
          <p className="empty-title">{t('accountability.none')}</p>
        </div>
      ) : (
        <View scope={scope} />
      )}
    </div>
  );
}

export function AccountabilityPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('accountability.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {() => <AccountabilityBody />}
    </Protected>
  );
}
