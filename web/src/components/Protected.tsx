import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { Account, Role } from '../api.ts';
import { useMe } from '../auth.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorBox } from './ErrorBox.tsx';

/**
 * Renders its children for a signed-in account (with one of `roles`, when given); sends
 * everyone else to the login page, and says so when the role does not fit. The server
 * checks every request anyway: this only spares people pages they cannot use.
 */
export function Protected({
  roles,
  forbidden,
  children,
}: {
  roles?: readonly Role[];
  forbidden?: string;
  children: (me: Account) => ReactNode;
}): ReactNode {
  const { t } = useI18n();
  const { me, error, refetch } = useMe();
  const navigate = useNavigate();
  const redirected = useRef(false);
  const here = useRef(window.location.pathname);
  useEffect(() => {
    // Once, and only while still on this page: it stays mounted for a moment while the
    // router moves on (after logging out, say).
    if (me !== null || redirected.current || window.location.pathname !== here.current) return;
    redirected.current = true;
    void navigate({
      to: '/login',
      search: { next: window.location.pathname + window.location.search },
      replace: true,
    });
  }, [me, navigate]);

  if (me === undefined) {
    if (error !== null)
      return <ErrorBox title={t('login.failed')} error={error} onRetry={refetch} />;
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (me === null) return null;
  if (roles !== undefined && !roles.includes(me.role))
    return (
      <div className="page page-narrow">
        <div className="box box-error" role="alert">
          <p className="box-message">{forbidden ?? t('common.forbidden')}</p>
        </div>
      </div>
    );
  return children(me);
}
