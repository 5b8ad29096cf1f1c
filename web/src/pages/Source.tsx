import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { canWrite, type Account } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import {
  ClaimFacts,
  Day,
  ExternalLink,
  responseLabel,
  useIncidentOptions,
  useOrganisations,
  usePeopleOptions,
  useResponses,
} from '../components/ResponseBits.tsx';
import { ResponseTabs } from '../components/ResponseNav.tsx';
import { useI18n } from '../i18n/index.tsx';
import { responsesApi, type Claim, type SourceDetail } from '../responses-api.ts';
import { ClaimForm } from './ClaimForm.tsx';
import { SourceForm } from './SourceForm.tsx';

/** Names of the records claims link to, for showing the links. */
function useLinkNames() {
  const i18n = useI18n();
  const incidents = useIncidentOptions();
  const people = usePeopleOptions();
  const organisations = useOrganisations();
  const responses = useResponses();
  return {
    incident: new Map((incidents.data ?? []).map((i) => [i.id, i.label])),
    person: new Map((people.data ?? []).map((p) => [p.id, p.pseudonym])),
    organisation: new Map((organisations.data ?? []).map((o) => [o.id, o.name])),
    response: new Map((responses.data ?? []).map((r) => [r.id, responseLabel(i18n, r)])),
  };
}

function ClaimLinks({ claim }: { claim: Claim }): ReactNode {
  const { t } = useI18n();
  const names = useLinkNames();
  const groups: { key: string; label: string; links: ReactNode[] }[] = [
    {
      key: 'incidents',
      label: t('claims.incidents'),
      links: claim.incidents.map((id) => (
        <Link key={id} to="/incidents/$id" params={{ id }}>
          <Untrusted>{names.incident.get(id) ?? id}</Untrusted>
        </Link>
      )),
    },
    {
      key: 'responses',
      label: t('claims.responses'),
      links: claim.responses.map((id) => (
        <Link key={id} to="/responses/$id" params={{ id }}>
          <Untrusted>{names.response.get(id) ?? id}</Untrusted>
        </Link>
      )),
    },
    {
      key: 'people',
      label: t('claims.people'),
      links: claim.people.map((id) => <Untrusted key={id}>{names.person.get(id) ?? id}</Untrusted>),
    },
    {
      key: 'organisations',
      label: t('claims.organisations'),
      links: claim.organisations.map((id) => (
        <Untrusted key={id}>{names.organisation.get(id) ?? id}</Untrusted>
      )),
    },
  ].filter((g) => g.links.length > 0);
  if (groups.length === 0) return <p className="muted small">{t('claims.noLinks')}</p>;
  return (
    <dl className="claim-links">
      {groups.map((g) => (
        <div key={g.key}>
          <dt>{g.label}</dt>
          <dd>
            <ul className="inline-list">
              {g.links.map((link, k) => (
                <li key={k}>{link}</li>
              ))}
            </ul>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ClaimCard({ claim, me }: { claim: Claim; me: Account }): ReactNode {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  if (editing)
    return (
      <li className="claim">
        <ClaimForm
          sourceId={claim.sourceId}
          claim={claim}
          onSaved={() => {
            setEditing(false);
          }}
          onCancel={() => {
            setEditing(false);
          }}
        />
      </li>
    );
  return (
    <li className="claim">
      <blockquote className="quote">
        <Untrusted>{claim.quote}</Untrusted>
      </blockquote>
      <ClaimFacts claim={claim} />
      <ClaimLinks claim={claim} />
      {canWrite(me) && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setEditing(true);
          }}
        >
          {t('claims.editButton')}
          <span className="sr-only"> {claim.summary === '' ? claim.quote : claim.summary}</span>
        </button>
      )}
    </li>
  );
}

function SourceView({ source, me }: { source: SourceDetail; me: Account }): ReactNode {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const heading = source.title !== '' ? source.title : source.outlet;
  useTitle(heading === '' ? t('sources.untitled') : heading);
  return (
    <article className="page source">
      <ResponseTabs />
      <p className="back">
        <Link to="/sources" search={{}}>
          {t('sources.back')}
        </Link>
      </p>
      <div className="page-head">
        <div className="item-title">
          <h1>
            <Untrusted>{heading === '' ? t('sources.untitled') : heading}</Untrusted>
          </h1>
        </div>
        {canWrite(me) && !editing && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setEditing(true);
            }}
          >
            {t('sources.edit')}
          </button>
        )}
      </div>
      {editing ? (
        <SourceForm
          source={source}
          onSaved={() => {
            setEditing(false);
          }}
          onCancel={() => {
            setEditing(false);
          }}
        />
      ) : (
        <div className="item-grid">
          <section aria-labelledby="source-facts-h">
            <h2 id="source-facts-h">{t('sources.facts')}</h2>
            <dl className="facts">
              <div>
                <dt>{t('sources.kind')}</dt>
                <dd>{t(`sourceKind.${source.kind}`)}</dd>
              </div>
              <div>
                <dt>{t('sources.outlet')}</dt>
                <dd>
                  <Untrusted>{source.outlet === '' ? t('common.none') : source.outlet}</Untrusted>
                </dd>
              </div>
              <div>
                <dt>{t('sources.author')}</dt>
                <dd>
                  <Untrusted>{source.author === '' ? t('common.none') : source.author}</Untrusted>
                </dd>
              </div>
              <div>
                <dt>{t('sources.publishedOn')}</dt>
                <dd>
                  <Day day={source.publishedOn} />
                </dd>
              </div>
              <div>
                <dt>{t('sources.language')}</dt>
                <dd>
                  <Untrusted>
                    {source.language === '' ? t('common.none') : source.language}
                  </Untrusted>
                </dd>
              </div>
              <div>
                <dt>{t('sources.url')}</dt>
                <dd className="source-url">
                  <ExternalLink url={source.url} label={source.url ?? undefined} />
                </dd>
              </div>
              <div>
                <dt>{t('sources.item')}</dt>
                <dd>
                  {source.itemId === null ? (
                    t('common.none')
                  ) : (
                    <Link to="/items/$id" params={{ id: source.itemId }} search={{}}>
                      {t('sources.item.open')}
                    </Link>
                  )}
                </dd>
              </div>
              <div>
                <dt>{t('sources.addedBy')}</dt>
                <dd>
                  <Untrusted>{source.createdBy}</Untrusted>
                </dd>
              </div>
            </dl>
            {source.note !== '' && (
              <>
                <h3>{t('sources.note')}</h3>
                <p className="description">
                  <Untrusted>{source.note}</Untrusted>
                </p>
              </>
            )}
          </section>
          <section aria-labelledby="source-text-h">
            <h2 id="source-text-h">{t('sources.archivedText')}</h2>
            {source.archivedText === '' ? (
              <p className="muted">{t('sources.noText')}</p>
            ) : (
              <div className="archived-text" tabIndex={0}>
                <Untrusted>{source.archivedText}</Untrusted>
              </div>
            )}
          </section>
        </div>
      )}

      <section aria-labelledby="claims-h" className="claims-section">
        <h2 id="claims-h">{t('claims.title')}</h2>
        <p className="muted">{t('claims.intro')}</p>
        {source.claims.length === 0 ? (
          <p className="muted">{t('claims.empty')}</p>
        ) : (
          <ul className="claims">
            {source.claims.map((c) => (
              <ClaimCard key={c.id} claim={c} me={me} />
            ))}
          </ul>
        )}
        {canWrite(me) && <ClaimForm sourceId={source.id} />}
      </section>
    </article>
  );
}

function SourceLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/sources/$id' });
  const query = useQuery({ queryKey: ['source', id], queryFn: () => responsesApi.source(id) });
  return (
    <DetailState
      query={query}
      failed={t('sources.loadFailed')}
      back={
        <Link to="/sources" search={{}}>
          {t('sources.back')}
        </Link>
      }
    >
      {(data) => <SourceView source={data} me={me} />}
    </DetailState>
  );
}

export function SourcePage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <SourceLoader me={me} />}
    </Protected>
  );
}
