import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import {
  api,
  canWrite,
  INCIDENT_STATUSES,
  type Account,
  type Incident,
  type IncidentStatus,
} from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { ListFooter } from '../components/ListState.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { VerificationBadge } from '../components/VerificationBadge.tsx';
import { useI18n, type I18n } from '../i18n/index.tsx';
import { actLabel, IncidentForm, useViolationTypes } from './IncidentForm.tsx';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../verification-api.ts';

const PAGE_SIZE = 50;

export function StatusBadge({ status }: { status: IncidentStatus }): ReactNode {
  const { t } = useI18n();
  return <span className={`badge status status-${status}`}>{t(`status.${status}`)}</span>;
}

/** When an incident happened, in the reader's time zone (named), or that it is not known. */
export function when(i18n: I18n, incident: Pick<Incident, 'startsAt' | 'endsAt'>): string {
  const { startsAt, endsAt } = incident;
  if (startsAt === null && endsAt === null) return i18n.t('incident.whenUnknown');
  if (startsAt === null) return i18n.t('incident.until', { time: i18n.dateTimeZone(endsAt ?? '') });
  if (endsAt === null) return i18n.dateTimeZone(startsAt);
  return i18n.dateTimeRange(startsAt, endsAt);
}

function IncidentRow({
  incident,
}: {
  incident: Incident & { readonly verification: VerificationStatus };
}): ReactNode {
  const i18n = useI18n();
  const types = useViolationTypes();
  return (
    <tr>
      <td>
        <Link to="/incidents/$id" params={{ id: incident.id }} className="item-link">
          <Untrusted>{incident.title}</Untrusted>
        </Link>
      </td>
      <td>{when(i18n, incident)}</td>
      <td>
        {incident.facility === null ? (
          <span className="muted">{i18n.t('common.none')}</span>
        ) : (
          <Untrusted>{incident.facility}</Untrusted>
        )}
      </td>
      <td>
        <StatusBadge status={incident.status} />
      </td>
      <td>
        <VerificationBadge status={incident.verification} />
      </td>
      <td>
        {incident.acts.length === 0 ? (
          <span className="muted">{i18n.t('common.none')}</span>
        ) : (
          <ul className="chips">
            {incident.acts.map((code) => (
              <li key={code} className="chip">
                {actLabel(i18n, types.data, code)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

function IncidentsList({ me }: { me: Account }): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/incidents' });
  const navigate = useNavigate({ from: '/incidents' });
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const formBox = useRef<HTMLDivElement>(null);
  const filter = { status: search.status, verification: search.verification };
  const query = useInfiniteQuery({
    queryKey: ['incidents', 'list', filter],
    queryFn: ({ pageParam }) => api.incidents(filter, pageParam, PAGE_SIZE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });

  useEffect(() => {
    if (creating) formBox.current?.querySelector('input')?.focus();
  }, [creating]);

  const incidents = query.data?.pages.flatMap((p) => p.incidents) ?? [];
  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError && incidents.length === 0)
    body = (
      <ErrorBox
        title={t('incidents.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (incidents.length === 0)
    body =
      search.status === undefined && search.verification === undefined ? (
        <div className="empty">
          <p className="empty-title">{t('incidents.empty')}</p>
          <p>{canWrite(me) ? t('incidents.empty.hint') : t('incidents.empty.readOnly')}</p>
        </div>
      ) : (
        <div className="empty">
          <p>{t('incidents.emptyFiltered')}</p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              void navigate({ search: {}, replace: true });
            }}
          >
            {t('incidents.showAll')}
          </button>
        </div>
      );
  else
    body = (
      <>
        <div className={`table-wrap${query.isPlaceholderData ? ' stale' : ''}`}>
          <table className="table incidents-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('incidents.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('incident.title')}</th>
                <th scope="col">{t('incident.when')}</th>
                <th scope="col">{t('incident.facility')}</th>
                <th scope="col">{t('incident.status')}</th>
                <th scope="col">{t('incidents.col.verification')}</th>
                <th scope="col">{t('incident.acts')}</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((incident) => (
                <IncidentRow key={incident.id} incident={incident} />
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter
          query={query}
          shown={plural('incidents.shown', incidents.length)}
          failed={t('incidents.failed')}
        />
      </>
    );

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('incidents.title')}</h1>
        <div className="head-actions">
          <Link to="/incidents/timeline" search={{}}>
            {t('timeline.link')}
          </Link>
          <label className="inline-field">
            <span>{t('incident.status')}</span>
            <select
              name="status"
              value={search.status ?? ''}
              onChange={(e) => {
                const v = e.target.value;
                void navigate({
                  search: (prev) => ({
                    ...prev,
                    status: (INCIDENT_STATUSES as readonly string[]).includes(v)
                      ? (v as IncidentStatus)
                      : undefined,
                  }),
                  replace: true,
                });
              }}
            >
              <option value="">{t('incidents.anyStatus')}</option>
              {INCIDENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>{t('incidents.col.verification')}</span>
            <select
              name="verification"
              value={search.verification ?? ''}
              onChange={(e) => {
                const v = e.target.value;
                void navigate({
                  search: (prev) => ({
                    ...prev,
                    verification: (VERIFICATION_STATUSES as readonly string[]).includes(v)
                      ? (v as VerificationStatus)
                      : undefined,
                  }),
                  replace: true,
                });
              }}
            >
              <option value="">{t('incidents.anyVerification')}</option>
              {VERIFICATION_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`verification.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          {canWrite(me) && !creating && (
            <button
              ref={newButton}
              type="button"
              className="button"
              onClick={() => {
                setCreating(true);
              }}
            >
              {t('incidents.new')}
            </button>
          )}
        </div>
      </div>
      <p className="lead">{t('incidents.intro')}</p>
      {creating && (
        <div ref={formBox} className="form-box">
          <IncidentForm
            onCancel={() => {
              setCreating(false);
              window.setTimeout(() => newButton.current?.focus(), 0);
            }}
          />
        </div>
      )}
      {body}
    </div>
  );
}

export function IncidentsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('incidents.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <IncidentsList me={me} />}
    </Protected>
  );
}
