import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { api, type TimelineEntry } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { StatusBadge } from './Incidents.tsx';

/** The first moment of a month (YYYY-MM), in UTC, as the server groups by. */
const monthStart = (month: string): string => `${month}-01T00:00:00.000Z`;

/** The first moment of the month after (YYYY-MM). */
function nextMonthStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 1)).toISOString();
}

interface Row {
  readonly key: string;
  readonly facility: string | null;
  readonly cells: ReadonlyMap<string, TimelineEntry[]>;
}

/** Months that have incidents (oldest first) and one row per facility (none last). */
function grid(entries: readonly TimelineEntry[]): { months: string[]; rows: Row[] } {
  const months = [...new Set(entries.map((e) => e.month))].sort();
  const byFacility = new Map<
    string,
    { facility: string | null; cells: Map<string, TimelineEntry[]> }
  >();
  for (const e of entries) {
    const key = e.facilityId ?? '';
    let row = byFacility.get(key);
    if (row === undefined) {
      row = { facility: e.facility, cells: new Map() };
      byFacility.set(key, row);
    }
    const cell = row.cells.get(e.month);
    if (cell === undefined) row.cells.set(e.month, [e]);
    else cell.push(e);
  }
  const rows = [...byFacility.entries()]
    .map(([key, row]) => ({ key, ...row }))
    .sort((a, b) =>
      a.facility === null
        ? 1
        : b.facility === null
          ? -1
          : a.facility.localeCompare(b.facility) || a.key.localeCompare(b.key),
    );
  return { months, rows };
}

function TimelineView(): ReactNode {
  const { t, language, plural } = useI18n();
  const search = useSearch({ from: '/incidents/timeline' });
  const navigate = useNavigate({ from: '/incidents/timeline' });
  const range = {
    from: search.from === undefined ? undefined : monthStart(search.from),
    to: search.to === undefined ? undefined : nextMonthStart(search.to),
  };
  const query = useQuery({
    queryKey: ['incidents', 'timeline', range],
    queryFn: () => api.timeline(range),
    placeholderData: keepPreviousData,
  });
  const { months, rows } = useMemo(() => grid(query.data ?? []), [query.data]);
  const monthName = useMemo(() => {
    const format = new Intl.DateTimeFormat(language, {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    return (month: string): string => format.format(new Date(monthStart(month)));
  }, [language]);

  const setMonth = (name: 'from' | 'to', value: string): void => {
    const month = /^\d{4}-\d{2}$/.test(value) ? value : undefined;
    void navigate({ search: (prev) => ({ ...prev, [name]: month }), replace: true });
  };

  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError)
    body = (
      <ErrorBox
        title={t('timeline.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (months.length === 0)
    body = (
      <div className="empty">
        <p className="empty-title">{t('timeline.empty')}</p>
        <p>{t('timeline.empty.hint')}</p>
      </div>
    );
  else
    body = (
      <>
        <div
          className={`table-wrap timeline-wrap${query.isPlaceholderData ? ' stale' : ''}`}
          role="region"
          aria-label={t('timeline.title')}
          tabIndex={0}
        >
          <table className="table timeline-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('timeline.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('incident.facility')}</th>
                {months.map((m) => (
                  <th key={m} scope="col" data-month={m}>
                    {monthName(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-facility={row.key === '' ? 'none' : row.key}>
                  <th scope="row">
                    {row.facility === null ? (
                      <span className="muted">{t('timeline.noFacility')}</span>
                    ) : (
                      <Untrusted>{row.facility}</Untrusted>
                    )}
                  </th>
                  {months.map((m) => {
                    const cell = row.cells.get(m) ?? [];
                    return (
                      <td key={m} data-month={m}>
                        {cell.length > 0 && (
                          <ul className="timeline-cell">
                            {cell.map((e) => (
                              <li key={e.id}>
                                <Link
                                  to="/incidents/$id"
                                  params={{ id: e.id }}
                                  className="item-link"
                                >
                                  <Untrusted>{e.title}</Untrusted>
                                </Link>{' '}
                                <StatusBadge status={e.status} />
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-footer">
          <span role="status">{plural('incidents.shown', query.data.length)}</span>
        </div>
      </>
    );

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('timeline.title')}</h1>
        <div className="head-actions">
          <Link to="/incidents" search={{}}>
            {t('timeline.toList')}
          </Link>
        </div>
      </div>
      <p className="lead">{t('timeline.intro')}</p>
      <div className="filters timeline-filters">
        <label className="inline-field">
          <span>{t('timeline.from')}</span>
          <input
            type="month"
            name="from"
            value={search.from ?? ''}
            onChange={(e) => {
              setMonth('from', e.target.value);
            }}
          />
        </label>
        <label className="inline-field">
          <span>{t('timeline.to')}</span>
          <input
            type="month"
            name="to"
            value={search.to ?? ''}
            onChange={(e) => {
              setMonth('to', e.target.value);
            }}
          />
        </label>
        {(search.from !== undefined || search.to !== undefined) && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              void navigate({ search: {}, replace: true });
            }}
          >
            {t('timeline.allMonths')}
          </button>
        )}
      </div>
      {body}
    </div>
  );
}

export function TimelinePage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('timeline.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>{() => <TimelineView />}</Protected>
  );
}
