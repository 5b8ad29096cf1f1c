import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { VerificationStatus } from '../verification-api.ts';

/** A verification status as a coloured badge (lists, the record, copies). */
export function VerificationBadge({ status }: { status: VerificationStatus }): ReactNode {
  const { t } = useI18n();
  return (
    <span className={`badge verification-badge verification-${status}`}>
      {t(`verification.status.${status}`)}
    </span>
  );
}
