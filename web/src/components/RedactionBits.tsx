import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { RedactionStatus, ReleaseStatus } from '../releases-api.ts';
import '../releases.css';

/** A redaction's status as a coloured badge, in words. */
export function RedactionStatusBadge({ status }: { status: RedactionStatus }): ReactNode {
  const { t } = useI18n();
  return (
    <span className={`badge rstatus rstatus-${status}`} data-testid="redaction-status">
      {t(`redaction.status.${status}`)}
    </span>
  );
}

/** A release's status as a coloured badge, in words. */
export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }): ReactNode {
  const { t } = useI18n();
  return (
    <span className={`badge rstatus rstatus-${status}`} data-testid="release-status">
      {t(`release.status.${status}`)}
    </span>
  );
}

/** "Published", or when the embargo lifts, for an approved release; nothing otherwise. */
export function PublishedBadge({
  status,
  published,
  embargoAt,
}: {
  status: ReleaseStatus;
  published: boolean;
  embargoAt: string;
}): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  if (status !== 'approved') return null;
  if (published)
    return <span className="badge rstatus rstatus-published">{t('release.published')}</span>;
  return (
    <span className="badge rstatus rstatus-embargo">
      {t('release.embargoed', { when: i18n.dateTimeZone(embargoAt) })}
    </span>
  );
}

/** An ISO time as the value of a datetime-local input, in this browser's time zone. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
