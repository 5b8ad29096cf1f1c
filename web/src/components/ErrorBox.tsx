import type { ReactNode } from 'react';
import { ApiError, NETWORK_ERROR, UNEXPECTED_ANSWER } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

/**
 * A failure as the server explained it: a title in the reader's language, then the server's
 * own message and hint (they are plain text: React escapes them), and the stable error code.
 */
export function ErrorBox({
  title,
  error,
  onRetry,
  tone = 'error',
}: {
  title: string;
  error: unknown;
  onRetry?: (() => void) | undefined;
  tone?: 'error' | 'notice';
}): ReactNode {
  const { t } = useI18n();
  let message: string;
  let hint: string | null = null;
  let code: string | null = null;
  if (error instanceof ApiError && error.code === NETWORK_ERROR) {
    message = t('common.networkError');
    hint = t('common.networkHint');
  } else if (error instanceof ApiError && error.code === UNEXPECTED_ANSWER) {
    message = t('common.unexpected', { status: error.status });
  } else if (error instanceof ApiError) {
    message = error.message;
    hint = error.hint;
    code = error.code;
  } else {
    message = error instanceof Error ? error.message : String(error);
  }
  return (
    <div className={`box box-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p className="box-title">{title}</p>
      <p className="box-message">{message}</p>
      {hint !== null && hint !== '' && <p className="box-hint">{hint}</p>}
      {code !== null && <p className="box-code">{t('common.errorCode', { code })}</p>}
      {onRetry !== undefined && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
