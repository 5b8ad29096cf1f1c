import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { api, canWrite, type Account } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatTime } from '../time.ts';
import {
  CHECK_PARTS,
  CHECK_RESULTS,
  CONFIDENCE_LEVELS,
  EVIDENCE_TYPES,
  FINAL_STATUSES,
  OPEN_STATUSES,
  verificationApi,
  type Check,
  type CheckResult,
  type Confidence,
  type EvidenceType,
  type FinalStatus,
  type IncidentHints,
  type ItemHints,
  type ShownEvidence,
  type SubjectType,
  type Verification as VerificationRecord,
  type VerificationPatch,
  type VerificationStatus,
} from '../verification-api.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { TextAreaField } from './Field.tsx';
import { Untrusted } from './PathText.tsx';
import { VerificationBadge } from './VerificationBadge.tsx';
import { useHints, VerificationHints } from './VerificationHints.tsx';

interface Subject {
  readonly type: SubjectType;
  readonly id: string;
}

interface Suggestion {
  readonly value: string;
  readonly label: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const PAGE_TYPES: Readonly<Record<string, EvidenceType>> = {
  items: 'item',
  incidents: 'incident',
  sources: 'source',
  claims: 'claim',
  responses: 'response',
};

/** A pasted page address or id as a link; the address names its type where it can. */
function parseLink(text: string, fallback: EvidenceType): ShownEvidence | null {
  const id = UUID.exec(text)?.[0]?.toLowerCase();
  if (id === undefined) return null;
  const page = /\/(items|incidents|sources|claims|responses)\/[0-9a-f-]{36}/i.exec(text)?.[1];
  const type = page === undefined ? fallback : (PAGE_TYPES[page.toLowerCase()] ?? fallback);
  return { type, id, label: null, exists: true };
}

const linkKey = (e: { type: string; id: string }): string => `${e.type}:${e.id}`;

/** Evidence the archive already knows of for this subject: copies, segments, claims. */
function useSuggestions(subject: Subject): Suggestion[] {
  const { t } = useI18n();
  const hints = useHints(subject.type, subject.id);
  const segments = useQuery({
    queryKey: ['segments', subject.id],
    queryFn: () => api.segments(subject.id),
    enabled: subject.type === 'item',
  });
  const out: Suggestion[] = [];
  const range = (a: number, b: number): string => `${formatTime(a)}–${formatTime(b)}`;
  const data = hints.data;
  if (data !== undefined && 'incidentId' in data) {
    const incident: IncidentHints = data;
    for (const item of incident.items) {
      out.push({
        value: `item:${item.itemId}`,
        label: t('verification.suggest.item', { name: item.name }),
      });
      for (const s of item.segments)
        out.push({
          value: `segment:${s.id}`,
          label: t('verification.suggest.segment', {
            range: range(s.start, s.end),
            name: item.name,
          }),
        });
    }
    for (const c of incident.claims)
      out.push({
        value: `claim:${c.id}`,
        label: t('verification.suggest.claim', { outlet: c.outlet, quote: c.quote.slice(0, 80) }),
      });
  } else if (data !== undefined) {
    const item: ItemHints = data;
    for (const s of item.copies.similar)
      out.push({
        value: `item:${s.itemId}`,
        label: t('verification.suggest.copy', { name: s.name ?? s.itemId.slice(0, 8) }),
      });
    for (const s of segments.data ?? [])
      out.push({
        value: `segment:${s.id}`,
        label: t('verification.suggest.segment', { range: range(s.start, s.end), name: item.name }),
      });
  }
  return out;
}

function EvidenceLinkText({ link }: { link: ShownEvidence }): ReactNode {
  const { t } = useI18n();
  const text = link.label === null || link.label === '' ? link.id.slice(0, 8) : link.label;
  const shown = <Untrusted>{text}</Untrusted>;
  return (
    <>
      <span className="badge evidence-type">{t(`verification.evidenceType.${link.type}`)}</span>{' '}
      {!link.exists ? (
        <span className="muted">
          {shown} {t('verification.evidence.gone')}
        </span>
      ) : link.type === 'item' ? (
        <Link to="/items/$id" params={{ id: link.id }} search={{}}>
          {shown}
        </Link>
      ) : link.type === 'incident' ? (
        <Link to="/incidents/$id" params={{ id: link.id }}>
          {shown}
        </Link>
      ) : (
        shown
      )}
    </>
  );
}

function AddEvidence({
  suggestions,
  present,
  onAdd,
}: {
  suggestions: readonly Suggestion[];
  present: readonly ShownEvidence[];
  onAdd: (link: ShownEvidence) => void;
}): ReactNode {
  const { t } = useI18n();
  const errorId = useId();
  const [picked, setPicked] = useState('');
  const [type, setType] = useState<EvidenceType>('item');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const taken = new Set(present.map(linkKey));
  const offered = suggestions.filter((s) => !taken.has(s.value));
  const add = (link: ShownEvidence | null): void => {
    if (link === null) setError(t('verification.evidence.invalid'));
    else if (taken.has(linkKey(link))) setError(t('verification.evidence.duplicate'));
    else {
      setError(null);
      onAdd(link);
    }
  };
  return (
    <details className="add-evidence">
      <summary>{t('verification.evidence.add')}</summary>
      {offered.length > 0 && (
        <div className="add-evidence-row">
          <label className="inline-field">
            <span>{t('verification.evidence.suggested')}</span>
            <select
              value={picked}
              onChange={(e) => {
                setPicked(e.target.value);
              }}
            >
              <option value="">{t('verification.evidence.pick')}</option>
              {offered.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button-secondary"
            disabled={picked === ''}
            onClick={() => {
              const s = offered.find((o) => o.value === picked);
              const [kind, id] = picked.split(':');
              if (s !== undefined && kind !== undefined && id !== undefined)
                add({ type: kind as EvidenceType, id, label: s.label, exists: true });
              setPicked('');
            }}
          >
            {t('verification.evidence.addPicked')}
          </button>
        </div>
      )}
      <div className="add-evidence-row">
        <label className="inline-field">
          <span>{t('verification.evidence.type')}</span>
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as EvidenceType);
            }}
          >
            {EVIDENCE_TYPES.map((k) => (
              <option key={k} value={k}>
                {t(`verification.evidenceType.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field add-evidence-link">
          <span>{t('verification.evidence.id')}</span>
          <input
            type="text"
            dir="ltr"
            value={text}
            maxLength={2000}
            aria-invalid={error === null ? undefined : true}
            aria-describedby={error === null ? undefined : errorId}
            onChange={(e) => {
              setText(e.target.value);
            }}
          />
        </label>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            const link = parseLink(text, type);
            add(link);
            if (link !== null && !taken.has(linkKey(link))) setText('');
          }}
        >
          {t('verification.evidence.addLink')}
        </button>
      </div>
      <p className="field-help">{t('verification.evidence.id.help')}</p>
      {error !== null && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </details>
  );
}

interface Draft {
  readonly result: CheckResult;
  readonly note: string;
  readonly evidence: readonly ShownEvidence[];
}

function CheckEditor({
  check,
  draft,
  suggestions,
  onChange,
}: {
  check: Check;
  draft: Draft;
  suggestions: readonly Suggestion[];
  onChange: (draft: Draft) => void;
}): ReactNode {
  const i18n = useI18n();
  const { t, language } = i18n;
  const helpId = useId();
  return (
    <fieldset className={`verification-check result-${draft.result}`} aria-describedby={helpId}>
      <legend>{check.label[language]}</legend>
      <p className="field-help" id={helpId}>
        {check.help[language]}
      </p>
      <label className="inline-field">
        <span>{t('verification.result')}</span>
        <select
          name={`result-${check.code}`}
          value={draft.result}
          onChange={(e) => {
            onChange({ ...draft, result: e.target.value as CheckResult });
          }}
        >
          {CHECK_RESULTS.map((r) => (
            <option key={r} value={r}>
              {t(`verification.result.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <TextAreaField
        label={t('verification.note')}
        name={`note-${check.code}`}
        value={draft.note}
        rows={2}
        maxLength={20_000}
        onChange={(e) => {
          onChange({ ...draft, note: e.target.value });
        }}
      />
      <div className="verification-evidence">
        <span className="evidence-title">{t('verification.evidence')}</span>
        {draft.evidence.length === 0 ? (
          <p className="muted small">{t('verification.evidence.none')}</p>
        ) : (
          <ul>
            {draft.evidence.map((e) => (
              <li key={linkKey(e)}>
                <EvidenceLinkText link={e} />{' '}
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('verification.evidence.removeLabel', {
                    what: e.label ?? e.id.slice(0, 8),
                  })}
                  onClick={() => {
                    onChange({
                      ...draft,
                      evidence: draft.evidence.filter((x) => linkKey(x) !== linkKey(e)),
                    });
                  }}
                >
                  {t('verification.evidence.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <AddEvidence
          suggestions={suggestions}
          present={draft.evidence}
          onAdd={(link) => {
            onChange({ ...draft, evidence: [...draft.evidence, link] });
          }}
        />
      </div>
    </fieldset>
  );
}

const sameLinks = (a: readonly ShownEvidence[], b: readonly ShownEvidence[]): boolean =>
  a.map(linkKey).sort().join() === b.map(linkKey).sort().join();

/** The record as an investigator edits it: status, confidence, summary and every check. */
function VerificationForm({
  record,
  subject,
  saving,
  onSave,
}: {
  record: VerificationRecord;
  subject: Subject;
  saving: boolean;
  onSave: (patch: VerificationPatch) => void;
}): ReactNode {
  const { t } = useI18n();
  const suggestions = useSuggestions(subject);
  const final = !(OPEN_STATUSES as readonly string[]).includes(record.status);
  const [status, setStatus] = useState<VerificationStatus>(record.status);
  const [confidence, setConfidence] = useState<Confidence | null>(record.confidence);
  const [summary, setSummary] = useState(record.summary);
  const [drafts, setDrafts] = useState<Readonly<Record<string, Draft>>>(() =>
    Object.fromEntries(
      record.checks.map((c) => [c.code, { result: c.result, note: c.note, evidence: c.evidence }]),
    ),
  );
  const [untouched, setUntouched] = useState(false);

  const patch = (): VerificationPatch => {
    const checks = record.checks.flatMap((c) => {
      const d = drafts[c.code];
      if (d === undefined) return [];
      const changed = {
        ...(d.result === c.result ? {} : { result: d.result }),
        ...(d.note === c.note ? {} : { note: d.note }),
        ...(sameLinks(d.evidence, c.evidence)
          ? {}
          : { evidence: d.evidence.map((e) => ({ type: e.type, id: e.id })) }),
      };
      return Object.keys(changed).length === 0 ? [] : [{ code: c.code, ...changed }];
    });
    return {
      ...(status === record.status ? {} : { status: status as (typeof OPEN_STATUSES)[number] }),
      ...(confidence === record.confidence ? {} : { confidence }),
      ...(summary === record.summary ? {} : { summary }),
      ...(checks.length === 0 ? {} : { checks }),
    };
  };

  return (
    <form
      className="verification-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const p = patch();
        setUntouched(Object.keys(p).length === 0);
        if (Object.keys(p).length > 0) onSave(p);
      }}
    >
      <div className="verification-record">
        <label className="inline-field">
          <span>{t('verification.status')}</span>
          <select
            name="verification-status"
            value={status}
            aria-describedby="verification-status-help"
            onChange={(e) => {
              setStatus(e.target.value as VerificationStatus);
            }}
          >
            {final && (
              <option value={record.status}>{t(`verification.status.${record.status}`)}</option>
            )}
            {OPEN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`verification.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('verification.confidence')}</span>
          <select
            name="verification-confidence"
            value={confidence ?? ''}
            onChange={(e) => {
              const v = e.target.value;
              setConfidence(v === '' ? null : (v as Confidence));
            }}
          >
            <option value="">{t('verification.confidence.none')}</option>
            {CONFIDENCE_LEVELS.map((c) => (
              <option key={c} value={c}>
                {t(`verification.confidence.${c}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="field-help" id="verification-status-help">
        {t('verification.status.help')}
      </p>
      {final && <p className="box box-notice">{t('verification.reopenNote')}</p>}
      <TextAreaField
        label={t('verification.summary')}
        help={t('verification.summary.help')}
        name="verification-summary"
        value={summary}
        rows={3}
        maxLength={20_000}
        onChange={(e) => {
          setSummary(e.target.value);
        }}
      />
      {CHECK_PARTS.map((part) => (
        <section key={part} className="verification-part" aria-labelledby={`vpart-${part}`}>
          <h3 id={`vpart-${part}`}>{t(`verification.part.${part}`)}</h3>
          {record.checks
            .filter((c) => c.part === part)
            .map((c) => (
              <CheckEditor
                key={c.code}
                check={c}
                draft={drafts[c.code] ?? { result: c.result, note: c.note, evidence: c.evidence }}
                suggestions={suggestions}
                onChange={(d) => {
                  setUntouched(false);
                  setDrafts((prev) => ({ ...prev, [c.code]: d }));
                }}
              />
            ))}
        </section>
      ))}
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {t('verification.save')}
        </button>
        {untouched && (
          <p className="muted" role="status">
            {t('verification.nothingChanged')}
          </p>
        )}
      </div>
    </form>
  );
}

/** The checklist as someone who may not change it sees it. */
function ReadOnlyChecks({ record }: { record: VerificationRecord }): ReactNode {
  const i18n = useI18n();
  const { t, language } = i18n;
  return (
    <div className="verification-form">
      {record.summary === '' ? (
        <p className="muted">{t('verification.noSummary')}</p>
      ) : (
        <p className="description">
          <Untrusted>{record.summary}</Untrusted>
        </p>
      )}
      {CHECK_PARTS.map((part) => (
        <section key={part} className="verification-part" aria-labelledby={`vpart-${part}`}>
          <h3 id={`vpart-${part}`}>{t(`verification.part.${part}`)}</h3>
          {record.checks
            .filter((c) => c.part === part)
            .map((c) => (
              <div key={c.code} className={`verification-check result-${c.result}`}>
                <h4>
                  {c.label[language]}{' '}
                  <span className={`badge check-result check-${c.result}`}>
                    {t(`verification.result.${c.result}`)}
                  </span>
                </h4>
                <p className="field-help">{c.help[language]}</p>
                {c.note !== '' && (
                  <p className="description">
                    <Untrusted>{c.note}</Untrusted>
                  </p>
                )}
                {c.updatedBy !== null && c.updatedAt !== null && (
                  <p className="muted small">
                    <Untrusted>
                      {t('verification.checkedBy', {
                        who: c.updatedBy,
                        when: i18n.dateTime(c.updatedAt),
                      })}
                    </Untrusted>
                  </p>
                )}
                {c.evidence.length > 0 && (
                  <ul className="verification-evidence">
                    {c.evidence.map((e) => (
                      <li key={linkKey(e)}>
                        <EvidenceLinkText link={e} />
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
        </section>
      ))}
    </div>
  );
}

/** Sign-off: the form for a reviewer who may, or why this reader may not. */
function SignOff({
  record,
  onSign,
  signing,
}: {
  record: VerificationRecord;
  onSign: (input: { status: FinalStatus; confidence: Confidence | null; note: string }) => void;
  signing: boolean;
}): ReactNode {
  const { t } = useI18n();
  const [status, setStatus] = useState<FinalStatus>('verified');
  const [confidence, setConfidence] = useState<Confidence | null>(record.confidence);
  const [note, setNote] = useState('');
  const { allowed, reason } = record.signOff;
  return (
    <section className="verification-signoff" aria-labelledby="signoff-h">
      <h3 id="signoff-h">{t('verification.signOff.title')}</h3>
      {!allowed ? (
        <p className="box box-notice" data-testid="signoff-reason">
          {t(`verification.signOff.${reason ?? 'not-in-review'}`)}
        </p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            onSign({ status, confidence, note });
          }}
        >
          <p className="muted">{t('verification.signOff.intro')}</p>
          <div className="verification-record">
            <label className="inline-field">
              <span>{t('verification.signOff.status')}</span>
              <select
                name="signoff-status"
                value={status}
                onChange={(e) => {
                  setStatus(e.target.value as FinalStatus);
                }}
              >
                {FINAL_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`verification.status.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-field">
              <span>{t('verification.confidence')}</span>
              <select
                name="signoff-confidence"
                value={confidence ?? ''}
                onChange={(e) => {
                  const v = e.target.value;
                  setConfidence(v === '' ? null : (v as Confidence));
                }}
              >
                <option value="">{t('verification.confidence.none')}</option>
                {CONFIDENCE_LEVELS.map((c) => (
                  <option key={c} value={c}>
                    {t(`verification.confidence.${c}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <TextAreaField
            label={t('verification.signOff.note')}
            name="signoff-note"
            value={note}
            rows={2}
            maxLength={5000}
            optional
            onChange={(e) => {
              setNote(e.target.value);
            }}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={signing}>
              {t('verification.signOff.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function RecordHistory({ record }: { record: VerificationRecord }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  if (record.history.length === 0) return null;
  return (
    <details className="verification-history">
      <summary>{t('verification.history')}</summary>
      <ol>
        {record.history.map((h) => {
          const status =
            h.status === null ? '' : (i18n.maybe(`verification.status.${h.status}`) ?? h.status);
          return (
            <li key={h.seq}>
              <time dateTime={h.at}>{i18n.dateTime(h.at)}</time> <Untrusted>{h.actor}</Untrusted>{' '}
              {h.action === 'verification.signed-off'
                ? t('verification.history.signed-off', { status })
                : t('verification.history.updated', { status })}
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/**
 * The verification record of an item or an incident: status and confidence, the checklist by
 * part (editable by investigators and admins), the hints Custody computes beside it, and the
 * sign-off by a second person.
 */
export function Verification({ subject, me }: { subject: Subject; me: Account }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const key = ['verification', subject.type, subject.id];
  const query = useQuery({
    queryKey: key,
    queryFn: () => verificationApi.get(subject.type, subject.id),
  });
  const refresh = (record: VerificationRecord): void => {
    queryClient.setQueryData(key, record);
    for (const k of [[subject.type, subject.id], ['items'], ['incidents'], ['verification-hints']])
      void queryClient.invalidateQueries({ queryKey: k });
  };
  const save = useMutation({
    mutationFn: (patch: VerificationPatch) =>
      verificationApi.update(subject.type, subject.id, patch),
    onSuccess: refresh,
  });
  const sign = useMutation({
    mutationFn: (input: { status: FinalStatus; confidence: Confidence | null; note: string }) =>
      verificationApi.signOff(subject.type, subject.id, {
        status: input.status,
        confidence: input.confidence,
        ...(input.note.trim() === '' ? {} : { note: input.note }),
        ...(query.data?.updatedAt == null ? {} : { seen: query.data.updatedAt }),
      }),
    onSuccess: refresh,
  });

  let body: ReactNode;
  if (query.isPending) body = <p className="loading">{t('common.loading')}</p>;
  else if (query.isError)
    body = (
      <ErrorBox
        title={t('verification.failed')}
        error={query.error}
        onRetry={() => {
          void query.refetch();
        }}
      />
    );
  else {
    const record = query.data;
    body = (
      <>
        <div className="verification-state">
          <VerificationBadge status={record.status} />
          {record.confidence !== null && (
            <span>
              {t('verification.confidence')}: {t(`verification.confidence.${record.confidence}`)}
            </span>
          )}
          <span className="muted">
            {record.updatedBy === null || record.updatedAt === null ? (
              t('verification.never')
            ) : (
              <Untrusted>
                {t('verification.lastChange', {
                  who: record.updatedBy,
                  when: i18n.dateTime(record.updatedAt),
                })}
              </Untrusted>
            )}
          </span>
          {record.signedOffBy !== null && record.signedOffAt !== null && (
            <span>
              <Untrusted>
                {t('verification.signedOff', {
                  who: record.signedOffBy,
                  when: i18n.dateTime(record.signedOffAt),
                })}
              </Untrusted>
            </span>
          )}
        </div>
        {record.signOffNote !== '' && (
          <p className="signoff-note">
            {t('verification.signOffNote')} <Untrusted>{record.signOffNote}</Untrusted>
          </p>
        )}
        <div className="verification-grid">
          {canWrite(me) ? (
            <VerificationForm
              key={`${record.updatedAt ?? ''}|${record.status}`}
              record={record}
              subject={subject}
              saving={save.isPending}
              onSave={(patch) => {
                sign.reset();
                save.mutate(patch);
              }}
            />
          ) : (
            <ReadOnlyChecks record={record} />
          )}
          <VerificationHints type={subject.type} id={subject.id} />
        </div>
        {save.isSuccess && <p role="status">{t('verification.saved')}</p>}
        {save.isError && <ErrorBox title={t('verification.saveFailed')} error={save.error} />}
        <SignOff
          key={`${record.updatedAt ?? ''}|${record.status}`}
          record={record}
          signing={sign.isPending}
          onSign={(input) => {
            save.reset();
            sign.mutate(input);
          }}
        />
        {sign.isSuccess && <p role="status">{t('verification.signOff.done')}</p>}
        {sign.isError && <ErrorBox title={t('verification.signOff.failed')} error={sign.error} />}
        <RecordHistory record={record} />
      </>
    );
  }
  return (
    <section aria-labelledby="verification-h" className="verification" data-testid="verification">
      <h2 id="verification-h">{t('verification.title')}</h2>
      <p className="muted">{t('verification.intro')}</p>
      {body}
    </section>
  );
}
