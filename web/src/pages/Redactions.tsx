import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTitle } from '../components/Layout.tsx';
import { ListState } from '../components/ListState.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { RedactionStatusBadge } from '../components/RedactionBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import { REDACTION_STATUSES, releasesApi, type RedactionStatus } from '../releases-api.ts';
import '../releases.css';

/** Redactions, newest change first; filtered to "rendered", the review queue. */
function RedactionList(): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const { status } = useSearch({ from: '/redactions' });
  const navigate = useNavigate({ from: '/redactions' });
  const query = useQuery({
    queryKey: ['redactions', { status }],
    queryFn: async () => (await releasesApi.redactions({ status })).redactions,
  });
  return (
    <div className="page">
      <p className="back">
        <Link to="/releases" search={{}}>
          {t('releases.back')}
        </Link>
      </p>
      <div className="page-head">
        <h1>{status === 'rendered' ? t('redactions.queue') : t('redactions.title')}</h1>
      </div>
      <p className="lead">{t('redactions.intro')}</p>
      <div className="filters-row">
        <label className="filter">
          <span>{t('redactions.filter.status')}</span>
          <select
            name="status"
            value={status ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              void navigate({
                search: {
                  status: (REDACTION_STATUSES as readonly string[]).includes(v)
                    ? (v as RedactionStatus)
                    : undefined,
                },
              });
            }}
          >
            <option value="">{t('redactions.filter.any')}</option>
            {REDACTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`redaction.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {status !== 'rendered' && (
          <Link
            to="/redactions"
            search={{ status: 'rendered' }}
            className="button button-secondary"
          >
            {t('redactions.toQueue')}
          </Link>
        )}
      </div>
      <ListState
        query={query}
        failed={t('redactions.failed')}
        empty={status === 'rendered' ? t('redactions.queue.empty') : t('redactions.empty')}
      >
        {(rows) => (
          <div className="table-wrap">
            <table className="table" data-testid="redactions-table">
              <caption className="sr-only">{t('redactions.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('redactions.col.redaction')}</th>
                  <th scope="col">{t('redactions.col.status')}</th>
                  <th scope="col" className="num">
                    {t('redactions.col.masks')}
                  </th>
                  <th scope="col" className="num">
                    {t('redactions.col.flagged')}
                  </th>
                  <th scope="col">{t('redactions.col.changed')}</th>
                  <th scope="col">{t('redactions.col.item')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to="/redactions/$id" params={{ id: r.id }}>
                        {r.title === '' ? (
                          t('redactions.untitled', { id: r.id.slice(0, 8) })
                        ) : (
                          <Untrusted>{r.title}</Untrusted>
                        )}
                      </Link>{' '}
                      <span className="muted small">
                        {t('redaction.version', { n: r.version })}
                      </span>
                    </td>
                    <td>
                      <RedactionStatusBadge status={r.status} />
                    </td>
                    <td className="num">{r.spec.masks.length}</td>
                    <td className="num">
                      {r.render === null ? (
                        <span className="muted">{t('common.none')}</span>
                      ) : r.facesFlagged > 0 ? (
                        <span className="badge badge-warning">{r.facesFlagged}</span>
                      ) : (
                        '0'
                      )}
                    </td>
                    <td className="nowrap">
                      <time dateTime={r.updatedAt}>{i18n.dateTime(r.updatedAt)}</time>{' '}
                      <span className="muted small">
                        <Untrusted>{r.updatedBy}</Untrusted>
                      </span>
                    </td>
                    <td>
                      <Link to="/items/$id" params={{ id: r.itemId }} search={{}}>
                        <code>{r.itemId.slice(0, 8)}</code>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListState>
    </div>
  );
}

export function RedactionsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('redactions.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>{() => <RedactionList />}</Protected>
  );
}
