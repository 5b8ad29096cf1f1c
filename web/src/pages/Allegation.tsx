import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useId, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import {
  ALLEGATION_STATUSES,
  allegationsApi,
  type Allegation,
  type AllegationStatus,
} from '../allegations-api.ts';
import { api, canWrite, type Account } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { TextAreaField } from '../components/Field.tsx';
import { eventRows, History } from '../components/History.tsx';
import { useTitle } from '../components/Layout.tsx';
import { PathText, Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { formatSize } from '../format.ts';
import { useI18n } from '../i18n/index.tsx';
import { AllegationStatusBadge, excerpt } from './Allegations.tsx';
import '../allegations.css';

interface Choice {
  readonly id: string;
  readonly name: string;
}

/**
 * Links of one kind: the chosen records as chips (each removable) and a list to add another.
 * Names are archive text (untrusted).
 */
function LinkPicker({
  label,
  options,
  chosen,
  onChange,
}: {
  label: string;
  options: readonly Choice[];
  chosen: readonly Choice[];
  onChange: (next: Choice[]) => void;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const [pick, setPick] = useState('');
  const left = options.filter((o) => !chosen.some((c) => c.id === o.id));
  return (
    <fieldset className="allegation-links">
      <legend>{label}</legend>
      {chosen.length === 0 ? (
        <p className="muted">{t('allegation.links.none')}</p>
      ) : (
        <ul className="chips">
          {chosen.map((c) => (
            <li key={c.id} className="chip">
              <Untrusted>{c.name}</Untrusted>{' '}
              <button
                type="button"
                className="link-button"
                aria-label={t('allegation.links.remove', { name: c.name })}
                onClick={() => {
                  onChange(chosen.filter((x) => x.id !== c.id));
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="allegation-link-add">
        <label className="sr-only" htmlFor={id}>
          {label}
        </label>
        <select
          id={id}
          value={pick}
          onChange={(e) => {
            setPick(e.target.value);
          }}
        >
          <option value="">{t('allegation.links.choose')}</option>
          {left.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>{' '}
        <button
          type="button"
          className="button button-secondary"
          disabled={pick === ''}
          onClick={() => {
            const choice = options.find((o) => o.id === pick);
            if (choice !== undefined) onChange([...chosen, choice]);
            setPick('');
          }}
        >
          {t('allegation.links.add')}
        </button>
      </div>
    </fieldset>
  );
}

/** Status, the allegation it repeats, and its links, saved together. */
function Triage({ allegation }: { allegation: Allegation }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AllegationStatus>(allegation.status);
  const [duplicateOf, setDuplicateOf] = useState(allegation.duplicateOf ?? '');
  const [incidents, setIncidents] = useState<Choice[]>(
    allegation.links.incidents.map((i) => ({ id: i.id, name: i.title })),
  );
  const [people, setPeople] = useState<Choice[]>(
    allegation.links.people.map((p) => ({ id: p.id, name: p.pseudonym })),
  );
  const [facilities, setFacilities] = useState<Choice[]>(
    allegation.links.facilities.map((f) => ({ id: f.id, name: f.name })),
  );
  const [saved, setSaved] = useState(false);
  const others = useQuery({
    queryKey: ['allegations', 'choices'],
    queryFn: async () => (await allegationsApi.list({}, null, 200)).allegations,
  });
  const incidentChoices = useQuery({
    queryKey: ['incidents', 'choices'],
    queryFn: async () => (await api.incidents({}, null, 500)).incidents,
  });
  const peopleChoices = useQuery({
    queryKey: ['people'],
    queryFn: async () => (await api.people(null, 500)).people,
  });
  const facilityChoices = useQuery({ queryKey: ['facilities'], queryFn: api.facilities });
  const save = useMutation({
    mutationFn: () =>
      allegationsApi.triage(allegation.id, {
        status,
        duplicateOf: status === 'duplicate' && duplicateOf !== '' ? duplicateOf : null,
        incidents: incidents.map((c) => c.id),
        people: people.map((c) => c.id),
        facilities: facilities.map((c) => c.id),
      }),
    onSuccess: (next) => {
      setSaved(true);
      setStatus(next.status);
      setDuplicateOf(next.duplicateOf ?? '');
      queryClient.setQueryData(['allegation', allegation.id], next);
      void queryClient.invalidateQueries({ queryKey: ['allegations'] });
    },
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  };
  const change = (): void => {
    setSaved(false);
  };
  return (
    <form className="form form-box allegation-triage" onSubmit={submit} aria-labelledby="triage-h">
      <h2 id="triage-h">{t('allegation.triage')}</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor="allegation-status">{t('allegation.status')}</label>
          <select
            id="allegation-status"
            value={status}
            onChange={(e) => {
              change();
              const next = e.target.value as AllegationStatus;
              setStatus(next);
              if (next !== 'duplicate') setDuplicateOf('');
            }}
          >
            {ALLEGATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`allegations.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="allegation-duplicate">{t('allegation.duplicateOf')}</label>
          <select
            id="allegation-duplicate"
            value={duplicateOf}
            aria-describedby="allegation-duplicate-help"
            onChange={(e) => {
              change();
              setDuplicateOf(e.target.value);
              if (e.target.value !== '') setStatus('duplicate');
              else if (status === 'duplicate') setStatus('triaged');
            }}
          >
            <option value="">{t('allegation.duplicateOf.none')}</option>
            {others.data
              ?.filter((o) => o.id !== allegation.id)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {i18n.dateTime(o.createdAt)} — {excerpt(o.excerpt, 60)}
                </option>
              ))}
          </select>
          <p className="field-help" id="allegation-duplicate-help">
            {t('allegation.duplicateOf.help')}
          </p>
        </div>
      </div>
      <div className="allegation-link-grid">
        <LinkPicker
          label={t('allegation.links.incidents')}
          options={(incidentChoices.data ?? []).map((i) => ({ id: i.id, name: i.title }))}
          chosen={incidents}
          onChange={(next) => {
            change();
            setIncidents(next);
          }}
        />
        <LinkPicker
          label={t('allegation.links.people')}
          options={(peopleChoices.data ?? []).map((p) => ({ id: p.id, name: p.pseudonym }))}
          chosen={people}
          onChange={(next) => {
            change();
            setPeople(next);
          }}
        />
        <LinkPicker
          label={t('allegation.links.facilities')}
          options={(facilityChoices.data ?? []).map((f) => ({ id: f.id, name: f.name }))}
          chosen={facilities}
          onChange={(next) => {
            change();
            setFacilities(next);
          }}
        />
      </div>
      {save.isError && <ErrorBox title={t('allegation.triage.failed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {t('allegation.triage.save')}
        </button>
        <span role="status" className="form-status">
          {saved ? t('allegation.triage.saved') : ''}
        </span>
      </div>
    </form>
  );
}

function ReplyForm({ allegation }: { allegation: Allegation }): ReactNode {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: () => allegationsApi.reply(allegation.id, body.trim()),
    onSuccess: (next) => {
      setBody('');
      setSent(true);
      queryClient.setQueryData(['allegation', allegation.id], next);
      void queryClient.invalidateQueries({ queryKey: ['allegations'] });
    },
  });
  return (
    <form
      className="form allegation-reply"
      noValidate
      aria-labelledby="reply-h"
      onSubmit={(e) => {
        e.preventDefault();
        setSent(false);
        if (body.trim() === '') {
          setError(t('validation.required'));
          return;
        }
        setError(null);
        send.mutate();
      }}
    >
      <h3 id="reply-h">{t('allegation.reply')}</h3>
      <TextAreaField
        label={t('allegation.reply.label')}
        help={t('allegation.reply.help')}
        error={error}
        value={body}
        rows={4}
        maxLength={20000}
        onChange={(e) => {
          setBody(e.target.value);
        }}
      />
      {send.isError && <ErrorBox title={t('allegation.reply.failed')} error={send.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={send.isPending}>
          {t('allegation.reply.send')}
        </button>
        <span role="status" className="form-status">
          {sent ? t('allegation.reply.sent') : ''}
        </span>
      </div>
    </form>
  );
}

function Detail({ label, text }: { label: string; text: string }): ReactNode {
  const { t } = useI18n();
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {text === '' ? (
          <span className="muted">{t('common.none')}</span>
        ) : (
          <div className="description">
            <Untrusted>{text}</Untrusted>
          </div>
        )}
      </dd>
    </div>
  );
}

function AllegationView({ allegation, me }: { allegation: Allegation; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const title = t('allegation.title', { date: i18n.dateTime(allegation.createdAt) });
  useTitle(title);
  return (
    <article className="page allegation">
      <p className="back">
        <Link to="/allegations" search={{}}>
          {t('allegation.back')}
        </Link>
      </p>
      <div className="page-head">
        <h1>{title}</h1>
        <AllegationStatusBadge status={allegation.status} />
      </div>
      {allegation.duplicateOf !== null && (
        <p>
          <Link to="/allegations/$id" params={{ id: allegation.duplicateOf }}>
            {t('allegation.duplicateOf')}
          </Link>
        </p>
      )}
      {allegation.duplicates.length > 0 && (
        <p>
          {t('allegation.duplicates')}:{' '}
          {allegation.duplicates.map((id, n) => (
            <span key={id}>
              {n > 0 && ', '}
              <Link to="/allegations/$id" params={{ id }}>
                {id.slice(0, 8)}
              </Link>
            </span>
          ))}
        </p>
      )}

      <section aria-labelledby="account-h">
        <h2 id="account-h">{t('allegation.account')}</h2>
        <p className="muted small">{t('allegation.asWritten')}</p>
        <div className="allegation-text description">
          <Untrusted>{allegation.account}</Untrusted>
        </div>
        <dl className="facts allegation-facts">
          <Detail label={t('allegation.where')} text={allegation.facility} />
          <Detail label={t('allegation.when')} text={allegation.occurredOn} />
          <Detail label={t('allegation.who')} text={allegation.people} />
          <Detail label={t('allegation.formLanguage')} text={allegation.language} />
        </dl>
      </section>

      <section aria-labelledby="files-h">
        <h2 id="files-h">{t('allegation.files')}</h2>
        <p className="muted small">{t('allegation.files.note')}</p>
        {allegation.attachments.length === 0 ? (
          <p className="muted">{t('allegation.files.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table allegation-files">
              <caption className="sr-only">{t('allegation.files')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('allegation.files.name')}</th>
                  <th scope="col" className="num">
                    {t('allegation.files.size')}
                  </th>
                  <th scope="col">{t('allegation.files.kind')}</th>
                  <th scope="col">{t('allegation.files.received')}</th>
                </tr>
              </thead>
              <tbody>
                {allegation.attachments.map((f) => (
                  <tr key={f.id}>
                    <td className="cell-name">
                      <Link
                        to="/items/$id"
                        params={{ id: f.itemId }}
                        search={{}}
                        className="item-link"
                        aria-label={`${t('allegation.files.open')}: ${f.nameShown}`}
                      >
                        <PathText>{f.nameShown}</PathText>
                      </Link>
                    </td>
                    <td className="num nowrap">{formatSize(i18n, f.size)}</td>
                    <td>{i18n.maybe(`kind.${f.kind}`) ?? f.kind}</td>
                    <td className="nowrap">
                      <time dateTime={f.receivedAt}>{i18n.dateTime(f.receivedAt)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="messages-h">
        <h2 id="messages-h">{t('allegation.messages')}</h2>
        {allegation.messages.length === 0 ? (
          <p className="muted">{t('allegation.messages.none')}</p>
        ) : (
          <ol className="allegation-messages">
            {allegation.messages.map((m) => (
              <li key={m.id} className={`allegation-message from-${m.author}`}>
                <p className="allegation-message-head">
                  <strong>
                    {m.author === 'staff' ? (
                      t('allegation.fromStaff', { who: m.staffActor ?? '' })
                    ) : (
                      <>{t('allegation.fromSubmitter')}</>
                    )}
                  </strong>{' '}
                  <time dateTime={m.createdAt} className="muted">
                    {i18n.dateTime(m.createdAt)}
                  </time>
                </p>
                <div className="description">
                  <Untrusted>{m.body}</Untrusted>
                </div>
              </li>
            ))}
          </ol>
        )}
        {canWrite(me) && <ReplyForm allegation={allegation} />}
      </section>

      {canWrite(me) ? (
        <Triage allegation={allegation} />
      ) : (
        <section aria-labelledby="links-h">
          <h2 id="links-h">{t('allegation.triage')}</h2>
          <dl className="facts">
            <Detail
              label={t('allegation.links.incidents')}
              text={allegation.links.incidents.map((i) => i.title).join(', ')}
            />
            <Detail
              label={t('allegation.links.people')}
              text={allegation.links.people.map((p) => p.pseudonym).join(', ')}
            />
            <Detail
              label={t('allegation.links.facilities')}
              text={allegation.links.facilities.map((f) => f.name).join(', ')}
            />
          </dl>
        </section>
      )}

      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('allegation.history')}</h2>
        <History
          rows={eventRows(allegation.history)}
          caption={t('allegation.history')}
          empty={t('allegation.history.empty')}
        />
      </section>
    </article>
  );
}

function AllegationLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/allegations/$id' });
  const query = useQuery({ queryKey: ['allegation', id], queryFn: () => allegationsApi.get(id) });
  return (
    <DetailState
      query={query}
      failed={t('allegation.failed')}
      back={
        <Link to="/allegations" search={{}}>
          {t('allegation.back')}
        </Link>
      }
    >
      {(data) => <AllegationView allegation={data} me={me} />}
    </DetailState>
  );
}

export function AllegationPage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <AllegationLoader me={me} />}
    </Protected>
  );
}
