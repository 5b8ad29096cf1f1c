import { generateSecret, generateURI, verify } from 'otplib';
import type { TotpService } from '../core/ports.ts';

/** RFC 6238 codes (30 s, 6 digits) as authenticator apps make them; one step of clock drift. */
export const otplibTotp: TotpService = {
  newSecret: () => generateSecret(),
  uri: (secret, label) => generateURI({ issuer: 'Custody', label, secret }),
  verify: async (secret, code) => {
    try {
      const result = await verify({ secret, token: code, epochTolerance: 30 });
      return result.valid;
    } catch {
      return false;
    }
  },
};
