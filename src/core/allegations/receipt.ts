import { createHash, randomBytes } from 'node:crypto';

/**
 * Receipt codes: what a submitter writes down to come back. 125 random bits in Crockford's
 * base32 (digits and capitals without I, L, O and U), five groups of five: easy to copy by hand
 * from a screen to paper and back into a phone.
 *
 * Only the code's SHA-256 is stored. A slow hash (argon2) protects guessable passwords; this code
 * has 125 bits from the system's CSPRNG, so nobody can enumerate it, and a plain hash can be a
 * unique index: the lookup is one indexed query instead of checking every allegation. A keyed
 * hash (HMAC with a per-archive secret) would add nothing against guessing and one more secret
 * to lose with a backup.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_LENGTH = 25;
export const RECEIPT_BITS = RECEIPT_LENGTH * 5;

/**
 * What people type instead: lower case, the letters Crockford maps to digits, and the Cyrillic
 * letters that look like Latin ones (a phone keyboard left in Russian).
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0',
  I: '1',
  L: '1',
  U: 'V',
  А: 'A',
  В: 'B',
  С: 'C',
  Е: 'E',
  Н: 'H',
  К: 'K',
  М: 'M',
  О: '0',
  Р: 'P',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  З: '3',
};

/** A new receipt code, grouped for reading: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX. */
export function newReceipt(): string {
  const bytes = randomBytes(16); // 128 bits, of which the first 125 are used
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  bits >>= 3n;
  let code = '';
  for (let i = 0; i < RECEIPT_LENGTH; i++) {
    code = (ALPHABET[Number(bits & 31n)] ?? '0') + code;
    bits >>= 5n;
  }
  return groups(code);
}

function groups(code: string): string {
  return (code.match(/.{1,5}/g) ?? []).join('-');
}

/**
 * The code as typed, made canonical: spaces and dashes dropped, case and lookalikes folded.
 * Null when it cannot be a receipt (wrong length or a character outside the alphabet).
 */
export function normaliseReceipt(typed: string): string | null {
  let code = '';
  for (const ch of typed.toUpperCase()) {
    if (/[\s\-–—_.]/.test(ch)) continue;
    const c = LOOKALIKES[ch] ?? ch;
    if (!ALPHABET.includes(c)) return null;
    code += c;
  }
  return code.length === RECEIPT_LENGTH ? code : null;
}

/** What is stored and looked up: SHA-256 (hex) of the canonical code. */
export function receiptHash(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** A random bearer token (upload tokens), and its stored SHA-256. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
