import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../core/ports.ts';

/** argon2id (the library's default algorithm) at 19 MiB and 2 passes: OWASP's minimum. */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password),
  verify: async (stored, password) => {
    try {
      return await verify(stored, password);
    } catch {
      return false; // a malformed stored hash never logs anyone in
    }
  },
};
