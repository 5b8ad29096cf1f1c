import { Link, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

function isActive(pathname: string): boolean {
  return /^\/(responses|sources|accountability)(\/|$)/.test(pathname);
}

/** The header's one link to the official response (its pages have their own tabs). */
export function ResponseNavLink(): ReactNode {
  const { t } = useI18n();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <Link to="/responses" search={{}} aria-current={isActive(pathname) ? 'page' : undefined}>
      {t('nav.response')}
    </Link>
  );
}

/** Responses · Sources · Accountability, above each of these pages. */
export function ResponseTabs(): ReactNode {
  const { t } = useI18n();
  return (
    <nav className="subnav" aria-label={t('responseNav.label')}>
      <Link to="/responses" search={{}} activeProps={{ 'aria-current': 'page' }}>
        {t('responseNav.responses')}
      </Link>
      <Link to="/sources" search={{}} activeProps={{ 'aria-current': 'page' }}>
        {t('responseNav.sources')}
      </Link>
      <Link to="/accountability" search={{}} activeProps={{ 'aria-current': 'page' }}>
        {t('responseNav.accountability')}
      </Link>
    </nav>
  );
}
