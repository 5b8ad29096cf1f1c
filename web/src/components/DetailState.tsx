import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ErrorBox } from './ErrorBox.tsx';

/**
 * The states every detail page (an item, an incident, a source…) goes through before it can
 * show its record: loading, or failed with a way back to the list and a retry. `children`
 * renders the record once it is there.
 */
export function DetailState<T>({
  query,
  back,
  failed,
  children,
}: {
  query: UseQueryResult<T>;
  /** The link back to the list. */
  back: ReactNode;
  failed: string;
  children: (data: T) => ReactNode;
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
      <div className="page page-narrow">
        <p className="back">{back}</p>
        <ErrorBox
          title={failed}
          error={query.error}
          onRetry={() => {
            void query.refetch();
          }}
        />
      </div>
    );
  return children(query.data);
}
