/** The server's own rule for an email address (src/server/routes/auth.ts). */
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;

/** After the errors have rendered, puts the keyboard on the first field marked invalid. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  window.setTimeout(() => {
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, 0);
}
