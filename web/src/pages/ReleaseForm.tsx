import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { api, type Incident } from '../api.ts';
import { DetailState } from '../components/DetailState.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field, TextAreaField } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Untrusted } from '../components/PathText.tsx';
import { Protected } from '../components/Protected.tsx';
import { isoToLocal } from '../components/RedactionBits.tsx';
import { useI18n } from '../i18n/index.tsx';
import {
  releasesApi,
  type Audience,
  type Redaction,
  type Release,
  type ReleaseInput,
} from '../releases-api.ts';
import { browserOffset, localToIso, offsetLabel } from '../time.ts';
import { focusFirstInvalid } from './validation.ts';
import '../releases.css';

interface VideoRow {
  readonly redactionId: string;
  readonly caption: string;
}

interface TextRow {
  /** Only for React: texts have no ids of their own. */
  readonly key: number;
  readonly incidentId: string;
  readonly heading: string;
  readonly body: string;
}

interface FormState {
  readonly title: string;
  readonly summary: string;
  readonly contentWarning: string;
  readonly audience: Audience;
  readonly embargo: string;
  readonly requireVerified: boolean;
  readonly videos: readonly VideoRow[];
  readonly texts: readonly TextRow[];
  readonly partners: readonly string[];
}

type Errors = Partial<Record<'title' | 'embargo', string>>;

let textKey = 0;
const nextKey = (): number => ++textKey;

function initial(release: Release | null): FormState {
  if (release === null)
    return {
      title: '',
      summary: '',
      contentWarning: '',
      audience: 'partners',
      embargo: isoToLocal(new Date().toISOString()),
      requireVerified: false,
      videos: [],
      texts: [],
      partners: [],
    };
  return {
    title: release.title,
    summary: release.summary,
    contentWarning: release.contentWarning,
    audience: release.audience,
    embargo: isoToLocal(release.embargoAt),
    requireVerified: release.requireVerified,
    videos: release.videos.map((v) => ({ redactionId: v.redactionId, caption: v.caption })),
    texts: release.texts.map((x) => ({
      key: nextKey(),
      incidentId: x.incidentId ?? '',
      heading: x.heading,
      body: x.body,
    })),
    partners: release.partners.map((p) => p.id),
  };
}

function move<T>(rows: readonly T[], i: number, by: number): T[] {
  const next = [...rows];
  const j = i + by;
  if (j < 0 || j >= next.length) return next;
  [next[i], next[j]] = [next[j] as T, next[i] as T];
  return next;
}

function redactionLabel(
  t: ReturnType<typeof useI18n>['t'],
  r: { id: string; title: string },
): string {
  return r.title === '' ? t('redactions.untitled', { id: r.id.slice(0, 8) }) : r.title;
}

function incidentLabel(i18n: ReturnType<typeof useI18n>, incident: Incident): string {
  return incident.startsAt === null
    ? incident.title
    : `${incident.title} (${i18n.dateTime(incident.startsAt)})`;
}

/** Up, down and remove for one row of a list. */
function RowButtons({
  index,
  count,
  label,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  label: string;
  onMove: (by: number) => void;
  onRemove: () => void;
}): ReactNode {
  const { t } = useI18n();
  return (
    <div className="button-row">
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={index === 0}
        aria-label={t('releaseForm.upLabel', { what: label })}
        onClick={() => {
          onMove(-1);
        }}
      >
        ↑
      </button>
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={index === count - 1}
        aria-label={t('releaseForm.downLabel', { what: label })}
        onClick={() => {
          onMove(1);
        }}
      >
        ↓
      </button>
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={t('releaseForm.removeLabel', { what: label })}
        onClick={onRemove}
      >
        {t('releaseForm.remove')}
      </button>
    </div>
  );
}

function Form({ release }: { release: Release | null }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<FormState>(() => initial(release));
  const [errors, setErrors] = useState<Errors>({});
  const [pick, setPick] = useState('');
  const approved = useQuery({
    queryKey: ['redactions', { status: 'approved' }],
    queryFn: async () => (await releasesApi.redactions({ status: 'approved' })).redactions,
  });
  const partners = useQuery({
    queryKey: ['partners'],
    queryFn: async () => (await releasesApi.partners()).partners,
  });
  const incidents = useQuery({
    queryKey: ['incidents', 'choices'],
    queryFn: async () => (await api.incidents({}, null, 500)).incidents,
  });
  const byId = new Map<string, Pick<Redaction, 'id' | 'title'> & { render: Redaction['render'] }>(
    (approved.data ?? []).map((r) => [r.id, r]),
  );
  for (const v of release?.videos ?? [])
    if (!byId.has(v.redactionId))
      byId.set(v.redactionId, { id: v.redactionId, title: v.title, render: null });

  const save = useMutation({
    mutationFn: (input: ReleaseInput) =>
      release === null
        ? releasesApi.createRelease(input)
        : releasesApi.updateRelease(release.id, { ...input, version: release.version }),
    onSuccess: async (data) => {
      queryClient.setQueryData(['release', data.id], data);
      void queryClient.invalidateQueries({ queryKey: ['releases'] });
      await navigate({ to: '/releases/$id', params: { id: data.id } });
    },
  });

  const set = <K extends keyof FormState>(key: K, value: FormState[K]): void => {
    setForm((f) => ({ ...f, [key]: value }));
  };
  const setText = (i: number, patch: Partial<TextRow>): void => {
    setForm((f) => ({ ...f, texts: f.texts.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  };

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const next: Errors = {};
    if (form.title.trim() === '') next.title = t('validation.required');
    const embargoAt = localToIso(form.embargo, browserOffset(form.embargo));
    if (embargoAt === null) next.embargo = t('releaseForm.embargo.invalid');
    setErrors(next);
    if (Object.keys(next).length > 0 || embargoAt === null) {
      focusFirstInvalid(formRef.current);
      return;
    }
    save.mutate({
      title: form.title.trim(),
      summary: form.summary.trim(),
      contentWarning: form.contentWarning.trim(),
      audience: form.audience,
      embargoAt,
      requireVerified: form.requireVerified,
      videos: form.videos.map((v) => ({ redactionId: v.redactionId, caption: v.caption.trim() })),
      texts: form.texts.map((x) => ({
        incidentId: x.incidentId === '' ? null : x.incidentId,
        heading: x.heading.trim(),
        body: x.body.trim(),
      })),
      partners: form.audience === 'partners' ? form.partners : [],
    });
  };

  const available = (approved.data ?? []).filter(
    (r) => !form.videos.some((v) => v.redactionId === r.id),
  );
  const offset = offsetLabel(browserOffset(form.embargo));

  return (
    <form ref={formRef} className="form release-form" onSubmit={submit} noValidate>
      <Field
        label={t('releaseForm.title')}
        error={errors.title}
        name="title"
        maxLength={300}
        value={form.title}
        onChange={(e) => {
          set('title', e.target.value);
        }}
        required
      />
      <TextAreaField
        label={t('releaseForm.summary')}
        optional
        rows={4}
        maxLength={50_000}
        help={t('releaseForm.summary.help')}
        value={form.summary}
        onChange={(e) => {
          set('summary', e.target.value);
        }}
      />
      <TextAreaField
        label={t('releaseForm.warning')}
        optional
        rows={2}
        maxLength={2000}
        help={t('releaseForm.warning.help')}
        value={form.contentWarning}
        onChange={(e) => {
          set('contentWarning', e.target.value);
        }}
      />

      <fieldset className="radio-group">
        <legend>{t('releaseForm.audience')}</legend>
        {(['partners', 'public'] as const).map((a) => (
          <label key={a} className="radio">
            <input
              type="radio"
              name="audience"
              value={a}
              checked={form.audience === a}
              onChange={() => {
                set('audience', a);
              }}
            />
            <span>
              <strong>{t(`release.audience.${a}`)}</strong>
              <span className="field-help"> {t(`releaseForm.audience.${a}.help`)}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {form.audience === 'partners' && (
        <fieldset className="checks">
          <legend>{t('releaseForm.partners')}</legend>
          <p className="field-help">{t('releaseForm.partners.help')}</p>
          {partners.isError && (
            <ErrorBox title={t('releaseForm.partners.failed')} error={partners.error} />
          )}
          {partners.isSuccess && partners.data.length === 0 && (
            <p className="muted">{t('releaseForm.partners.none')}</p>
          )}
          {partners.isSuccess && partners.data.length > 0 && (
            <div className="check-grid">
              {partners.data.map((p) => (
                <label key={p.id} className="inline-check">
                  <input
                    type="checkbox"
                    name="partners"
                    value={p.id}
                    checked={form.partners.includes(p.id)}
                    onChange={(e) => {
                      set(
                        'partners',
                        e.target.checked
                          ? [...form.partners.filter((x) => x !== p.id), p.id]
                          : form.partners.filter((x) => x !== p.id),
                      );
                    }}
                  />
                  <span>
                    <Untrusted>{p.name}</Untrusted>{' '}
                    <span className="muted small">
                      <Untrusted>{p.email}</Untrusted>
                    </span>
                  </span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}

      <Field
        label={t('releaseForm.embargo')}
        help={t('releaseForm.embargo.help', { offset })}
        error={errors.embargo}
        name="embargo"
        type="datetime-local"
        value={form.embargo}
        onChange={(e) => {
          set('embargo', e.target.value);
        }}
        required
      />
      <label className="inline-check">
        <input
          type="checkbox"
          name="requireVerified"
          checked={form.requireVerified}
          onChange={(e) => {
            set('requireVerified', e.target.checked);
          }}
        />
        <span>
          {t('releaseForm.requireVerified')}
          <span className="field-help"> {t('releaseForm.requireVerified.help')}</span>
        </span>
      </label>

      <fieldset className="release-part">
        <legend>{t('releaseForm.videos')}</legend>
        <p className="field-help">{t('releaseForm.videos.help')}</p>
        {form.videos.length === 0 && <p className="muted">{t('releaseForm.videos.none')}</p>}
        <ol className="release-rows">
          {form.videos.map((v, i) => {
            const r = byId.get(v.redactionId);
            const label = r === undefined ? v.redactionId.slice(0, 8) : redactionLabel(t, r);
            return (
              <li key={v.redactionId} className="release-row" data-testid="form-video">
                <div className="release-row-head">
                  {r?.render != null && (
                    <img
                      className="release-thumb"
                      src={releasesApi.renderPosterUrl(v.redactionId, r.render.version)}
                      alt=""
                      loading="lazy"
                    />
                  )}
                  <strong>
                    {i + 1}. <Untrusted>{label}</Untrusted>
                  </strong>
                  <RowButtons
                    index={i}
                    count={form.videos.length}
                    label={label}
                    onMove={(by) => {
                      set('videos', move(form.videos, i, by));
                    }}
                    onRemove={() => {
                      set(
                        'videos',
                        form.videos.filter((_, j) => j !== i),
                      );
                    }}
                  />
                </div>
                <TextAreaField
                  label={t('releaseForm.caption')}
                  optional
                  rows={2}
                  maxLength={2000}
                  value={v.caption}
                  onChange={(e) => {
                    const caption = e.target.value;
                    set(
                      'videos',
                      form.videos.map((x, j) => (j === i ? { ...x, caption } : x)),
                    );
                  }}
                />
              </li>
            );
          })}
        </ol>
        {approved.isError && (
          <ErrorBox title={t('releaseForm.videos.failed')} error={approved.error} />
        )}
        {approved.isSuccess && approved.data.length === 0 && (
          <p className="muted">{t('releaseForm.videos.noneApproved')}</p>
        )}
        {available.length > 0 && (
          <div className="inline-field">
            <label htmlFor="add-video">{t('releaseForm.videos.pick')}</label>
            <select
              id="add-video"
              value={pick}
              onChange={(e) => {
                setPick(e.target.value);
              }}
            >
              <option value="">{t('releaseForm.videos.choose')}</option>
              {available.map((r) => (
                <option key={r.id} value={r.id}>
                  {redactionLabel(t, r)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-secondary"
              disabled={pick === ''}
              onClick={() => {
                set('videos', [...form.videos, { redactionId: pick, caption: '' }]);
                setPick('');
              }}
            >
              {t('releaseForm.videos.add')}
            </button>
          </div>
        )}
      </fieldset>

      <fieldset className="release-part">
        <legend>{t('releaseForm.texts')}</legend>
        <p className="box box-notice">{t('releaseForm.texts.warning')}</p>
        {form.texts.length === 0 && <p className="muted">{t('releaseForm.texts.none')}</p>}
        <ol className="release-rows">
          {form.texts.map((x, i) => {
            const label =
              x.heading.trim() === '' ? t('releaseForm.textN', { n: i + 1 }) : x.heading;
            return (
              <li key={x.key} className="release-row" data-testid="form-text">
                <div className="release-row-head">
                  <strong>{t('releaseForm.textN', { n: i + 1 })}</strong>
                  <RowButtons
                    index={i}
                    count={form.texts.length}
                    label={label}
                    onMove={(by) => {
                      set('texts', move(form.texts, i, by));
                    }}
                    onRemove={() => {
                      set(
                        'texts',
                        form.texts.filter((_, j) => j !== i),
                      );
                    }}
                  />
                </div>
                <Field
                  label={t('releaseForm.heading')}
                  optional
                  maxLength={300}
                  value={x.heading}
                  onChange={(e) => {
                    setText(i, { heading: e.target.value });
                  }}
                />
                <TextAreaField
                  label={t('releaseForm.body')}
                  rows={5}
                  maxLength={50_000}
                  value={x.body}
                  onChange={(e) => {
                    setText(i, { body: e.target.value });
                  }}
                />
                <div className="field">
                  <label htmlFor={`text-incident-${String(x.key)}`}>
                    {t('releaseForm.incident')}{' '}
                    <span className="field-optional">{t('common.optional')}</span>
                  </label>
                  <select
                    id={`text-incident-${String(x.key)}`}
                    value={x.incidentId}
                    aria-describedby={`text-incident-${String(x.key)}-help`}
                    onChange={(e) => {
                      setText(i, { incidentId: e.target.value });
                    }}
                  >
                    <option value="">{t('releaseForm.incident.none')}</option>
                    {incidents.data?.map((incident) => (
                      <option key={incident.id} value={incident.id}>
                        {incidentLabel(i18n, incident)}
                      </option>
                    ))}
                  </select>
                  <p className="field-help" id={`text-incident-${String(x.key)}-help`}>
                    {t('releaseForm.incident.help')}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
        <div>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              set('texts', [
                ...form.texts,
                { key: nextKey(), incidentId: '', heading: '', body: '' },
              ]);
            }}
          >
            {t('releaseForm.texts.add')}
          </button>
        </div>
      </fieldset>

      {save.isError && <ErrorBox title={t('releaseForm.saveFailed')} error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {release === null ? t('releaseForm.create') : t('releaseForm.save')}
        </button>
        {release === null ? (
          <Link to="/releases" search={{}} className="button button-secondary">
            {t('releaseForm.cancel')}
          </Link>
        ) : (
          <Link to="/releases/$id" params={{ id: release.id }} className="button button-secondary">
            {t('releaseForm.cancel')}
          </Link>
        )}
      </div>
    </form>
  );
}

export function NewReleasePage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('releaseForm.new'));
  return (
    <Protected roles={['admin', 'investigator']}>
      {() => (
        <div className="page page-form">
          <p className="back">
            <Link to="/releases" search={{}}>
              {t('releases.back')}
            </Link>
          </p>
          <h1>{t('releaseForm.new')}</h1>
          <Form release={null} />
        </div>
      )}
    </Protected>
  );
}

function EditLoader(): ReactNode {
  const { t } = useI18n();
  const { id } = useParams({ from: '/releases/$id/edit' });
  const query = useQuery({ queryKey: ['release', id], queryFn: () => releasesApi.release(id) });
  const back = (
    <Link to="/releases/$id" params={{ id }}>
      {t('release.back')}
    </Link>
  );
  return (
    <DetailState query={query} failed={t('release.failed')} back={back}>
      {(release) => (
        <div className="page page-form">
          <p className="back">{back}</p>
          <h1>{t('releaseForm.edit')}</h1>
          {release.status === 'draft' ? (
            <Form release={release} />
          ) : (
            <p className="box box-notice">{t('releaseForm.notDraft')}</p>
          )}
        </div>
      )}
    </DetailState>
  );
}

export function EditReleasePage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('releaseForm.edit'));
  return <Protected roles={['admin', 'investigator']}>{() => <EditLoader />}</Protected>;
}
