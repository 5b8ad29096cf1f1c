import { Link, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { useMe } from '../auth.ts';
import { useI18n } from '../i18n/index.tsx';

const isReleasePage = (pathname: string): boolean =>
  /^\/(releases|redactions)(\/|$)/.test(pathname);

/** One link for releases and redactions (the releases page leads to the review queue). */
export function ReleaseNavLink(): ReactNode {
  const { t } = useI18n();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <Link to="/releases" search={{}} aria-current={isReleasePage(pathname) ? 'page' : undefined}>
      {t('nav.releases')}
    </Link>
  );
}

/** A partner's only link: what was shared with them. */
export function SharedNavLink(): ReactNode {
  const { t } = useI18n();
  return (
    <Link to="/shared-with-me" activeProps={{ 'aria-current': 'page' }}>
      {t('nav.shared')}
    </Link>
  );
}

/** Pages anyone may be on, signed in or not. */
const OPEN = ['/login', '/setup', '/invite'];

/**
 * A partner account has one place in the app: what was shared with them. Arriving anywhere
 * else (after login the app goes to the items list) sends them there. The server refuses
 * them everything else anyway; this spares them pages they cannot use.
 */
export function PartnerLanding(): null {
  const { me } = useMe();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const stray =
    me?.role === 'partner' && !pathname.startsWith('/shared-with-me') && !OPEN.includes(pathname);
  useEffect(() => {
    if (stray) void navigate({ to: '/shared-with-me', replace: true });
  }, [stray, navigate]);
  return null;
}
