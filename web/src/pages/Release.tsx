import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { api, canWrite, type Account } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import { History } from '../components/History.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import {
  isoToLocal,
  PublishedBadge,
  RedactionStatusBadge,
  ReleaseStatusBadge,
} from '../components/RedactionBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import { releasesApi, type Release } from '../releases-api.ts';
import { browserOffset, localToIso, offsetLabel } from '../time.ts';
import '../releases.css';

const DAY_MS = 24 * 3600 * 1000;

function useRelease(release: Release) {
  const queryClient = useQueryClient();
  return (data: Release): void => {
    queryClient.setQueryData(['release', release.id], data);
    void queryClient.invalidateQueries({ queryKey: ['releases'] });
  };
}

/** Submit, approve, send back: the two-person steps, as the reader may take them. */
function Steps({ release, me }: { release: Release; me: Account }): ReactNode {
  const { t } = useI18n();
  const loaded = useRelease(release);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const step = useMutation({
    mutationFn: (which: 'submit' | 'approve' | 'return') =>
      releasesApi.releaseStep(release.id, which, {
        version: release.version,
        ...(note.trim() === '' ? {} : { note: note.trim() }),
      }),
    onSuccess: (data) => {
      loaded(data);
      setNote('');
    },
  });
  const mayWrite = canWrite(me);
  const isAuthor = release.authors.includes(me.email);
  if (release.status === 'draft')
    return mayWrite ? (
      <div className="release-steps" data-testid="release-steps">
        <p className="muted">{t('release.draft.intro')}</p>
        <div className="button-row">
          <Link
            to="/releases/$id/edit"
            params={{ id: release.id }}
            className="button button-secondary"
          >
            {t('release.edit')}
          </Link>
          <button
            type="button"
            className="button"
            disabled={step.isPending}
            onClick={() => {
              step.mutate('submit');
            }}
          >
            {t('release.submit')}
          </button>
        </div>
        {step.isError && <ErrorBox title={t('release.stepFailed')} error={step.error} />}
      </div>
    ) : null;
  if (release.status !== 'submitted') return null;
  return (
    <div className="release-steps" data-testid="release-steps">
      {release.canApprove ? (
        <p>{t('release.review.intro')}</p>
      ) : (
        <p className="muted" data-testid="approve-why">
          {isAuthor ? t('release.review.own') : t('release.review.role')}
        </p>
      )}
      {(release.canApprove || mayWrite) && (
        <div className={`field${noteError === null ? '' : ' field-invalid'}`}>
          <label htmlFor="release-note">
            {t('release.note')} <span className="field-optional">{t('common.optional')}</span>
          </label>
          <textarea
            id="release-note"
            rows={2}
            maxLength={5000}
            value={note}
            aria-invalid={noteError === null ? undefined : true}
            aria-describedby={noteError === null ? undefined : 'release-note-error'}
            onChange={(e) => {
              setNote(e.target.value);
              setNoteError(null);
            }}
          />
          {noteError !== null && (
            <p className="field-error" id="release-note-error" role="alert">
              {noteError}
            </p>
          )}
        </div>
      )}
      <div className="button-row">
        {release.canApprove && (
          <button
            type="button"
            className="button"
            disabled={step.isPending}
            onClick={() => {
              step.mutate('approve');
            }}
          >
            {t('release.approve')}
          </button>
        )}
        {(release.canApprove || mayWrite) && (
          <button
            type="button"
            className="button button-secondary"
            disabled={step.isPending}
            onClick={() => {
              if (release.canApprove && note.trim() === '') {
                setNoteError(t('release.returnNote'));
                return;
              }
              step.mutate('return');
            }}
          >
            {release.canApprove ? t('release.return') : t('release.withdraw')}
          </button>
        )}
      </div>
      {step.isError && <ErrorBox title={t('release.stepFailed')} error={step.error} />}
    </div>
  );
}

/** Revoking: a reason, a second click to confirm; every audience and link loses it at once. */
function Revoke({ release }: { release: Release }): ReactNode {
  const { t } = useI18n();
  const loaded = useRelease(release);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const revoke = useMutation({
    mutationFn: () =>
      releasesApi.revokeRelease(release.id, reason.trim() === '' ? {} : { reason: reason.trim() }),
    onSuccess: (data) => {
      loaded(data);
      setOpen(false);
    },
  });
  if (release.status === 'revoked') return null;
  if (!open)
    return (
      <div className="release-revoke">
        <button
          type="button"
          className="button button-danger"
          onClick={() => {
            setOpen(true);
          }}
        >
          {t('release.revoke')}
        </button>
      </div>
    );
  return (
    <div className="form release-revoke" role="group" aria-labelledby="revoke-h">
      <h3 id="revoke-h">{t('release.revoke.title')}</h3>
      <p>{t('release.revoke.intro')}</p>
      <TextAreaField
        label={t('release.revoke.reason')}
        optional
        rows={2}
        maxLength={5000}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
        }}
      />
      {revoke.isError && <ErrorBox title={t('release.revoke.failed')} error={revoke.error} />}
      <div className="form-actions">
        <button
          type="button"
          className="button button-danger"
          disabled={revoke.isPending}
          onClick={() => {
            revoke.mutate();
          }}
        >
          {t('release.revoke.confirm')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          // The keyboard lands on the safe choice.
          autoFocus
          onClick={() => {
            setOpen(false);
          }}
        >
          {t('release.revoke.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Share links: make one for a named recipient (its address shown once), list and revoke. */
function Links({ release, me }: { release: Release; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const loaded = useRelease(release);
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [recipient, setRecipient] = useState('');
  const [expires, setExpires] = useState(() =>
    isoToLocal(new Date(Date.now() + 14 * DAY_MS).toISOString()),
  );
  const [errors, setErrors] = useState<{ recipient?: string; expires?: string }>({});
  const [made, setMade] = useState<{ recipient: string; address: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: (input: { recipient: string; expiresAt: string }) =>
      releasesApi.createLink(release.id, input),
    onSuccess: (link, input) => {
      setMade({ recipient: input.recipient, address: `${window.location.origin}${link.path}` });
      setCopied(false);
      setRecipient('');
      void queryClient.invalidateQueries({ queryKey: ['release', release.id] });
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) => releasesApi.revokeLink(release.id, linkId),
    onSuccess: loaded,
  });
  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const next: { recipient?: string; expires?: string } = {};
    if (recipient.trim() === '') next.recipient = t('validation.required');
    const expiresAt = localToIso(expires, browserOffset(expires));
    if (expiresAt === null) next.expires = t('releaseForm.embargo.invalid');
    else if (new Date(expiresAt).getTime() <= Date.now()) next.expires = t('release.links.past');
    setErrors(next);
    if (Object.keys(next).length > 0 || expiresAt === null) return;
    create.mutate({ recipient: recipient.trim(), expiresAt });
  };
  const mayWrite = canWrite(me);
  return (
    <section aria-labelledby="links-h" data-testid="release-links">
      <h2 id="links-h">{t('release.links')}</h2>
      <p className="muted">{t('release.links.intro')}</p>
      {made !== null && (
        <div className="box box-success link-made" role="status" data-testid="link-made">
          <p className="box-title">{t('release.links.made', { who: made.recipient })}</p>
          <p>{t('release.links.once')}</p>
          <div className="inline-field">
            <label htmlFor="link-address" className="sr-only">
              {t('release.links.address')}
            </label>
            <input
              id="link-address"
              type="text"
              readOnly
              value={made.address}
              onFocus={(e) => {
                e.currentTarget.select();
              }}
            />
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                void navigator.clipboard
                  .writeText(made.address)
                  .then(() => {
                    setCopied(true);
                  })
                  .catch(() => {
                    document.getElementById('link-address')?.focus();
                  });
              }}
            >
              {copied ? t('release.links.copied') : t('release.links.copy')}
            </button>
          </div>
        </div>
      )}
      {mayWrite && release.status !== 'revoked' && (
        <form ref={formRef} className="form link-form" onSubmit={submit} noValidate>
          <h3>{t('release.links.new')}</h3>
          <div className="form-row">
            <Field
              label={t('release.links.recipient')}
              help={t('release.links.recipient.help')}
              error={errors.recipient}
              name="recipient"
              maxLength={200}
              value={recipient}
              onChange={(e) => {
                setRecipient(e.target.value);
              }}
              required
            />
            <Field
              label={t('release.links.expires')}
              help={offsetLabel(browserOffset(expires))}
              error={errors.expires}
              name="expires"
              type="datetime-local"
              value={expires}
              onChange={(e) => {
                setExpires(e.target.value);
              }}
              required
            />
          </div>
          {create.isError && <ErrorBox title={t('release.links.failed')} error={create.error} />}
          <div className="form-actions">
            <button type="submit" className="button" disabled={create.isPending}>
              {t('release.links.create')}
            </button>
          </div>
        </form>
      )}
      {revoke.isError && <ErrorBox title={t('release.links.revokeFailed')} error={revoke.error} />}
      {release.links.length === 0 ? (
        <p className="muted">{t('release.links.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="links-table">
            <caption className="sr-only">{t('release.links')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('release.links.recipient')}</th>
                <th scope="col">{t('release.links.state')}</th>
                <th scope="col">{t('release.links.expires')}</th>
                <th scope="col">{t('release.links.createdBy')}</th>
                <th scope="col">
                  <span className="sr-only">{t('release.links.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {release.links.map((l) => {
                const state = l.revokedAt !== null ? 'revoked' : l.active ? 'active' : 'expired';
                return (
                  <tr key={l.id}>
                    <td>
                      <Untrusted>{l.recipient}</Untrusted>
                    </td>
                    <td>
                      <span className={`badge rstatus rstatus-link-${state}`}>
                        {t(`release.links.${state}`)}
                      </span>
                    </td>
                    <td className="nowrap">{i18n.dateTimeZone(l.expiresAt)}</td>
                    <td>
                      <Untrusted>{l.createdBy}</Untrusted>{' '}
                      <span className="muted small">{i18n.dateTime(l.createdAt)}</span>
                    </td>
                    <td>
                      {state === 'active' && (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          disabled={revoke.isPending}
                          aria-label={t('release.links.revokeLabel', { who: l.recipient })}
                          onClick={() => {
                            revoke.mutate(l.id);
                          }}
                        >
                          {t('release.links.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Who outside viewed, played or downloaded which video, and when. */
function AccessRecord({ release }: { release: Release }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section aria-labelledby="access-h" data-testid="access-record">
      <h2 id="access-h">{t('release.access')}</h2>
      <p className="muted">{t('release.access.intro')}</p>
      {release.access.length === 0 ? (
        <p className="muted">{t('release.access.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('release.access')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('release.access.at')}</th>
                <th scope="col">{t('release.access.who')}</th>
                <th scope="col">{t('release.access.action')}</th>
                <th scope="col">{t('release.access.video')}</th>
              </tr>
            </thead>
            <tbody>
              {release.access.map((a, i) => (
                <tr key={`${a.at}-${String(i)}`}>
                  <td className="nowrap">
                    <time dateTime={a.at}>{i18n.dateTime(a.at)}</time>
                  </td>
                  <td>
                    <Untrusted>{a.recipient}</Untrusted>
                  </td>
                  <td>{t(`release.access.${a.action}`)}</td>
                  <td>{a.position === null ? t('common.none') : String(a.position)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ReleaseView({ release, me }: { release: Release; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  useTitle(release.title);
  const incidents = useQuery({
    queryKey: ['incidents', 'choices'],
    queryFn: async () => (await api.incidents({}, null, 500)).incidents,
    enabled: release.texts.some((x) => x.incidentId !== null),
  });
  const incidentTitle = new Map((incidents.data ?? []).map((i) => [i.id, i.title]));
  return (
    <article className="page release" data-testid="release">
      <p className="back">
        <Link to="/releases" search={{}}>
          {t('releases.back')}
        </Link>
      </p>
      <div className="page-head">
        <div>
          <h1>
            <Untrusted>{release.title}</Untrusted>
          </h1>
          <p className="redact-facts">
            <ReleaseStatusBadge status={release.status} />{' '}
            <PublishedBadge
              status={release.status}
              published={release.published}
              embargoAt={release.embargoAt}
            />{' '}
            <span className="muted">{t('redaction.version', { n: release.version })}</span>
          </p>
        </div>
      </div>

      <dl className="facts release-facts">
        <div>
          <dt>{t('releaseForm.audience')}</dt>
          <dd data-testid="release-audience">
            {t(`release.audience.${release.audience}`)}
            {release.audience === 'partners' && (
              <>
                {': '}
                {release.partners.length === 0 ? (
                  <span className="muted">{t('release.partners.none')}</span>
                ) : (
                  release.partners.map((p, i) => (
                    <span key={p.id}>
                      {i > 0 && ', '}
                      <Untrusted>{p.name}</Untrusted>
                    </span>
                  ))
                )}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('releaseForm.embargo')}</dt>
          <dd>{i18n.dateTimeZone(release.embargoAt)}</dd>
        </div>
        <div>
          <dt>{t('releaseForm.requireVerified')}</dt>
          <dd>{release.requireVerified ? t('release.yes') : t('release.no')}</dd>
        </div>
        <div>
          <dt>{t('release.authors')}</dt>
          <dd>
            <Untrusted>{release.authors.join(', ')}</Untrusted>
          </dd>
        </div>
        {release.approvedBy !== null && (
          <div>
            <dt>{t('release.approvedBy')}</dt>
            <dd>
              <Untrusted>{release.approvedBy}</Untrusted>
              {release.approvedAt !== null && `, ${i18n.dateTime(release.approvedAt)}`}
            </dd>
          </div>
        )}
        {release.revokedBy !== null && (
          <div>
            <dt>{t('release.revokedBy')}</dt>
            <dd>
              <Untrusted>{release.revokedBy}</Untrusted>
              {release.revokedAt !== null && `, ${i18n.dateTime(release.revokedAt)}`}
              {release.revokeReason !== '' && (
                <>
                  {': '}
                  <Untrusted>{release.revokeReason}</Untrusted>
                </>
              )}
            </dd>
          </div>
        )}
      </dl>

      <Steps release={release} me={me} />

      <section aria-labelledby="content-h">
        <h2 id="content-h">{t('release.content')}</h2>
        {release.contentWarning !== '' && (
          <div className="box box-notice content-warning">
            <p className="box-title">{t('shared.warning')}</p>
            <p className="cell-note">
              <Untrusted>{release.contentWarning}</Untrusted>
            </p>
          </div>
        )}
        {release.summary === '' ? (
          <p className="muted">{t('release.noSummary')}</p>
        ) : (
          <p className="release-text-body">
            <Untrusted>{release.summary}</Untrusted>
          </p>
        )}
        <h3>{t('releaseForm.videos')}</h3>
        {release.videos.length === 0 ? (
          <p className="muted">{t('releaseForm.videos.none')}</p>
        ) : (
          <ol className="release-videos">
            {release.videos.map((v) => (
              <li key={v.position} className="release-video-row" data-testid="release-video">
                <img
                  className="release-thumb"
                  src={`/api/redactions/${encodeURIComponent(v.redactionId)}/poster`}
                  alt=""
                  loading="lazy"
                />
                <div>
                  <Link to="/redactions/$id" params={{ id: v.redactionId }}>
                    {v.title === '' ? (
                      t('redactions.untitled', { id: v.redactionId.slice(0, 8) })
                    ) : (
                      <Untrusted>{v.title}</Untrusted>
                    )}
                  </Link>{' '}
                  <RedactionStatusBadge status={v.status} />
                  {v.caption !== '' && (
                    <p className="release-caption">
                      <Untrusted>{v.caption}</Untrusted>
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
        <h3>{t('releaseForm.texts')}</h3>
        {release.texts.length === 0 ? (
          <p className="muted">{t('releaseForm.texts.none')}</p>
        ) : (
          release.texts.map((x) => (
            <div key={x.position} className="release-text" data-testid="release-text">
              {x.heading !== '' && (
                <h4>
                  <Untrusted>{x.heading}</Untrusted>
                </h4>
              )}
              {x.incidentId !== null && (
                <p className="muted small">
                  {t('release.aboutIncident')}{' '}
                  <Link to="/incidents/$id" params={{ id: x.incidentId }}>
                    <Untrusted>
                      {incidentTitle.get(x.incidentId) ?? x.incidentId.slice(0, 8)}
                    </Untrusted>
                  </Link>
                </p>
              )}
              <p className="release-text-body">
                <Untrusted>{x.body}</Untrusted>
              </p>
            </div>
          ))
        )}
      </section>

      {release.audience === 'partners' && <Links release={release} me={me} />}
      <AccessRecord release={release} />

      <section aria-labelledby="revoke-section-h">
        <h2 id="revoke-section-h" className="sr-only">
          {t('release.revoke')}
        </h2>
        <Revoke release={release} />
      </section>

      <section aria-labelledby="release-history-h">
        <h2 id="release-history-h">{t('redaction.history')}</h2>
        <History
          rows={release.history.map((e) => ({ ...e, key: `e${String(e.seq)}`, payload: null }))}
          caption={t('redaction.history')}
          empty={t('redaction.history.empty')}
        />
      </section>
    </article>
  );
}

function ReleaseLoader({ me }: { me: Account }): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/releases/$id' });
  const query = useQuery({ queryKey: ['release', id], queryFn: () => releasesApi.release(id) });
  return (
    <DetailState
      query={query}
      failed={t('release.failed')}
      back={
        <Link to="/releases" search={{}}>
          {t('releases.back')}
        </Link>
      }
    >
      {(release) => <ReleaseView release={release} me={me} />}
    </DetailState>
  );
}

export function ReleasePage(): ReactNode {
  return (
    <Protected roles={['admin', 'investigator', 'reviewer']}>
      {(me) => <ReleaseLoader me={me} />}
    </Protected>
  );
}
