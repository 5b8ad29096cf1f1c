import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CustodyError } from '../core/errors.ts';
import type { CheckpointSigner } from '../core/ports.ts';

/**
 * The archive's Ed25519 key in a PEM file readable by its owner only, created on first use.
 * A key file can be moved off the database host (CUSTODY_SIGNING_KEY), so that someone who can
 * rewrite the database cannot also sign a rewritten log.
 */
export class FileCheckpointSigner implements CheckpointSigner {
  readonly #file: string;
  #key: KeyObject | undefined;

  constructor(file: string) {
    this.#file = file;
  }

  async publicKeyPem(): Promise<string> {
    return createPublicKey(await this.#load())
      .export({ type: 'spki', format: 'pem' })
      .toString();
  }

  async keyId(): Promise<string> {
    const der = createPublicKey(await this.#load()).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex');
  }

  async sign(data: Uint8Array): Promise<Buffer> {
    return sign(null, data, await this.#load());
  }

  async #load(): Promise<KeyObject> {
    if (this.#key !== undefined) return this.#key;
    let pem: string;
    try {
      pem = await fs.readFile(this.#file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(e);
      pem = await this.#create();
    }
    try {
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
      this.#key = key;
      return key;
    } catch (e) {
      throw unreadable(e);
    }
  }

  /** Written to a temporary name and renamed, so a crash never leaves half a key behind. */
  async #create(): Promise<string> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      await fs.mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
      const tmp = `${this.#file}.tmp-${process.pid}`;
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(pem);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Another process may have created it meanwhile: link fails then, and theirs wins.
      await fs.link(tmp, this.#file).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      });
      await fs.rm(tmp, { force: true });
      return await fs.readFile(this.#file, 'utf8');
    } catch (e) {
      throw unreadable(e);
    }
  }
}

function unreadable(cause: unknown): CustodyError {
  return new CustodyError(
    'SEAL.KEY_UNREADABLE',
    'The archive signing key could not be read or created.',
    {
      hint: 'Check that CUSTODY_SIGNING_KEY (default DATA/keys/archive-ed25519.pem) is an Ed25519 private key in PEM, readable by this user, and that its folder is writable.',
      cause,
    },
  );
}
