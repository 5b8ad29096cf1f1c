import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { canWrite } from '../api.ts';
import { useTitle } from '../components/Layout.tsx';
import { ListState } from '../components/ListState.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { PublishedBadge, ReleaseStatusBadge } from '../components/RedactionBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import { RELEASE_STATUSES, releasesApi, type ReleaseStatus } from '../releases-api.ts';
import '../releases.css';

/** How many rendered redactions wait for a reviewer: the way into the review queue. */
function QueueLink(): ReactNode {
  const { t } = useI18n();
  const queue = useQuery({
    queryKey: ['redactions', { status: 'rendered' }],
    queryFn: async () => (await releasesApi.redactions({ status: 'rendered' })).redactions,
  });
  return (
    <nav className="release-subnav" aria-label={t('releases.subnav')}>
      <Link to="/redactions" search={{}}>
        {t('releases.redactions')}
      </Link>
      <Link to="/redactions" search={{ status: 'rendered' }} data-testid="queue-link">
        {t('releases.queue')}
        {queue.data !== undefined && queue.data.length > 0 && (
          <span className="badge badge-warning">{queue.data.length}</span>
        )}
      </Link>
    </nav>
  );
}

function ReleaseList({ mayWrite }: { mayWrite: boolean }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const { status } = useSearch({ from: '/releases' });
  const navigate = useNavigate({ from: '/releases' });
  const query = useQuery({
    queryKey: ['releases', { status }],
    queryFn: async () => (await releasesApi.releases({ status })).releases,
  });
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('releases.title')}</h1>
        {mayWrite && (
          <Link to="/releases/new" className="button">
            {t('releases.new')}
          </Link>
        )}
      </div>
      <p className="lead">{t('releases.intro')}</p>
      <QueueLink />
      <label className="filter">
        <span>{t('releases.filter.status')}</span>
        <select
          name="status"
          value={status ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            void navigate({
              search: {
                status: (RELEASE_STATUSES as readonly string[]).includes(v)
                  ? (v as ReleaseStatus)
                  : undefined,
              },
            });
          }}
        >
          <option value="">{t('releases.filter.any')}</option>
          {RELEASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`release.status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <ListState query={query} failed={t('releases.failed')} empty={t('releases.empty')}>
        {(rows) => (
          <div className="table-wrap">
            <table className="table" data-testid="releases-table">
              <caption className="sr-only">{t('releases.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('releases.col.title')}</th>
                  <th scope="col">{t('releases.col.status')}</th>
                  <th scope="col">{t('releases.col.audience')}</th>
                  <th scope="col">{t('releases.col.embargo')}</th>
                  <th scope="col">{t('releases.col.changed')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to="/releases/$id" params={{ id: r.id }}>
                        <Untrusted>{r.title}</Untrusted>
                      </Link>
                    </td>
                    <td>
                      <ReleaseStatusBadge status={r.status} />{' '}
                      <PublishedBadge
                        status={r.status}
                        published={r.published}
                        embargoAt={r.embargoAt}
                      />
                    </td>
                    <td>{t(`release.audience.${r.audience}`)}</td>
                    <td className="nowrap">
                      <time dateTime={r.embargoAt}>{i18n.dateTimeZone(r.embargoAt)}</time>
                    </td>
                    <td className="nowrap">
                      <time dateTime={r.updatedAt}>{i18n.dateTime(r.updatedAt)}</time>
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

export function ReleasesPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('releases.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <ReleaseList mayWrite={canWrite(me)} />}
    </Protected>
  );
}
