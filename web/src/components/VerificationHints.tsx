import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useI18n, type I18n } from '../i18n/index.tsx';
import {
  verificationApi,
  type CustodyIntegrity,
  type IncidentHints,
  type ItemHints,
  type SubjectType,
} from '../verification-api.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { PathText, Untrusted } from './PathText.tsx';
import { VerificationBadge } from './VerificationBadge.tsx';

/** The hints of a subject, shared by the panel and the evidence suggestions. */
export function useHints(type: SubjectType, id: string) {
  return useQuery({
    queryKey: ['verification-hints', type, id],
    queryFn: (): Promise<ItemHints | IncidentHints> =>
      type === 'item' ? verificationApi.itemHints(id) : verificationApi.incidentHints(id),
  });
}

/** A wall-clock or UTC time as written, without the 'T' and fractions. */
const plainTime = (iso: string): string =>
  iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', '');

/** A span of seconds as "3 h 00 min" or "40 s", sign kept. */
export function span(i18n: I18n, seconds: number): string {
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s < 60) return sign + i18n.t('verification.duration.s', { s });
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return sign + i18n.t('verification.duration.hm', { h, m: String(m).padStart(2, '0') });
}

const offset = (minutes: number): string => {
  const sign = minutes < 0 ? '−' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

function TimeHints({ hints }: { hints: ItemHints }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const { overlay, creationTime, overlayVsCreation: cmp, files } = hints.time;
  let verdict: string;
  if (cmp === null) verdict = t('verification.hints.noComparison');
  else if (cmp.verdict === 'agrees') verdict = t('verification.hints.agrees');
  else if (cmp.verdict === 'zone-offset')
    verdict = t('verification.hints.zoneOffset', {
      difference: span(i18n, cmp.differenceSeconds),
      offset: offset(cmp.zoneOffsetMinutes ?? 0),
    });
  else verdict = t('verification.hints.differs', { difference: span(i18n, cmp.differenceSeconds) });
  return (
    <>
      <h4>{t('verification.hints.time')}</h4>
      <dl className="facts">
        <div>
          <dt>{t('verification.hints.overlay')}</dt>
          <dd data-testid="hint-overlay">
            {overlay?.start == null ? (
              <span className="muted">{t('verification.hints.overlay.none')}</span>
            ) : (
              <>
                {plainTime(overlay.start)}
                {overlay.device !== null && (
                  <>
                    {' · '}
                    <Untrusted>{overlay.device}</Untrusted>
                  </>
                )}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('verification.hints.creation')}</dt>
          <dd>
            {creationTime === null ? (
              <span className="muted">{t('verification.hints.creation.none')}</span>
            ) : (
              <Untrusted>{plainTime(creationTime)}</Untrusted>
            )}
          </dd>
        </div>
      </dl>
      <p className={`hint-verdict hint-${cmp?.verdict ?? 'none'}`} data-testid="hint-time-verdict">
        {verdict}
      </p>
      <h4>{t('verification.hints.files')}</h4>
      {files.length === 0 ? (
        <p className="muted">{t('verification.hints.files.none')}</p>
      ) : (
        <ul className="hint-list">
          {files.map((f, i) => (
            <li key={i}>
              <PathText>{f.path}</PathText>:{' '}
              <time dateTime={f.mtime}>{i18n.dateTime(f.mtime)}</time>{' '}
              <span className={`hint-file hint-${f.verdict ?? 'unknown'}`}>
                — {t(`verification.hints.file.${f.verdict ?? 'unknown'}`)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function CustodyHints({ custody }: { custody: CustodyIntegrity }): ReactNode {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const check = custody.archiveCheck;
  return (
    <>
      <h4>{t('verification.hints.custody')}</h4>
      <p data-testid="hint-custody" className={custody.intact ? undefined : 'hint-differs'}>
        {plural('verification.hints.events', custody.events)}:{' '}
        {custody.intact
          ? t('verification.hints.custody.intact')
          : t('verification.hints.custody.broken', { seqs: custody.broken.join(', ') })}
      </p>
      <p className="muted">
        {check === null
          ? t('verification.hints.archive.never')
          : t(check.ok ? 'verification.hints.archive.ok' : 'verification.hints.archive.problems', {
              at: i18n.dateTime(check.at),
            })}
      </p>
    </>
  );
}

function ItemHintsBody({ hints }: { hints: ItemHints }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const m = hints.media;
  const facts = [
    m.container,
    m.videoCodec,
    m.width !== null && m.height !== null ? `${m.width} × ${m.height}` : null,
    m.durationSeconds === null ? null : span(i18n, Math.round(m.durationSeconds)),
  ].filter((x) => x !== null);
  return (
    <>
      <TimeHints hints={hints} />
      <h4>{t('verification.hints.copies')}</h4>
      {hints.copies.similar.length === 0 ? (
        <p className="muted">{t('verification.hints.copies.none')}</p>
      ) : (
        <ul className="hint-list" data-testid="hint-copies">
          {hints.copies.similar.map((s) => (
            <li key={s.itemId}>
              <Link to="/items/$id" params={{ id: s.itemId }} search={{}}>
                <Untrusted>{s.name ?? s.itemId.slice(0, 8)}</Untrusted>
              </Link>{' '}
              <VerificationBadge status={s.verification} />{' '}
              <span className={s.overlayAgrees === false ? 'hint-differs' : 'muted'}>
                {s.overlayAgrees === null
                  ? t('verification.hints.copy.unread')
                  : s.overlayAgrees
                    ? t('verification.hints.copy.agrees')
                    : t('verification.hints.copy.mismatch', { n: s.overlayMismatchSeconds ?? 0 })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h4>{t('verification.hints.source')}</h4>
      <ul className="hint-list">
        {hints.source.acquisitions.map((a) => (
          <li key={a.id}>
            <Untrusted>{a.name}</Untrusted>:{' '}
            {a.receivedAt === null ? (
              t('verification.hints.receivedUnknown')
            ) : (
              <Untrusted>{t('verification.hints.received', { at: a.receivedAt })}</Untrusted>
            )}
            ;{' '}
            {a.receivedFromRecorded
              ? t('verification.hints.sourceRecorded')
              : t('verification.hints.sourceMissing')}
          </li>
        ))}
      </ul>
      <CustodyHints custody={hints.custody} />
      <h4>{t('verification.hints.media')}</h4>
      {facts.length > 0 && (
        <p>
          <Untrusted>{facts.join(' · ')}</Untrusted>
        </p>
      )}
      <p className={hints.problems.length > 0 ? 'hint-differs' : 'muted'}>
        {hints.problems.length === 0
          ? t('verification.hints.noProblems')
          : t('verification.hints.problems', { codes: hints.problems.join(', ') })}
      </p>
    </>
  );
}

function IncidentHintsBody({ hints }: { hints: IncidentHints }): ReactNode {
  const { t } = useI18n();
  return (
    <>
      <h4>{t('verification.hints.claims')}</h4>
      {hints.claims.length === 0 ? (
        <p className="muted">{t('verification.hints.claims.none')}</p>
      ) : (
        <ul className="hint-list">
          {hints.claims.map((c) => (
            <li key={c.id}>
              <Untrusted>{c.outlet}</Untrusted>: «<Untrusted>{c.quote}</Untrusted>»
            </li>
          ))}
        </ul>
      )}
      <CustodyHints custody={hints.custody} />
      <h4>{t('verification.hints.incidentItems')}</h4>
      {hints.items.length === 0 ? (
        <p className="muted">{t('verification.hints.incidentItems.none')}</p>
      ) : (
        hints.items.map((item) => (
          <details key={item.itemId} className="hint-item">
            <summary>
              <Untrusted>{item.name}</Untrusted> <VerificationBadge status={item.verification} />
            </summary>
            <ItemHintsBody hints={item} />
          </details>
        ))
      )}
      {hints.itemCount > hints.items.length && (
        <p className="muted">
          {t('verification.hints.incidentItems.more', {
            shown: hints.items.length,
            total: hints.itemCount,
          })}
        </p>
      )}
    </>
  );
}

/** What Custody computes for the checks, beside them: times, copies, the custody record. */
export function VerificationHints({ type, id }: { type: SubjectType; id: string }): ReactNode {
  const { t } = useI18n();
  const query = useHints(type, id);
  let body: ReactNode;
  if (query.isPending) body = <p className="loading">{t('common.loading')}</p>;
  else if (query.isError)
    body = <ErrorBox title={t('verification.hints.failed')} error={query.error} />;
  else if ('incidentId' in query.data) body = <IncidentHintsBody hints={query.data} />;
  else body = <ItemHintsBody hints={query.data} />;
  return (
    <aside className="verification-hints" aria-labelledby="verification-hints-h">
      <h3 id="verification-hints-h">{t('verification.hints.title')}</h3>
      <p className="muted small">{t('verification.hints.intro')}</p>
      {body}
    </aside>
  );
}
