import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { canWrite, type Account } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import {
  ClaimFacts,
  Day,
  formatDay,
  formatFigure,
  ResponseTypeBadge,
  roleLabel,
  SourceCite,
} from '../components/ResponseBits.tsx';
import { ResponseTabs } from '../components/ResponseNav.tsx';
import { useI18n } from '../i18n/index.tsx';
import { responsesApi, type Conflict, type ResponseDetail } from '../responses-api.ts';
import { ResponseForm } from './ResponseForm.tsx';

/**
 * Where the sources that report a response disagree: every value side by side, each with the
 * quotes and sources that give it. Nothing is chosen for the reader.
 */
function ConflictBox({ conflict, index }: { conflict: Conflict; index: number }): ReactNode {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const headingId = `conflict-${index}`;
  const valueText = (value: number | string): string =>
    conflict.field === 'figure' && typeof value === 'number'
      ? t('claims.figureShown', { figure: formatFigure(i18n, value), unit: conflict.unit ?? '' })
      : formatDay(i18n, String(value));
  return (
    <div className="conflict" role="group" aria-labelledby={headingId}>
      <h3 id={headingId} className="conflict-title">
        {conflict.field === 'figure'
          ? t('conflict.figure', { unit: conflict.unit ?? '' })
          : t('conflict.date')}
      </h3>
      <div className="conflict-sides">
        {conflict.values.map((v) => {
          const sources = new Set(v.claims.map((c) => c.source.id)).size;
          return (
            <section
              key={String(v.value)}
              className="conflict-side"
              aria-label={valueText(v.value)}
            >
              <p className="conflict-value">{valueText(v.value)}</p>
              <p className="conflict-count">{plural('conflict.sources', sources)}</p>
              <ul className="conflict-claims">
                {v.claims.map((c) => (
                  <li key={c.claimId}>
                    <blockquote className="quote">
                      <Untrusted>{c.quote}</Untrusted>
                    </blockquote>
                    <p className="conflict-source">
                      <SourceCite source={c.source} />
                    </p>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}

function Withdraw({ response }: { response: ResponseDetail }): ReactNode {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const withdraw = useMutation({
    mutationFn: () => responsesApi.withdrawResponse(response.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['responses'] });
      void queryClient.invalidateQueries({ queryKey: ['accountability'] });
      void navigate({ to: '/responses', search: {} });
    },
  });
  useEffect(() => {
    if (asking) keep.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button
        type="button"
        className="button button-secondary"
        onClick={() => {
          setAsking(true);
        }}
      >
        {t('response.withdraw')}
      </button>
    );
  return (
    <div className="confirm" role="alertdialog" aria-labelledby="withdraw-q">
      <p id="withdraw-q">{t('response.withdraw.confirm')}</p>
      <button
        type="button"
        className="button button-danger"
        disabled={withdraw.isPending}
        onClick={() => {
          withdraw.mutate();
        }}
      >
        {t('response.withdraw')}
      </button>{' '}
      <button
        ref={keep}
        type="button"
        className="button button-secondary"
        onClick={() => {
          setAsking(false);
        }}
      >
        {t('response.withdraw.keep')}
      </button>
      {withdraw.isError && (
        <ErrorBox title={t('response.withdraw.failed')} error={withdraw.error} />
      )}
    </div>
  );
}

function ResponseView({ response, me }: { response: ResponseDetail; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const [editing, setEditing] = useState(false);
  const typeLabel = t(`responseType.${response.type}`);
  useTitle(response.date === null ? typeLabel : `${typeLabel} · ${formatDay(i18n, response.date)}`);
  return (
    <article className="page response">
      <ResponseTabs />
      <p className="back">
        <Link to="/responses" search={{}}>
          {t('response.back')}
        </Link>
      </p>
      <div className="page-head">
        <div className="item-title">
          <h1>
            {typeLabel}
            {response.date !== null && (
              <span className="title-date">
                {' · '}
                <Day day={response.date} />
              </span>
            )}
          </h1>
        </div>
        {canWrite(me) && !editing && (
          <div className="head-actions">
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setEditing(true);
              }}
            >
              {t('response.edit')}
            </button>
            <Withdraw response={response} />
          </div>
        )}
      </div>
      {response.summary !== '' && (
        <p className="lead response-summary">
          <Untrusted>{response.summary}</Untrusted>
        </p>
      )}

      {editing && (
        <ResponseForm
          response={response}
          onSaved={() => {
            setEditing(false);
          }}
          onCancel={() => {
            setEditing(false);
          }}
        />
      )}

      {response.conflicts.length > 0 && (
        <section className="conflicts" aria-labelledby="conflicts-h">
          <h2 id="conflicts-h">{t('conflict.title')}</h2>
          <p className="conflicts-intro">{t('conflict.intro')}</p>
          {response.conflicts.map((c, k) => (
            <ConflictBox key={`${c.field}-${c.unit ?? ''}`} conflict={c} index={k} />
          ))}
        </section>
      )}

      <div className="item-grid">
        <section aria-labelledby="response-facts-h">
          <h2 id="response-facts-h">{t('response.facts')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('response.type')}</dt>
              <dd>
                <ResponseTypeBadge type={response.type} />
              </dd>
            </div>
            <div>
              <dt>{t('response.date')}</dt>
              <dd>
                <Day day={response.date} />
              </dd>
            </div>
            <div>
              <dt>{t('response.actingBody')}</dt>
              <dd>
                {response.actingBody === null ? (
                  t('common.none')
                ) : (
                  <Untrusted>{response.actingBody}</Untrusted>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('response.facility')}</dt>
              <dd>
                {response.facility === null || response.facilityId === null ? (
                  t('common.none')
                ) : (
                  <>
                    <Untrusted>{response.facility}</Untrusted>{' '}
                    <Link
                      to="/accountability"
                      search={{ facility: response.facilityId }}
                      className="small"
                    >
                      {t('accountability.link')}
                    </Link>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>{t('response.addedBy')}</dt>
              <dd>
                <Untrusted>{response.createdBy}</Untrusted>
              </dd>
            </div>
          </dl>
        </section>
        <section aria-labelledby="response-people-h">
          <h2 id="response-people-h">{t('response.people')}</h2>
          {response.people.length === 0 ? (
            <p className="muted">{t('response.noPeople')}</p>
          ) : (
            <ul className="people">
              {response.people.map((p) => (
                <li key={`${p.id}-${p.role}`}>
                  <strong>
                    <Untrusted>{p.pseudonym}</Untrusted>
                  </strong>{' '}
                  <span className="badge role-badge">{roleLabel(i18n, p.role)}</span>
                </li>
              ))}
            </ul>
          )}
          <h2 id="response-incidents-h">{t('response.incidents')}</h2>
          {response.incidents.length === 0 ? (
            <p className="muted">{t('response.noIncidents')}</p>
          ) : (
            <ul className="plain-list">
              {response.incidents.map((i) => (
                <li key={i.id}>
                  <Link to="/incidents/$id" params={{ id: i.id }}>
                    <Untrusted>{i.title}</Untrusted>
                  </Link>
                  {i.startsAt !== null && (
                    <span className="muted"> · {i18n.dateTimeZone(i.startsAt)}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="response-claims-h" className="claims-section">
        <h2 id="response-claims-h">{t('response.reportedBy')}</h2>
        {response.claims.length === 0 ? (
          <p className="muted">{t('response.noClaims')}</p>
        ) : (
          <ul className="claims">
            {response.claims.map((c) => (
              <li key={c.id} className="claim">
                <blockquote className="quote">
                  <Untrusted>{c.quote}</Untrusted>
                </blockquote>
                <ClaimFacts claim={c} />
                <p className="claim-source">
                  <SourceCite source={c.source} />
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function ResponseLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/responses/$id' });
  const query = useQuery({ queryKey: ['response', id], queryFn: () => responsesApi.response(id) });
  return (
    <DetailState
      query={query}
      failed={t('response.failed')}
      back={
        <Link to="/responses" search={{}}>
          {t('response.back')}
        </Link>
      }
    >
      {(data) => <ResponseView response={data} me={me} />}
    </DetailState>
  );
}

export function ResponsePage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <ResponseLoader me={me} />}
    </Protected>
  );
}
