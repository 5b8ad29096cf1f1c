import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { DetailState } from '../components/DetailState.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { releasesApi, type SharedRelease } from '../releases-api.ts';
import { formatTime } from '../time.ts';
import '../releases.css';

function Texts({ release }: { release: SharedRelease }): ReactNode {
  const i18n = useI18n();
  const { t, language } = i18n;
  if (release.texts.length === 0) return null;
  return (
    <section aria-labelledby="texts-h">
      <h2 id="texts-h">{t('shared.texts')}</h2>
      {release.texts.map((x) => (
        <article key={x.position} className="release-text" data-testid="shared-text">
          {x.heading !== '' && (
            <h3>
              <Untrusted>{x.heading}</Untrusted>
            </h3>
          )}
          {x.incident !== null && (
            <p className="muted small incident-facts">
              {x.incident.startsAt !== null &&
                (x.incident.endsAt === null
                  ? i18n.dateTimeZone(x.incident.startsAt)
                  : i18n.dateTimeRange(x.incident.startsAt, x.incident.endsAt))}
              {x.incident.facility !== null && (
                <>
                  {x.incident.startsAt !== null && ' · '}
                  <Untrusted>{x.incident.facility}</Untrusted>
                </>
              )}
              {x.incident.acts.length > 0 && (
                <>
                  {' · '}
                  <Untrusted>{x.incident.acts.map((a) => a[language]).join(', ')}</Untrusted>
                </>
              )}
            </p>
          )}
          <p className="release-text-body">
            <Untrusted>{x.body}</Untrusted>
          </p>
        </article>
      ))}
    </section>
  );
}

/**
 * The videos: behind the content warning until the reader chooses to see them. Nothing is
 * loaded before they press play (preload none), so a view is not a play in the access record.
 */
function Videos({ release }: { release: SharedRelease }): ReactNode {
  const { t } = useI18n();
  const [revealed, setRevealed] = useState(release.contentWarning === '');
  if (release.videos.length === 0) return null;
  return (
    <section aria-labelledby="videos-h">
      <h2 id="videos-h">{t('shared.videos')}</h2>
      {!revealed ? (
        <div className="box box-notice content-warning" data-testid="content-warning">
          <p className="box-title">{t('shared.warning')}</p>
          <p className="cell-note">
            <Untrusted>{release.contentWarning}</Untrusted>
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setRevealed(true);
            }}
          >
            {t('shared.reveal', { n: release.videos.length })}
          </button>
        </div>
      ) : (
        <ol className="shared-videos">
          {release.videos.map((v) => (
            <li key={v.position} className="shared-video" data-testid="shared-video">
              <div className="player-frame">
                <video
                  className="player"
                  controls
                  preload="none"
                  playsInline
                  src={releasesApi.sharedVideoUrl(release.id, v.position)}
                  poster={releasesApi.sharedPosterUrl(release.id, v.position)}
                  aria-label={t('shared.videoN', { n: v.position })}
                />
              </div>
              <div className="shared-video-meta">
                <p>
                  <strong>{t('shared.videoN', { n: v.position })}</strong>
                  {v.durationSeconds !== null && (
                    <span className="muted"> · {formatTime(v.durationSeconds)}</span>
                  )}
                </p>
                {v.caption !== '' && (
                  <p className="release-caption">
                    <Untrusted>{v.caption}</Untrusted>
                  </p>
                )}
                <a
                  className="button button-secondary"
                  href={releasesApi.sharedDownloadUrl(release.id, v.position)}
                  download
                >
                  {t('shared.download')}
                </a>
                <p className="field-help">{t('shared.download.note')}</p>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function SharedView({ release }: { release: SharedRelease }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  useTitle(release.title);
  return (
    <article className="page page-shared" data-testid="shared-release">
      <p className="back">
        <Link to="/shared-with-me">{t('shared.back')}</Link>
      </p>
      <h1>
        <Untrusted>{release.title}</Untrusted>
      </h1>
      <p className="muted">
        {t('shared.publishedAt', { when: i18n.dateTimeZone(release.publishedAt) })}
      </p>
      {release.summary !== '' && (
        <p className="release-text-body">
          <Untrusted>{release.summary}</Untrusted>
        </p>
      )}
      <Videos release={release} />
      <Texts release={release} />
      <p className="aside small">{t('shared.recorded')}</p>
    </article>
  );
}

function SharedLoader(): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/shared-with-me/$id' });
  const query = useQuery({
    queryKey: ['shared-release', id],
    queryFn: () => releasesApi.sharedRelease(id),
    // Each load is a view in the release's access record: no refetching behind the reader's back.
    staleTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
  return (
    <DetailState
      query={query}
      failed={t('shared.releaseFailed')}
      back={<Link to="/shared-with-me">{t('shared.back')}</Link>}
    >
      {(release) => <SharedView release={release} />}
    </DetailState>
  );
}

export function SharedReleasePage(): ReactNode {
  return <Protected roles={['partner']}>{() => <SharedLoader />}</Protected>;
}
