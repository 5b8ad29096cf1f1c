import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { api, ITEM_KINDS, type Item, type ItemKind } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { PathText } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { formatDuration, formatSize, splitPath } from '../format.ts';
import { useI18n, type I18n } from '../i18n/index.tsx';

const PAGE_SIZE = 100;

export function kindLabel(i18n: I18n, kind: string): string {
  return i18n.maybe(`kind.${kind}`) ?? kind;
}

function ItemRow({ item }: { item: Item }): ReactNode {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const first = item.paths[0];
  const { name, folder } = splitPath(first?.path ?? item.sha256);
  const duration = formatDuration(item.media?.durationSeconds);
  const others = item.paths.length - 1;
  return (
    <tr>
      <td className="cell-name">
        <Link to="/items/$id" params={{ id: item.id }} className="item-link">
          <PathText>{name}</PathText>
        </Link>
        <span className="item-folder">
          {folder === '' ? t('items.rootFolder') : <PathText>{folder}</PathText>}
          {others > 0 && <span className="more-paths"> {plural('items.morePaths', others)}</span>}
        </span>
      </td>
      <td>{kindLabel(i18n, item.kind)}</td>
      <td className="num">{formatSize(i18n, item.size)}</td>
      <td className="num">
        {duration ?? <span aria-label={t('common.none')}>{t('common.none')}</span>}
      </td>
      <td>
        {item.problems.length > 0 ? (
          <span
            className="badge badge-warning"
            title={item.problems.map((p) => `${p.code}: ${p.message}`).join('\n')}
          >
            {plural('items.problems', item.problems.length)}
          </span>
        ) : (
          <span className="muted">{t('common.none')}</span>
        )}
      </td>
    </tr>
  );
}

function Filters({ kind, problems }: { kind: ItemKind | undefined; problems: boolean }): ReactNode {
  const { t } = useI18n();
  const navigate = useNavigate({ from: '/items' });
  const set = (next: { kind?: ItemKind | undefined; problems?: boolean | undefined }): void => {
    void navigate({ search: (prev) => ({ ...prev, ...next }), replace: true });
  };
  return (
    <form
      className="filters"
      aria-label={t('items.filters')}
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <label className="inline-field">
        <span>{t('items.filter.kind')}</span>
        <select
          name="kind"
          value={kind ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            set({
              kind: (ITEM_KINDS as readonly string[]).includes(v) ? (v as ItemKind) : undefined,
            });
          }}
        >
          <option value="">{t('items.filter.anyKind')}</option>
          {ITEM_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-check">
        <input
          type="checkbox"
          name="problems"
          checked={problems}
          onChange={(e) => {
            set({ problems: e.target.checked ? true : undefined });
          }}
        />
        <span>{t('items.filter.problems')}</span>
      </label>
    </form>
  );
}

function ItemsList(): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/items' });
  const navigate = useNavigate({ from: '/items' });
  const filter = { kind: search.kind, problems: search.problems === true ? true : undefined };
  const query = useInfiniteQuery({
    queryKey: ['items', filter],
    queryFn: ({ pageParam }) => api.items(filter, pageParam, PAGE_SIZE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  // Infinite scroll: the next page loads as the end of the list comes into view. The button
  // below does the same for keyboards and screen readers.
  useEffect(() => {
    const el = sentinel.current;
    if (el === null || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '400px' },
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filter.kind !== undefined || filter.problems === true;

  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError && items.length === 0)
    body = (
      <ErrorBox
        title={t('items.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (items.length === 0)
    body = filtered ? (
      <div className="empty">
        <p>{t('items.emptyFiltered')}</p>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            void navigate({ search: {}, replace: true });
          }}
        >
          {t('items.clearFilters')}
        </button>
      </div>
    ) : (
      <div className="empty">
        <p className="empty-title">{t('items.empty')}</p>
        <p>{t('items.empty.hint')}</p>
      </div>
    );
  else
    body = (
      <>
        <div className={`table-wrap items-wrap${query.isPlaceholderData ? ' stale' : ''}`}>
          <table className="table items-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('items.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('items.col.name')}</th>
                <th scope="col">{t('items.col.kind')}</th>
                <th scope="col" className="num">
                  {t('items.col.size')}
                </th>
                <th scope="col" className="num">
                  {t('items.col.duration')}
                </th>
                <th scope="col">{t('items.col.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <ItemRow key={item.id} item={item} />
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-footer" ref={sentinel}>
          <span role="status">{plural('items.shown', items.length)}</span>
          {query.isFetchNextPageError && (
            <ErrorBox
              title={t('items.failed')}
              error={query.error}
              onRetry={() => {
                void fetchNextPage();
              }}
            />
          )}
          {hasNextPage ? (
            <button
              type="button"
              className="button button-secondary"
              disabled={isFetchingNextPage}
              onClick={() => {
                void fetchNextPage();
              }}
            >
              {isFetchingNextPage ? t('items.loadingMore') : t('items.more')}
            </button>
          ) : (
            <span className="muted">{t('items.end')}</span>
          )}
        </div>
      </>
    );

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('items.title')}</h1>
        <Filters kind={search.kind} problems={search.problems === true} />
      </div>
      {body}
    </div>
  );
}

export function ItemsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('items.title'));
  return <Protected roles={['admin', 'investigator', 'reviewer']}>{() => <ItemsList />}</Protected>;
}
