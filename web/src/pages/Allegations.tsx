import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import {
  ALLEGATION_STATUSES,
  allegationsApi,
  type AllegationStatus,
  type ListedAllegation,
} from '../allegations-api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { ListFooter } from '../components/ListState.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import '../allegations.css';

const PAGE_SIZE = 50;

export function AllegationStatusBadge({ status }: { status: AllegationStatus }): ReactNode {
  const { t } = useI18n();
  return (
    <span className={`badge status allegation-${status}`}>{t(`allegations.status.${status}`)}</span>
  );
}

/** The first line or so of an account, for a list. */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function AllegationRow({ allegation }: { allegation: ListedAllegation }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={allegation.createdAt}>{i18n.dateTime(allegation.createdAt)}</time>
      </td>
      <td className="allegation-excerpt">
        <Link to="/allegations/$id" params={{ id: allegation.id }} className="item-link">
          <Untrusted>{excerpt(allegation.excerpt)}</Untrusted>
        </Link>
      </td>
      <td>
        {allegation.facility === '' ? (
          <span className="muted">{t('common.none')}</span>
        ) : (
          <Untrusted>{allegation.facility}</Untrusted>
        )}
      </td>
      <td>
        <AllegationStatusBadge status={allegation.status} />
      </td>
      <td className="num">{i18n.number(allegation.attachments)}</td>
      <td>
        {i18n.number(allegation.messages)}{' '}
        {allegation.lastMessageAuthor === 'submitter' && (
          <span className="badge badge-warning">{t('allegations.awaitsReply')}</span>
        )}
      </td>
    </tr>
  );
}

function AllegationsList(): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/allegations' });
  const navigate = useNavigate({ from: '/allegations' });
  const filter = { status: search.status };
  const query = useInfiniteQuery({
    queryKey: ['allegations', 'list', filter],
    queryFn: ({ pageParam }) => allegationsApi.list(filter, pageParam, PAGE_SIZE),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.allegations) ?? [];

  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError && rows.length === 0)
    body = (
      <ErrorBox
        title={t('allegations.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (rows.length === 0)
    body =
      search.status === undefined ? (
        <div className="empty">
          <p className="empty-title">{t('allegations.empty')}</p>
        </div>
      ) : (
        <div className="empty">
          <p>{t('allegations.emptyFiltered')}</p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              void navigate({ search: {}, replace: true });
            }}
          >
            {t('allegations.showAll')}
          </button>
        </div>
      );
  else
    body = (
      <>
        <div className={`table-wrap${query.isPlaceholderData ? ' stale' : ''}`}>
          <table className="table allegations-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('allegations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('allegations.col.received')}</th>
                <th scope="col">{t('allegations.col.account')}</th>
                <th scope="col">{t('allegations.col.where')}</th>
                <th scope="col">{t('allegations.col.status')}</th>
                <th scope="col" className="num">
                  {t('allegations.col.files')}
                </th>
                <th scope="col">{t('allegations.col.messages')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <AllegationRow key={a.id} allegation={a} />
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter
          query={query}
          shown={plural('allegations.shown', rows.length)}
          failed={t('allegations.failed')}
        />
      </>
    );

  const publicUrl = `${window.location.origin}/report`;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('allegations.title')}</h1>
        <div className="head-actions">
          <label className="inline-field">
            <span>{t('allegations.col.status')}</span>
            <select
              name="status"
              value={search.status ?? ''}
              onChange={(e) => {
                const v = e.target.value;
                void navigate({
                  search: {
                    status: (ALLEGATION_STATUSES as readonly string[]).includes(v)
                      ? (v as AllegationStatus)
                      : undefined,
                  },
                  replace: true,
                });
              }}
            >
              <option value="">{t('allegations.anyStatus')}</option>
              {ALLEGATION_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`allegations.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <p className="lead">{t('allegations.intro')}</p>
      <p className="muted">
        {t('allegations.publicPage')}{' '}
        <a href={publicUrl} target="_blank" rel="noreferrer">
          {publicUrl}
        </a>
      </p>
      {body}
    </div>
  );
}

export function AllegationsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('allegations.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>{() => <AllegationsList />}</Protected>
  );
}
