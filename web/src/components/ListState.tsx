import type { UseInfiniteQueryResult, UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { Untrusted } from './PathText.tsx';

/**
 * The states every simple list page goes through: loading, failed (with a retry), empty, and
 * the rows themselves, which `children` renders.
 */
export function ListState<T>({
  query,
  failed,
  empty,
  children,
}: {
  query: UseQueryResult<T[]>;
  failed: string;
  empty: string;
  children: (rows: T[]) => ReactNode;
}): ReactNode {
  const { t } = useI18n();
  if (query.isPending)
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  if (query.isError)
    return (
      <ErrorBox
        title={failed}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  if (query.data.length === 0)
    return (
      <div className="empty">
        <p className="empty-title">{empty}</p>
      </div>
    );
  return children(query.data);
}

/** A list of short archive texts (aliases) as chips, or "none". */
export function Chips({ values }: { values: readonly string[] }): ReactNode {
  const { t } = useI18n();
  if (values.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <ul className="chips">
      {values.map((v) => (
        <li key={v} className="chip">
          <Untrusted>{v}</Untrusted>
        </li>
      ))}
    </ul>
  );
}

/**
 * Under a list loaded a page at a time: how many rows are shown, why the next page failed (with
 * a retry), and the button that loads it.
 */
export function ListFooter({
  query,
  shown,
  failed,
}: {
  query: Pick<
    UseInfiniteQueryResult,
    'error' | 'fetchNextPage' | 'hasNextPage' | 'isFetchNextPageError' | 'isFetchingNextPage'
  >;
  shown: string;
  failed: string;
}): ReactNode {
  const { t } = useI18n();
  return (
    <div className="list-footer">
      <span role="status">{shown}</span>
      {query.isFetchNextPageError && (
        <ErrorBox
          title={failed}
          error={query.error}
          onRetry={() => {
            void query.fetchNextPage();
          }}
        />
      )}
      {query.hasNextPage && (
        <button
          type="button"
          className="button button-secondary"
          disabled={query.isFetchingNextPage}
          onClick={() => {
            void query.fetchNextPage();
          }}
        >
          {query.isFetchingNextPage ? t('items.loadingMore') : t('items.more')}
        </button>
      )}
    </div>
  );
}
