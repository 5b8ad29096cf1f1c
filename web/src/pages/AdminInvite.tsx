import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode, SubmitEvent } from 'react';
import { api, ROLES, type Role } from '../api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Field } from '../components/Field.tsx';
import { useTitle } from '../components/Layout.tsx';
import { Protected } from '../components/Protected.tsx';
import { useI18n } from '../i18n/index.tsx';
import { EMAIL_PATTERN, focusFirstInvalid } from './validation.ts';

/** The link an invited person opens: the token travels in the fragment, never to a server log. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/invite#token=${encodeURIComponent(token)}`;
}

async function copyText(text: string, fallback: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (plain http on another host): select the text for Ctrl+C.
    fallback?.select();
    return false;
  }
}

function InviteForm(): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  const [role, setRole] = useState<Role>('investigator');
  const [email, setEmail] = useState('');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const linkRef = useRef<HTMLTextAreaElement>(null);
  const invite = useMutation({ mutationFn: api.invite });

  useEffect(() => {
    if (invite.isSuccess) linkRef.current?.focus();
  }, [invite.isSuccess]);

  const submit = (e: SubmitEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const trimmed = email.trim();
    const error = trimmed !== '' && !EMAIL_PATTERN.test(trimmed) ? t('validation.email') : null;
    setEmailError(error);
    if (error !== null) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setCopied(null);
    invite.mutate(trimmed === '' ? { role } : { role, email: trimmed });
  };

  if (invite.isSuccess) {
    const link = invitationLink(invite.data.token);
    return (
      <div className="invite-result">
        <div className="field">
          <label htmlFor="invitation-link">{t('invite.link')}</label>
          <div className="copy-row">
            <textarea
              id="invitation-link"
              className="link-text"
              ref={linkRef}
              readOnly
              rows={2}
              value={link}
              spellCheck={false}
              onFocus={(e) => {
                e.target.select();
              }}
            />
            <button
              type="button"
              className="button"
              onClick={() => {
                void copyText(link, linkRef.current).then(setCopied);
              }}
            >
              {t('invite.copy')}
            </button>
          </div>
          <p className="field-help" role="status">
            {copied === true ? t('invite.copied') : copied === false ? t('invite.copyFailed') : ''}
          </p>
        </div>
        <p>{t('invite.expires', { time: i18n.dateTime(invite.data.expiresAt) })}</p>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            invite.reset();
            setEmail('');
            setCopied(null);
          }}
        >
          {t('invite.another')}
        </button>
      </div>
    );
  }

  return (
    <form ref={formRef} className="form" onSubmit={submit} noValidate>
      <fieldset className="radio-group">
        <legend>{t('invite.role')}</legend>
        {ROLES.map((r) => (
          <label key={r} className="radio">
            <input
              type="radio"
              name="role"
              value={r}
              checked={role === r}
              onChange={() => {
                setRole(r);
              }}
            />
            <span>{t(`invite.role.${r}`)}</span>
          </label>
        ))}
      </fieldset>
      <Field
        label={t('invite.email')}
        optional
        help={t('invite.email.help')}
        error={emailError}
        name="email"
        type="email"
        autoComplete="off"
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
        }}
      />
      {invite.isError && <ErrorBox title={t('invite.failed')} error={invite.error} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={invite.isPending}>
          {t('invite.submit')}
        </button>
      </div>
    </form>
  );
}

export function AdminInvitePage(): ReactNode {
  const { t } = useI18n();
  useTitle(t('invite.title'));
  return (
    <Protected roles={['admin']} forbidden={t('invite.adminsOnly')}>
      {() => (
        <div className="page page-narrow">
          <h1>{t('invite.title')}</h1>
          <p className="lead">{t('invite.intro')}</p>
          <InviteForm />
        </div>
      )}
    </Protected>
  );
}
