import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { api } from '../api.ts';
import { rememberCreatedEmail } from '../auth.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { EMAIL_PATTERN, focusFirstInvalid } from './validation.ts';

const MIN_PASSWORD = 12;

/**
 * The token from a link's fragment (`#token=…`). The fragment never reaches the server or
 * its logs; once read, the form takes it out of the address bar (see below) so it does not
 * stay in the browser's history.
 */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

type Errors = Partial<Record<'token' | 'email' | 'displayName' | 'password' | 'repeat', string>>;

function AccountForm({ mode }: { mode: 'setup' | 'invite' }): ReactNode {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [fromLink] = useState(tokenFromFragment);
  useEffect(() => {
    if (fromLink !== '')
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
  }, [fromLink]);
  const [token, setToken] = useState(fromLink);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const key = (k: 'title' | 'intro' | 'submit' | 'failed'): MessageKey =>
    mode === 'setup' ? `setup.${k}` : `accept.${k}`;
  useTitle(t(key('title')));

  const create = useMutation({
    mutationFn: api.acceptInvitation,
    onSuccess: async (account) => {
      rememberCreatedEmail(account.email);
      await navigate({ to: '/login', search: { created: true } });
    },
  });

  const showTokenField = mode === 'setup' || fromLink === '';

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const next: Errors = {};
    if (token.trim().length < 20)
      next.token = token.trim() === '' ? t('validation.required') : t('validation.token');
    if (email.trim() === '') next.email = t('validation.required');
    else if (!EMAIL_PATTERN.test(email.trim())) next.email = t('validation.email');
    if (displayName.trim() === '') next.displayName = t('validation.required');
    if (password.length < MIN_PASSWORD)
      next.password =
        password === ''
          ? t('validation.required')
          : t('validation.passwordShort', { n: password.length });
    if (repeat !== password) next.repeat = t('validation.passwordMismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    create.mutate({
      token: token.trim(),
      email: email.trim(),
      displayName: displayName.trim(),
      password,
    });
  };

  return (
    <div className="page page-narrow">
      <h1>{t(key('title'))}</h1>
      <p className="lead">{t(key('intro'))}</p>
      {mode === 'invite' && fromLink === '' && (
        <p className="box box-notice">{t('accept.noToken')}</p>
      )}
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        {showTokenField && (
          <Field
            label={mode === 'setup' ? t('field.token') : t('accept.token')}
            help={mode === 'setup' ? t('setup.token.help') : undefined}
            error={errors.token}
            name="token"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => {
              setToken(e.target.value);
            }}
            required
          />
        )}
        <Field
          label={t('field.email')}
          error={errors.email}
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
          }}
          required
        />
        <Field
          label={t('field.displayName')}
          help={t('field.displayName.help')}
          error={errors.displayName}
          name="displayName"
          autoComplete="name"
          value={displayName}
          onChange={(e) => {
            setDisplayName(e.target.value);
          }}
          required
          maxLength={200}
        />
        <Field
          label={t('field.password')}
          help={t('field.password.help')}
          error={errors.password}
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          required
          minLength={MIN_PASSWORD}
        />
        <Field
          label={t('field.passwordRepeat')}
          error={errors.repeat}
          name="repeat"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
          }}
          required
        />
        {create.isError && <ErrorBox title={t(key('failed'))} error={create.error} />}
        <div className="form-actions">
          <button type="submit" className="button" disabled={create.isPending}>
            {t(key('submit'))}
          </button>
        </div>
      </form>
    </div>
  );
}

export function SetupPage(): ReactNode {
  return <AccountForm mode="setup" />;
}

export function AcceptInvitationPage(): ReactNode {
  return <AccountForm mode="invite" />;
}
