import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { canWrite, type Account } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { ListFooter } from '../components/ListState.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { Day, ExternalLink } from '../components/ResponseBits.tsx';
import { ResponseTabs } from '../components/ResponseNav.tsx';
import { useI18n } from '../i18n/index.tsx';
import { responsesApi } from '../responses-api.ts';
import { SourceForm } from './SourceForm.tsx';

const PAGE_SIZE = 100;

function SourcesList({ me }: { me: Account }): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/sources' });
  const navigate = useNavigate({ from: '/sources' });
  const [creating, setCreating] = useState(false);
  const [q, setQ] = useState(search.q ?? '');
  const newButton = useRef<HTMLButtonElement>(null);
  const formBox = useRef<HTMLDivElement>(null);
  const query = useInfiniteQuery({
    queryKey: ['sources', 'list', search.q ?? ''],
    queryFn: ({ pageParam }) => responsesApi.sources(search.q, pageParam, PAGE_SIZE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });

  useEffect(() => {
    if (creating) formBox.current?.querySelector<HTMLElement>('select, input')?.focus();
  }, [creating]);

  // The search box writes the address a moment after typing stops.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const next = q.trim() === '' ? undefined : q;
      if (next !== search.q) void navigate({ search: { q: next }, replace: true });
    }, 300);
    return () => {
      window.clearTimeout(timer);
    };
  }, [q, search.q, navigate]);

  const sources = query.data?.pages.flatMap((p) => p.sources) ?? [];
  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError && sources.length === 0)
    body = (
      <ErrorBox
        title={t('sources.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (sources.length === 0)
    body = (
      <div className="empty">
        <p className="empty-title">
          {search.q === undefined ? t('sources.empty') : t('sources.emptyFiltered')}
        </p>
        {search.q === undefined && (
          <p>{canWrite(me) ? t('sources.empty.hint') : t('sources.empty.readOnly')}</p>
        )}
      </div>
    );
  else
    body = (
      <>
        <div className={`table-wrap${query.isPlaceholderData ? ' stale' : ''}`}>
          <table className="table sources-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('sources.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sources.outlet')}</th>
                <th scope="col">{t('sources.titleField')}</th>
                <th scope="col">{t('sources.publishedOn')}</th>
                <th scope="col">{t('sources.language')}</th>
                <th scope="col">{t('sources.link')}</th>
                <th scope="col" className="num">
                  {t('sources.claims')}
                </th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to="/sources/$id" params={{ id: s.id }} className="item-link">
                      <Untrusted>{s.outlet === '' ? t('sources.untitled') : s.outlet}</Untrusted>
                    </Link>
                    <span className="muted small source-kind"> {t(`sourceKind.${s.kind}`)}</span>
                  </th>
                  <td className="cell-note">
                    {s.title === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{s.title}</Untrusted>
                    )}
                  </td>
                  <td className="nowrap">
                    <Day day={s.publishedOn} />
                  </td>
                  <td>
                    {s.language === '' ? (
                      <span className="muted">{t('common.none')}</span>
                    ) : (
                      <Untrusted>{s.language}</Untrusted>
                    )}
                  </td>
                  <td>
                    <ExternalLink url={s.url} />
                  </td>
                  <td className="num">{s.claims}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter
          query={query}
          shown={plural('sources.shown', sources.length)}
          failed={t('sources.failed')}
        />
      </>
    );

  return (
    <div className="page">
      <ResponseTabs />
      <div className="page-head">
        <h1>{t('sources.title')}</h1>
        <div className="head-actions">
          <label className="inline-field">
            <span>{t('sources.search')}</span>
            <input
              type="search"
              value={q}
              maxLength={200}
              autoComplete="off"
              onChange={(e) => {
                setQ(e.target.value);
              }}
            />
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
              {t('sources.new')}
            </button>
          )}
        </div>
      </div>
      <p className="lead">{t('sources.intro')}</p>
      {creating && (
        <div ref={formBox}>
          <SourceForm
            onSaved={(source) => {
              void navigate({ to: '/sources/$id', params: { id: source.id } });
            }}
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

export function SourcesPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('sources.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <SourcesList me={me} />}
    </Protected>
  );
}
