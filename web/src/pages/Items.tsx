import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState } from 'react';
import type { InputHTMLAttributes, ReactNode } from 'react';
import {
  api,
  ITEM_KINDS,
  ITEM_SORTS,
  type ListedItem,
  type ItemKind,
  type ItemSort,
  type ItemsFilter,
} from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { PathText } from '../components/PathText.tsx';
import { Poster } from '../components/Poster.tsx';
import { Protected } from '../components/Protected.tsx';
import { VerificationBadge } from '../components/VerificationBadge.tsx';
import { formatDuration, formatSize, splitPath } from '../format.ts';
import { useI18n, type I18n } from '../i18n/index.tsx';
import type { ItemsSearch } from '../router.tsx';
import { dayBoundary, formatTime, parseTime } from '../time.ts';
import { VERIFICATION_STATUSES, type VerificationStatus } from '../verification-api.ts';

const PAGE_SIZE = 100;

export function kindLabel(i18n: I18n, kind: string): string {
  return i18n.maybe(`kind.${kind}`) ?? kind;
}

function ItemRow({ item }: { item: ListedItem }): ReactNode {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const first = item.paths[0];
  const { name, folder } = splitPath(first?.path ?? item.sha256);
  const duration = formatDuration(item.media?.durationSeconds);
  const others = item.paths.length - 1;
  return (
    <tr>
      <td className="cell-poster">
        <Poster item={item} />
      </td>
      <td className="cell-name">
        <Link to="/items/$id" params={{ id: item.id }} className="item-link">
          <PathText>{name}</PathText>
        </Link>
        <span className="item-folder">
          {folder === '' ? t('items.rootFolder') : <PathText>{folder}</PathText>}
          {others > 0 && <span className="more-paths"> {plural('items.morePaths', others)}</span>}
        </span>
        <Findings item={item} />
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

/** What the analysis jobs found, in one line under the name: camera and time, faces, copies. */
function Findings({ item }: { item: ListedItem }): ReactNode {
  const { t, plural } = useI18n();
  const parts: ReactNode[] = [];
  const o = item.overlay;
  if (o !== null)
    parts.push(
      <span key="overlay" className="finding" data-testid="row-overlay">
        {t('items.row.overlay', {
          device: o.device ?? '?',
          start: o.start === null ? '?' : o.start.replace('T', ' '),
        })}
      </span>,
    );
  if (item.faces !== null && item.faces > 0)
    parts.push(
      <span key="faces" className="badge badge-notice">
        {plural('items.row.faces', item.faces)}
      </span>,
    );
  if (item.verification !== 'unverified')
    parts.push(<VerificationBadge key="verification" status={item.verification} />);
  if (item.cluster !== null)
    parts.push(
      <Link
        key="copies"
        className="badge"
        to="/items"
        search={{ cluster: item.cluster }}
        data-testid="row-copies"
      >
        {t('items.row.copies')}
      </Link>,
    );
  return parts.length === 0 ? null : <span className="findings">{parts}</span>;
}

type SearchPatch = Partial<ItemsSearch>;

/**
 * A text field that applies its value after the typing stops (`delay` ms), and follows the
 * address when it changes elsewhere (clearing the filters, the back button).
 */
function DebouncedInput({
  value,
  onApply,
  delay = 300,
  validate,
  same = (a, b) => a === b,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: string;
  onApply: (value: string) => void;
  delay?: number;
  /** An error message for a value that cannot be applied, or null. */
  validate?: (value: string) => string | null;
  /** Whether two texts mean the same (so "90" is not rewritten as "1:30" while typing). */
  same?: (a: string, b: string) => boolean;
}): ReactNode {
  const [text, setText] = useState(value);
  const applied = useRef(value);
  const onApplyRef = useRef(onApply);
  onApplyRef.current = onApply;
  const error = validate?.(text) ?? null;
  const errorId = useId();

  // The address changed without this field (cleared filters): show what it says now.
  useEffect(() => {
    if (!same(value, applied.current)) {
      applied.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    const next = text.trim();
    if (same(next, applied.current) || error !== null) return;
    const timer = window.setTimeout(() => {
      applied.current = next;
      onApplyRef.current(next);
    }, delay);
    return () => {
      window.clearTimeout(timer);
    };
  }, [text, delay, error]);

  return (
    <>
      <input
        {...input}
        value={text}
        aria-invalid={error === null ? undefined : true}
        aria-describedby={error === null ? undefined : errorId}
        onChange={(e) => {
          setText(e.target.value);
        }}
        onKeyDown={(e) => {
          // Enter applies at once.
          if (e.key === 'Enter' && error === null) {
            applied.current = text.trim();
            onApplyRef.current(text.trim());
          }
        }}
      />
      {error !== null && (
        <span className="field-error filter-error" id={errorId} role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** Filters narrow the list; the order does not. */
const hasFilters = (s: ItemsSearch): boolean =>
  Object.entries(s).some(([k, v]) => k !== 'sort' && v !== undefined && v !== '');

/**
 * Items of one acquisition. Hidden while the list of acquisitions is loading, and when it
 * cannot be had (a partner may not see it; an older server lacks it).
 */
function AcquisitionFilter({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (acquisition: string | undefined) => void;
}): ReactNode {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: ['acquisitions'],
    queryFn: api.acquisitions,
    retry: false,
    staleTime: 60_000,
  });
  if (!query.isSuccess || query.data.length === 0) return null;
  const acquisitions = query.data;
  return (
    <label className="filter filter-wide">
      <span>{t('items.filter.acquisition')}</span>
      <select
        name="acquisition"
        value={value ?? ''}
        onChange={(e) => {
          const v = e.target.value;
          onChange(v === '' ? undefined : v);
        }}
      >
        <option value="">{t('items.filter.acquisition.any')}</option>
        {value !== undefined && !acquisitions.some((a) => a.id === value) && (
          <option value={value}>{value}</option>
        )}
        {acquisitions.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Either / yes / no, as a select: undefined, true or false. */
function TriState({
  name,
  label,
  value,
  choices,
  onChange,
}: {
  name: string;
  label: string;
  value: boolean | undefined;
  choices: readonly [string, string, string];
  onChange: (value: boolean | undefined) => void;
}): ReactNode {
  return (
    <label className="filter">
      <span>{label}</span>
      <select
        name={name}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => {
          const v = e.target.value;
          onChange(v === 'true' ? true : v === 'false' ? false : undefined);
        }}
      >
        <option value="">{choices[0]}</option>
        <option value="true">{choices[1]}</option>
        <option value="false">{choices[2]}</option>
      </select>
    </label>
  );
}

function Filters({ search }: { search: ItemsSearch }): ReactNode {
  const { t } = useI18n();
  const navigate = useNavigate({ from: '/items' });
  const set = (next: SearchPatch): void => {
    void navigate({ search: (prev) => ({ ...prev, ...next }), replace: true });
  };
  const durationError = (v: string): string | null =>
    v.trim() === '' || parseTime(v) !== null ? null : t('validation.time');
  const duration = (v: string): number | undefined =>
    v === '' ? undefined : (parseTime(v) ?? undefined);
  const sameDuration = (a: string, b: string): boolean =>
    a.trim() === b.trim() || (parseTime(a) !== null && parseTime(a) === parseTime(b));
  const shownSeconds = (n: number | undefined): string =>
    n === undefined ? '' : formatTime(n).replace(/\.0$/, '');
  return (
    <form
      className="item-filters"
      role="search"
      aria-label={t('items.filters')}
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <div className="search-row">
        <label className="search-field">
          <span>{t('items.search')}</span>
          <DebouncedInput
            type="search"
            name="q"
            value={search.q ?? ''}
            maxLength={200}
            placeholder={t('items.search.placeholder')}
            onApply={(v) => {
              set({ q: v === '' ? undefined : v });
            }}
          />
        </label>
        <p className="search-help muted">{t('items.search.help')}</p>
      </div>
      <div className="filter-grid">
        <label className="filter">
          <span>{t('items.filter.kind')}</span>
          <select
            name="kind"
            value={search.kind ?? ''}
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
        <label className="filter filter-wide">
          <span>{t('items.filter.folder')}</span>
          <DebouncedInput
            type="text"
            name="folder"
            value={search.folder ?? ''}
            maxLength={1000}
            placeholder={t('items.filter.folder.placeholder')}
            dir="ltr"
            delay={500}
            onApply={(v) => {
              set({ folder: v === '' ? undefined : v });
            }}
          />
        </label>
        <label className="filter">
          <span>{t('items.filter.recordedFrom')}</span>
          <input
            type="date"
            name="recordedFrom"
            value={search.recordedFrom ?? ''}
            max={search.recordedTo}
            onChange={(e) => {
              set({ recordedFrom: e.target.value === '' ? undefined : e.target.value });
            }}
          />
        </label>
        <label className="filter">
          <span>{t('items.filter.recordedTo')}</span>
          <input
            type="date"
            name="recordedTo"
            value={search.recordedTo ?? ''}
            min={search.recordedFrom}
            onChange={(e) => {
              set({ recordedTo: e.target.value === '' ? undefined : e.target.value });
            }}
          />
        </label>
        <label className="filter filter-short">
          <span>{t('items.filter.minDuration')}</span>
          <DebouncedInput
            type="text"
            inputMode="decimal"
            name="minSeconds"
            value={shownSeconds(search.minSeconds)}
            placeholder={t('items.filter.duration.placeholder')}
            validate={durationError}
            same={sameDuration}
            delay={500}
            onApply={(v) => {
              set({ minSeconds: duration(v) });
            }}
          />
        </label>
        <label className="filter filter-short">
          <span>{t('items.filter.maxDuration')}</span>
          <DebouncedInput
            type="text"
            inputMode="decimal"
            name="maxSeconds"
            value={shownSeconds(search.maxSeconds)}
            placeholder={t('items.filter.duration.placeholder')}
            validate={durationError}
            same={sameDuration}
            delay={500}
            onApply={(v) => {
              set({ maxSeconds: duration(v) });
            }}
          />
        </label>
        <TriState
          name="linked"
          label={t('items.filter.linked')}
          value={search.linked}
          choices={[
            t('items.filter.linked.any'),
            t('items.filter.linked.yes'),
            t('items.filter.linked.no'),
          ]}
          onChange={(linked) => {
            set({ linked });
          }}
        />
        <label className="filter">
          <span>{t('items.filter.device')}</span>
          <DebouncedInput
            type="text"
            name="device"
            value={search.device ?? ''}
            maxLength={100}
            placeholder={t('items.filter.device.placeholder')}
            delay={500}
            onApply={(v) => {
              set({ device: v === '' ? undefined : v });
            }}
          />
        </label>
        <TriState
          name="faces"
          label={t('items.filter.faces')}
          value={search.faces}
          choices={[
            t('items.filter.faces.any'),
            t('items.filter.faces.yes'),
            t('items.filter.faces.no'),
          ]}
          onChange={(faces) => {
            set({ faces });
          }}
        />
        <label className="filter">
          <span>{t('items.filter.verification')}</span>
          <select
            name="verification"
            value={search.verification ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              set({
                verification: (VERIFICATION_STATUSES as readonly string[]).includes(v)
                  ? (v as VerificationStatus)
                  : undefined,
              });
            }}
          >
            <option value="">{t('items.filter.verification.any')}</option>
            {VERIFICATION_STATUSES.map((v) => (
              <option key={v} value={v}>
                {t(`verification.status.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <TriState
          name="copies"
          label={t('items.filter.copies')}
          value={search.copies}
          choices={[
            t('items.filter.copies.any'),
            t('items.filter.copies.yes'),
            t('items.filter.copies.no'),
          ]}
          onChange={(copies) => {
            set({ copies });
          }}
        />
        {search.cluster !== undefined && (
          <p className="filter filter-chip" data-testid="cluster-filter">
            <span>{t('items.filter.cluster')}</span>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                set({ cluster: undefined });
              }}
            >
              {t('items.filter.cluster.clear')}
            </button>
          </p>
        )}
        <AcquisitionFilter
          value={search.acquisition}
          onChange={(acquisition) => {
            set({ acquisition });
          }}
        />
        <label className="filter">
          <span>{t('items.sort')}</span>
          <select
            name="sort"
            value={search.sort ?? 'hash'}
            onChange={(e) => {
              const v = e.target.value;
              set({
                sort:
                  (ITEM_SORTS as readonly string[]).includes(v) && v !== 'hash'
                    ? (v as ItemSort)
                    : undefined,
              });
            }}
          >
            {ITEM_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`items.sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-check filter-check">
          <input
            type="checkbox"
            name="problems"
            checked={search.problems === true}
            onChange={(e) => {
              set({ problems: e.target.checked ? true : undefined });
            }}
          />
          <span>{t('items.filter.problems')}</span>
        </label>
        {hasFilters(search) && (
          <button
            type="button"
            className="button button-secondary filter-clear"
            onClick={() => {
              void navigate({ search: { sort: search.sort }, replace: true });
            }}
          >
            {t('items.clearFilters.short')}
          </button>
        )}
      </div>
    </form>
  );
}

/** The list's filters as the API takes them (days become times in the reader's zone). */
function apiFilter(s: ItemsSearch): ItemsFilter {
  return {
    kind: s.kind,
    problems: s.problems === true ? true : undefined,
    q: s.q,
    folder: s.folder,
    recordedFrom: s.recordedFrom === undefined ? undefined : dayBoundary(s.recordedFrom, false),
    recordedTo: s.recordedTo === undefined ? undefined : dayBoundary(s.recordedTo, true),
    minSeconds: s.minSeconds,
    maxSeconds: s.maxSeconds,
    linked: s.linked,
    acquisition: s.acquisition,
    device: s.device,
    faces: s.faces,
    copies: s.copies,
    cluster: s.cluster,
    verification: s.verification,
    sort: s.sort,
  };
}

function ItemsList(): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/items' });
  const navigate = useNavigate({ from: '/items' });
  const filter = apiFilter(search);
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
  const filtered = hasFilters(search);

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
            void navigate({ search: { sort: search.sort }, replace: true });
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
                <th scope="col" className="cell-poster">
                  <span className="sr-only">{t('items.col.poster')}</span>
                </th>
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
      </div>
      <Filters search={search} />
      {body}
    </div>
  );
}

export function ItemsPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('items.title'));
  return <Protected roles={['admin', 'investigator', 'reviewer']}>{() => <ItemsList />}</Protected>;
}
