import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { api } from '../api.ts';
import { signedOut, useMe } from '../auth.ts';
import { LANGUAGE_NAMES, LANGUAGES, useI18n } from '../i18n/index.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { Untrusted } from './PathText.tsx';
import { PartnerLanding, ReleaseNavLink, SharedNavLink } from './ReleaseNav.tsx';
import { ResponseNavLink } from './ResponseNav.tsx';

/** Sets the window title: the page's, then the app's name. */
export function useTitle(title: string): void {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
}

function LanguageSwitch(): ReactNode {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="language" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="language-option"
          aria-pressed={language === l}
          onClick={() => {
            setLanguage(l);
          }}
        >
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

function Header(): ReactNode {
  const { t } = useI18n();
  const { me } = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: api.logout,
    onSuccess: () => {
      // Leave the page (the address changes at once), then forget the session.
      void navigate({ to: '/login', search: {} });
      signedOut(queryClient);
    },
  });
  return (
    <header className="header">
      <div className="header-inner">
        {me?.role === 'partner' ? (
          <Link to="/shared-with-me" className="brand">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </Link>
        ) : (
          <Link to="/items" search={{}} className="brand">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </Link>
        )}
        {me && (
          <nav aria-label={t('nav.main')} className="nav">
            {me.role === 'partner' && <SharedNavLink />}
            {me.role !== 'partner' && (
              <>
                <Link to="/items" search={{}} activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.items')}
                </Link>
                <Link
                  to="/incidents"
                  search={{}}
                  activeOptions={{ exact: true }}
                  activeProps={{ 'aria-current': 'page' }}
                >
                  {t('nav.incidents')}
                </Link>
                <Link to="/incidents/timeline" search={{}} activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.timeline')}
                </Link>
                <Link to="/facilities" activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.facilities')}
                </Link>
                <Link to="/organisations" activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.organisations')}
                </Link>
                <Link to="/people" activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.people')}
                </Link>
                <Link to="/allegations" search={{}} activeProps={{ 'aria-current': 'page' }}>
                  {t('nav.allegations')}
                </Link>
                <ResponseNavLink />
                <ReleaseNavLink />
              </>
            )}
            {(me.role === 'admin' || me.role === 'investigator') && (
              <Link to="/jobs" activeProps={{ 'aria-current': 'page' }}>
                {t('nav.jobs')}
              </Link>
            )}
            {me.role === 'admin' && (
              <Link to="/acts" activeProps={{ 'aria-current': 'page' }}>
                {t('nav.acts')}
              </Link>
            )}
            {me.role === 'admin' && (
              <Link to="/admin/invite" activeProps={{ 'aria-current': 'page' }}>
                {t('nav.invite')}
              </Link>
            )}
          </nav>
        )}
        <div className="header-end">
          <LanguageSwitch />
          {me && (
            <>
              <span className="account" data-testid="account">
                <span className="sr-only">{t('header.signedInAs')} </span>
                <strong className="account-name">
                  <Untrusted>{me.displayName}</Untrusted>
                </strong>{' '}
                <span className="role">{t(`role.${me.role}`)}</span>
              </span>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  logout.mutate();
                }}
                disabled={logout.isPending}
              >
                {t('header.logout')}
              </button>
            </>
          )}
        </div>
      </div>
      {logout.isError && (
        <div className="header-inner">
          <ErrorBox title={t('header.logoutFailed')} error={logout.error} />
        </div>
      )}
    </header>
  );
}

export function Layout(): ReactNode {
  const { t } = useI18n();
  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <Header />
      <PartnerLanding />
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function NotFound(): ReactNode {
  const { t } = useI18n();
  useTitle(t('notFound.title'));
  return (
    <div className="page page-narrow">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/items" search={{}}>
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
