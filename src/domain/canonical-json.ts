/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, plain
 * JSON.stringify for scalars. The custody log hashes this form, so it must be stable
 * across engines and languages: a verifier in Python or jq can rebuild it byte for byte.
 */
export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export function canonicalJson(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError('canonical JSON has no representation for ' + String(value));
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return '[' + (value as readonly Json[]).map(canonicalJson).join(',') + ']';
  }
  const object = value as { readonly [key: string]: Json };
  const keys = Object.keys(object).sort();
  return (
    '{' +
    keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(object[k] ?? null)).join(',') +
    '}'
  );
}
