import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useRouter, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ME_KEY, safeNext, takeCreatedEmail, useMe } from '../auth.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { useI18n } from '../i18n/index.tsx';
import { EMAIL_PATTERN, focusFirstInvalid } from './validation.ts';

type Errors = Partial<Record<'email' | 'password' | 'totp', string>>;

export function LoginPage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('login.title'));
  const search = useSearch({ from: '/login' });
  const { me } = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const router = useRouter();
  const [email, setEmail] = useState(() => takeCreatedEmail() ?? '');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const totpRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const login = useMutation({
    mutationFn: api.login,
    onSuccess: async (account) => {
      queryClient.setQueryData(ME_KEY, account);
      const next = safeNext(search.next);
      if (next !== null && next !== '/login') router.history.replace(next);
      else await navigate({ to: '/items', search: {}, replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'AUTH.TOTP_REQUIRED') setNeedTotp(true);
    },
  });

  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);
  useEffect(() => {
    if (email !== '') passwordRef.current?.focus();
    // Only on arrival: the email is filled in when the account was just created.
  }, []);

  // Someone already signed in has nothing to do here.
  const signedIn = me !== null && me !== undefined && !login.isPending && !login.isSuccess;
  useEffect(() => {
    if (signedIn) void navigate({ to: '/items', search: {}, replace: true });
  }, [signedIn, navigate]);
  if (signedIn) return null;

  const totpRequired = login.error instanceof ApiError && login.error.code === 'AUTH.TOTP_REQUIRED';

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const next: Errors = {};
    if (email.trim() === '') next.email = t('validation.required');
    else if (!EMAIL_PATTERN.test(email.trim())) next.email = t('validation.email');
    if (password === '') next.password = t('validation.required');
    if (needTotp && !/^[0-9]{6}$/.test(totp.trim())) next.totp = t('validation.totp');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    login.mutate({
      email: email.trim(),
      password,
      ...(needTotp ? { totp: totp.trim() } : {}),
    });
  };

  return (
    <div className="page page-narrow">
      <h1>{t('login.title')}</h1>
      {search.created === true && !login.isError && (
        <p className="box box-success" role="status">
          {t('login.created')}
        </p>
      )}
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        <Field
          label={t('field.email')}
          error={errors.email}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
          }}
          required
        />
        <Field
          label={t('field.password')}
          error={errors.password}
          name="password"
          type="password"
          autoComplete="current-password"
          inputRef={passwordRef}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          required
        />
        {needTotp && (
          <Field
            label={t('login.totp')}
            help={t('login.totp.help')}
            error={errors.totp}
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            inputRef={totpRef}
            value={totp}
            onChange={(e) => {
              setTotp(e.target.value.replace(/\D/g, ''));
            }}
            required
          />
        )}
        {login.isError && (
          <ErrorBox
            title={totpRequired ? t('login.totpNeeded') : t('login.failed')}
            tone={totpRequired ? 'notice' : 'error'}
            error={login.error}
          />
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={login.isPending}>
            {t('login.submit')}
          </button>
        </div>
      </form>
      <p className="aside">
        {t('login.firstStart')} <Link to="/setup">{t('login.setupLink')}</Link>
      </p>
    </div>
  );
}
