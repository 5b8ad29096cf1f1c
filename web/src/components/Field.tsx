import { useId } from 'react';
import type { InputHTMLAttributes, ReactNode, Ref, TextareaHTMLAttributes } from 'react';
import { useI18n } from '../i18n/index.tsx';

type InputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'aria-invalid' | 'aria-describedby'
>;

/**
 * A labelled input with its help text and error, both tied to the input for screen readers
 * (aria-describedby), and the error announced as it appears.
 */
export function Field({
  label,
  help,
  error,
  optional = false,
  inputRef,
  ...input
}: InputProps & {
  label: string;
  help?: string | undefined;
  error?: string | null | undefined;
  optional?: boolean;
  inputRef?: Ref<HTMLInputElement> | undefined;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help === undefined ? null : helpId, error ? errorId : null]
    .filter((x) => x !== null)
    .join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="field-optional"> {t('common.optional')}</span>}
      </label>
      <input
        {...input}
        id={id}
        ref={inputRef}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
      {help !== undefined && (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      )}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled multi-line text field, with help and error tied to it like Field's. */
export function TextAreaField({
  label,
  help,
  error,
  optional = false,
  ...area
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'aria-invalid' | 'aria-describedby'> & {
  label: string;
  help?: string | undefined;
  error?: string | null | undefined;
  optional?: boolean;
}): ReactNode {
  const { t } = useI18n();
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help === undefined ? null : helpId, error ? errorId : null]
    .filter((x) => x !== null)
    .join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="field-optional"> {t('common.optional')}</span>}
      </label>
      <textarea
        {...area}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy === '' ? undefined : describedBy}
      />
      {help !== undefined && (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      )}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
