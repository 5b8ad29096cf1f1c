import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { canWrite, type Account } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import {
  Day,
  ResponseTypeBadge,
  SourceCite,
  useIncidentOptions,
  useOrganisations,
} from '../components/ResponseBits.tsx';
import { ResponseTabs } from '../components/ResponseNav.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  RESPONSE_TYPES,
  responsesApi,
  type ResponseListEntry,
  type ResponsesSearch,
  type ResponseType,
} from '../responses-api.ts';
import { useFacilities } from './IncidentForm.tsx';
import { ResponseForm } from './ResponseForm.tsx';

function ResponseRow({ response }: { response: ResponseListEntry }): ReactNode {
  const { t } = useI18n();
  return (
    <tr>
      <td className="nowrap">
        <Day day={response.date} />
      </td>
      <td>
        <ResponseTypeBadge type={response.type} />
      </td>
      <td className="cell-note">
        <Link to="/responses/$id" params={{ id: response.id }} className="item-link">
          <Untrusted>
            {response.summary === '' ? t('response.noSummary') : response.summary}
          </Untrusted>
        </Link>
      </td>
      <td>
        {response.actingBody === null ? (
          <span className="muted">{t('common.none')}</span>
        ) : (
          <Untrusted>{response.actingBody}</Untrusted>
        )}
      </td>
      <td>
        {response.facility === null ? (
          <span className="muted">{t('common.none')}</span>
        ) : (
          <Untrusted>{response.facility}</Untrusted>
        )}
      </td>
      <td>
        {response.sources.length === 0 ? (
          <span className="muted">{t('response.noSources')}</span>
        ) : (
          <ul className="plain-list">
            {response.sources.map((s) => (
              <li key={s.id}>
                <SourceCite source={s} />
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** A filter select kept in the address. */
function FilterSelect({
  label,
  value,
  any,
  options,
  onChange,
}: {
  label: string;
  value: string | undefined;
  any: string;
  options: readonly { id: string; label: string }[];
  onChange: (value: string | undefined) => void;
}): ReactNode {
  return (
    <label className="inline-field">
      <span>{label}</span>
      <select
        value={value ?? ''}
        onChange={(e) => {
          onChange(e.target.value === '' ? undefined : e.target.value);
        }}
      >
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ResponsesList({ me }: { me: Account }): ReactNode {
  const { t, plural } = useI18n();
  const search = useSearch({ from: '/responses' });
  const navigate = useNavigate({ from: '/responses' });
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const formBox = useRef<HTMLDivElement>(null);
  const facilities = useFacilities();
  const incidents = useIncidentOptions();
  const organisations = useOrganisations();
  const query = useQuery({
    queryKey: ['responses', 'list', search],
    queryFn: () => responsesApi.responses(search),
    placeholderData: keepPreviousData,
  });
  useEffect(() => {
    if (creating) formBox.current?.querySelector<HTMLElement>('select')?.focus();
  }, [creating]);
  const setFilter = (patch: Partial<ResponsesSearch>): void => {
    void navigate({ search: (prev) => ({ ...prev, ...patch }), replace: true });
  };
  const filtered = Object.values(search).some((v) => v !== undefined);

  let body: ReactNode;
  if (query.isPending)
    body = (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  else if (query.isError)
    body = (
      <ErrorBox
        title={t('responses.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else if (query.data.length === 0)
    body = filtered ? (
      <div className="empty">
        <p>{t('responses.emptyFiltered')}</p>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            void navigate({ search: {}, replace: true });
          }}
        >
          {t('responses.showAll')}
        </button>
      </div>
    ) : (
      <div className="empty">
        <p className="empty-title">{t('responses.empty')}</p>
        <p>{canWrite(me) ? t('responses.empty.hint') : t('responses.empty.readOnly')}</p>
      </div>
    );
  else
    body = (
      <>
        <div className={`table-wrap${query.isPlaceholderData ? ' stale' : ''}`}>
          <table className="table responses-table" aria-busy={query.isFetching}>
            <caption className="sr-only">{t('responses.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('response.date')}</th>
                <th scope="col">{t('response.type')}</th>
                <th scope="col">{t('response.summary')}</th>
                <th scope="col">{t('response.actingBody')}</th>
                <th scope="col">{t('response.facility')}</th>
                <th scope="col">{t('response.sources')}</th>
              </tr>
            </thead>
            <tbody>
              {query.data.map((r) => (
                <ResponseRow key={r.id} response={r} />
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-footer">
          <span role="status">{plural('responses.shown', query.data.length)}</span>
        </div>
      </>
    );

  return (
    <div className="page">
      <ResponseTabs />
      <div className="page-head">
        <h1>{t('responses.title')}</h1>
        {canWrite(me) && !creating && (
          <button
            ref={newButton}
            type="button"
            className="button"
            onClick={() => {
              setCreating(true);
            }}
          >
            {t('responses.new')}
          </button>
        )}
      </div>
      <p className="lead">{t('responses.intro')}</p>
      {creating && (
        <div ref={formBox}>
          <ResponseForm
            onSaved={(response) => {
              void navigate({ to: '/responses/$id', params: { id: response.id } });
            }}
            onCancel={() => {
              setCreating(false);
              window.setTimeout(() => newButton.current?.focus(), 0);
            }}
          />
        </div>
      )}
      <div className="filters response-filters" role="group" aria-label={t('responses.filters')}>
        <FilterSelect
          label={t('response.type')}
          value={search.type}
          any={t('responses.anyType')}
          options={RESPONSE_TYPES.map((rt) => ({ id: rt, label: t(`responseType.${rt}`) }))}
          onChange={(v) => {
            setFilter({ type: v as ResponseType | undefined });
          }}
        />
        <FilterSelect
          label={t('response.facility')}
          value={search.facility}
          any={t('responses.anyFacility')}
          options={(facilities.data ?? []).map((f) => ({ id: f.id, label: f.name }))}
          onChange={(v) => {
            setFilter({ facility: v });
          }}
        />
        <FilterSelect
          label={t('response.incident')}
          value={search.incident}
          any={t('responses.anyIncident')}
          options={incidents.data ?? []}
          onChange={(v) => {
            setFilter({ incident: v });
          }}
        />
        <FilterSelect
          label={t('response.actingBody')}
          value={search.organisation}
          any={t('responses.anyOrganisation')}
          options={(organisations.data ?? []).map((o) => ({ id: o.id, label: o.name }))}
          onChange={(v) => {
            setFilter({ organisation: v });
          }}
        />
      </div>
      {body}
    </div>
  );
}

export function ResponsesPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('responses.title'));
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <ResponsesList me={me} />}
    </Protected>
  );
}
