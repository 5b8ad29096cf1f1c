import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { api, type Account, type ItemDetail, type MediaSummary } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { eventRows, History } from '../components/History.tsx';
import { ItemRedactions } from '../components/ItemRedactions.tsx';
import { useTitle } from '../components/Layout.tsx';
import { PathText, Untrusted } from '../components/PathText.tsx';
import { mayHaveDerivatives } from '../components/Poster.tsx';
import { Protected } from '../components/Protected.tsx';
import { Verification } from '../components/Verification.tsx';
import { formatDuration, formatSize, splitPath } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { ItemAnalysis } from './ItemAnalysis.tsx';
import { hasProxy, POLL_MS, Watch } from './ItemWatch.tsx';
import { kindLabel } from './Items.tsx';

const DOWNLOAD_ROLES: readonly Account['role'][] = ['admin', 'investigator'];

/** ffprobe's output is untrusted: only finite numbers and strings are shown. */
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function streamsOf(v: unknown): { type: string | null; codec: string | null }[] {
  return Array.isArray(v)
    ? v.filter(isRecord).map((s) => ({ type: str(s['type']), codec: str(s['codec']) }))
    : [];
}

function tagsOf(v: unknown): [string, string][] {
  return isRecord(v)
    ? Object.entries(v).flatMap(([k, x]): [string, string][] =>
        typeof x === 'string' ? [[k, x]] : [],
      )
    : [];
}

/** Untrusted text from the probe, isolated; null when there is none. */
function text(v: unknown): ReactNode {
  const s = str(v);
  return s === null ? null : <Untrusted>{s}</Untrusted>;
}

function MediaFacts({ media }: { media: MediaSummary }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const width = num(media.width);
  const height = num(media.height);
  const fps = num(media.frameRate);
  const bitRate = num(media.bitRate);
  const rows: [string, ReactNode][] = [];
  const add = (label: string, value: ReactNode | null): void => {
    if (value !== null) rows.push([label, value]);
  };
  add(t('media.container'), text(media.container));
  add(t('media.duration'), formatDuration(media.durationSeconds));
  add(t('media.resolution'), width !== null && height !== null ? `${width} × ${height}` : null);
  add(
    t('media.frameRate'),
    fps === null ? null : t('media.fps', { n: i18n.number(fps, { maximumFractionDigits: 2 }) }),
  );
  add(t('media.videoCodec'), text(media.videoCodec));
  add(t('media.audioCodec'), text(media.audioCodec));
  add(
    t('media.bitRate'),
    bitRate === null
      ? null
      : t('media.kbps', { n: i18n.number(bitRate / 1000, { maximumFractionDigits: 0 }) }),
  );
  add(t('media.creationTime'), text(media.creationTime));
  const streams = streamsOf(media.streams);
  if (streams.length > 0)
    add(
      t('media.streams'),
      <ul className="plain-list">
        {streams.map((s, i) => (
          <li key={i}>
            <Untrusted>{[s.type, s.codec].filter((x) => x !== null).join(' · ')}</Untrusted>
          </li>
        ))}
      </ul>,
    );
  const tags = tagsOf(media.deviceTags);
  if (tags.length > 0)
    add(
      t('media.deviceTags'),
      <dl className="tags">
        {tags.map(([k, v]) => (
          <div key={k}>
            <dt>
              <Untrusted>{k}</Untrusted>
            </dt>
            <dd>
              <Untrusted>{v}</Untrusted>
            </dd>
          </div>
        ))}
      </dl>,
    );
  if (rows.length === 0) return <p className="muted">{t('item.noMedia')}</p>;
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The contact sheet (frames across the whole video), once a background job has made it. */
function ContactSheet({ itemId }: { itemId: string }): ReactNode {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  if (failed) return <p className="muted">{t('item.contactSheet.missing')}</p>;
  return (
    <img
      className="contact-sheet"
      src={api.contactSheetUrl(itemId)}
      alt={t('item.contactSheet.alt')}
      loading="lazy"
      decoding="async"
      onError={() => {
        setFailed(true);
      }}
    />
  );
}

function ItemView({
  item,
  me,
  at,
}: {
  item: ItemDetail;
  me: Account;
  at: number | undefined;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const first = splitPath(item.paths[0]?.path ?? item.sha256);
  useTitle(first.name);
  return (
    <article className="page item">
      <p className="back">
        <Link to="/items" search={{}}>
          {t('item.back')}
        </Link>
      </p>
      <div className="page-head">
        <div className="item-title">
          <h1>
            <PathText>{first.name}</PathText>
          </h1>
          {first.folder !== '' && (
            <p className="item-folder">
              <PathText>{first.folder}</PathText>
            </p>
          )}
        </div>
        {DOWNLOAD_ROLES.includes(me.role) && (
          <div className="download">
            <a
              className="button"
              href={api.originalUrl(item.id)}
              download
              onClick={() => {
                // The download writes a custody event: show it once it is recorded.
                window.setTimeout(() => {
                  void queryClient.invalidateQueries({ queryKey: ['item', item.id] });
                }, 1500);
              }}
            >
              {t('item.download')}
            </a>
            <p className="download-note">{t('item.download.note')}</p>
          </div>
        )}
      </div>

      {item.kind === 'video' && <Watch item={item} me={me} at={at} />}
      {item.kind === 'video' && item.probeStatus === 'ok' && <ItemAnalysis item={item} me={me} />}
      {item.kind === 'video' && item.probeStatus === 'ok' && <ItemRedactions item={item} me={me} />}
      <Verification subject={{ type: 'item', id: item.id }} me={me} />

      <div className="item-grid">
        <section aria-labelledby="details-h">
          <h2 id="details-h">{t('item.details')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('item.kind')}</dt>
              <dd>{kindLabel(i18n, item.kind)}</dd>
            </div>
            <div>
              <dt>{t('item.size')}</dt>
              <dd>
                {formatSize(i18n, item.size)}{' '}
                <span className="muted">({i18n.number(item.size)})</span>
              </dd>
            </div>
            <div>
              <dt>{t('item.ingestedAt')}</dt>
              <dd>
                <time dateTime={item.ingestedAt}>{i18n.dateTime(item.ingestedAt)}</time>
              </dd>
            </div>
            <div>
              <dt>{t('item.probeStatus')}</dt>
              <dd>{i18n.maybe(`probe.${item.probeStatus}`) ?? item.probeStatus}</dd>
            </div>
            <div className="fact-wide">
              <dt>{t('item.sha256')}</dt>
              <dd>
                <code className="hash-full">{item.sha256}</code>
              </dd>
            </div>
          </dl>
        </section>

        <section aria-labelledby="media-h">
          <h2 id="media-h">{t('item.media')}</h2>
          {item.media === null ? (
            <p className="muted">{t('item.noMedia')}</p>
          ) : (
            <MediaFacts media={item.media} />
          )}
          {item.derivatives.some((d) => d.kind === 'contact-sheet') && (
            <details className="contact-sheet-box">
              <summary>{t('item.contactSheet')}</summary>
              <ContactSheet itemId={item.id} />
            </details>
          )}
        </section>
      </div>

      <section aria-labelledby="problems-h">
        <h2 id="problems-h">{t('item.problems')}</h2>
        {item.problems.length === 0 ? (
          <p className="muted">{t('item.noProblems')}</p>
        ) : (
          <ul className="problems">
            {item.problems.map((p, i) => (
              <li key={i}>
                <code>{p.code}</code> <Untrusted>{p.message}</Untrusted>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="paths-h">
        <h2 id="paths-h">{t('item.paths')}</h2>
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('item.paths')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('item.col.path')}</th>
                <th scope="col">{t('item.col.acquisition')}</th>
                <th scope="col">{t('item.col.mtime')}</th>
                <th scope="col">{t('item.col.mode')}</th>
              </tr>
            </thead>
            <tbody>
              {item.paths.map((p, i) => (
                <tr key={`${p.acquisitionId}-${i}`}>
                  <td className="cell-path">
                    <PathText>{p.path}</PathText>
                  </td>
                  <td>
                    <Untrusted>{p.acquisition}</Untrusted>
                  </td>
                  <td className="nowrap">
                    {p.mtime === null ? (
                      t('common.none')
                    ) : (
                      <time dateTime={p.mtime}>{i18n.dateTime(p.mtime)}</time>
                    )}
                  </td>
                  <td>
                    <code>{p.mode ?? t('common.none')}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('item.history')}</h2>
        <p className="muted">{t('item.history.intro')}</p>
        <History
          rows={eventRows(item.events)}
          caption={t('item.history')}
          empty={t('item.history.empty')}
        />
      </section>
    </article>
  );
}

function ItemLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/items/$id' });
  const { t: at } = useSearch({ from: '/items/$id' });
  const query = useQuery({
    queryKey: ['item', id],
    queryFn: () => api.item(id),
    // A readable video without its web copy yet: ask again until the job has made it.
    refetchInterval: (q) => {
      const item = q.state.data;
      return item !== undefined && mayHaveDerivatives(item) && !hasProxy(item) ? POLL_MS : false;
    },
  });
  return (
    <DetailState
      query={query}
      failed={t('item.failed')}
      back={
        <Link to="/items" search={{}}>
          {t('item.back')}
        </Link>
      }
    >
      {(data) => <ItemView item={data} me={me} at={at} />}
    </DetailState>
  );
}

export function ItemPage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <ItemLoader me={me} />}
    </Protected>
  );
}
