import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTitle } from '../components/Layout.tsx';
import { ListState } from '../components/ListState.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { releasesApi } from '../releases-api.ts';
import '../releases.css';

/** A partner's home: the releases shared with them, and nothing else of the archive. */
function SharedList(): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const query = useQuery({
    queryKey: ['shared-releases'],
    queryFn: async () => (await releasesApi.sharedReleases()).releases,
    // Asked again on return to the page: a revoked release is gone at once.
    staleTime: 0,
  });
  return (
    <div className="page page-shared">
      <h1>{t('shared.title')}</h1>
      <p className="lead">{t('shared.intro')}</p>
      <ListState query={query} failed={t('shared.failed')} empty={t('shared.empty')}>
        {(rows) => (
          <ul className="shared-list" data-testid="shared-list">
            {rows.map((r) => (
              <li key={r.id} className="shared-card">
                <h2>
                  <Link to="/shared-with-me/$id" params={{ id: r.id }}>
                    <Untrusted>{r.title}</Untrusted>
                  </Link>
                </h2>
                <p className="muted small">
                  {t('shared.publishedAt', { when: i18n.dateTimeZone(r.publishedAt) })} ·{' '}
                  {t('shared.counts', { videos: r.videos.length, texts: r.texts.length })}
                </p>
                {r.contentWarning !== '' && (
                  <p className="shared-card-warning">
                    <strong>{t('shared.warning')}:</strong>{' '}
                    <Untrusted>{r.contentWarning}</Untrusted>
                  </p>
                )}
                {r.summary !== '' && (
                  <p className="shared-card-summary">
                    <Untrusted>
                      {r.summary.length > 300 ? `${r.summary.slice(0, 300)}…` : r.summary}
                    </Untrusted>
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </ListState>
    </div>
  );
}

export function SharedReleasesPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('shared.title'));
  return <Protected roles={['partner']}>{() => <SharedList />}</Protected>;
}
