/** A lowercase hex SHA-256 digest. Branded so that a path or an id can never be passed as one. */
export type Sha256 = string & { readonly __brand: 'Sha256' };

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256(value: string): value is Sha256 {
  return SHA256_HEX.test(value);
}

export function asSha256(value: string): Sha256 {
  if (!isSha256(value)) throw new TypeError('not a lowercase hex SHA-256 digest');
  return value;
}

/** SHA-256 of the empty string: a zero-byte file's content hash. */
export const EMPTY_SHA256 = asSha256(
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
);
