import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Kysely } from 'kysely';
import { timestampsFor, type CheckpointRecord } from '../../db/checkpoint-store.ts';
import type { Database } from '../../db/schema.ts';
import type { TimestampChecker } from '../ports.ts';
import { checkpointBody, checkpointOrigin } from '../../domain/checkpoint.ts';
import type { CustodyEvent } from '../../domain/custody-event.ts';
import { TreeBuilder, leafHash } from '../../domain/merkle.ts';

export type CheckpointProblem = {
  readonly class:
    | 'timestamp-invalid'
    | 'checkpoint-mismatch'
    | 'checkpoint-signature-invalid'
    | 'checkpoint-key-unknown'
    | 'checkpoint-beyond-log';
  readonly treeSize: number;
  readonly message: string;
};

/**
 * Rebuilds the Merkle tree while the log streams past and, at each checkpoint's size, checks
 * that the stored, signed tree head still matches: an event altered, removed or inserted
 * before a checkpoint shows here even if whoever did it also fixed up the hash chain.
 */
export class CheckpointChecker {
  readonly #pending: CheckpointRecord[];
  readonly #origin: string;
  readonly #tree = new TreeBuilder();
  /** keyId → public key PEM, as announced by `signing-key.created` events so far. */
  readonly #keys = new Map<string, string>();
  readonly problems: CheckpointProblem[] = [];
  checked = 0;

  constructor(archiveId: string, checkpoints: readonly CheckpointRecord[]) {
    this.#origin = checkpointOrigin(archiveId);
    this.#pending = [...checkpoints].sort((a, b) => b.treeSize - a.treeSize);
  }

  push(event: CustodyEvent): void {
    if (event.action === 'signing-key.created') {
      const { keyId, publicKey } = event.payload;
      if (typeof keyId === 'string' && typeof publicKey === 'string')
        this.#keys.set(keyId, publicKey);
    }
    this.#tree.push(leafHash(event.hash));
    for (let c = this.#pending.at(-1); c?.treeSize === this.#tree.size; c = this.#pending.at(-1)) {
      this.#pending.pop();
      this.#check(c, event.hash);
    }
  }

  /** Checkpoints larger than the log: events were removed from its end. */
  finish(): void {
    for (const c of this.#pending.splice(0))
      this.#problem(
        'checkpoint-beyond-log',
        c,
        `a checkpoint seals ${c.treeSize} events but the log has ${this.#tree.size}: events were removed`,
      );
  }

  #check(c: CheckpointRecord, headHash: string): void {
    this.checked += 1;
    const root = this.#tree.root().toString('base64');
    const expectedBody = checkpointBody(this.#origin, c.treeSize, root);
    if (c.rootHash !== root || c.headHash !== headHash || c.body !== expectedBody) {
      this.#problem(
        'checkpoint-mismatch',
        c,
        `the first ${c.treeSize} events no longer match the checkpoint that sealed them: the log was changed after sealing`,
      );
    }
    const announced = this.#keys.get(c.keyId);
    if (announced !== c.publicKey || keyIdOf(c.publicKey) !== c.keyId) {
      this.#problem(
        'checkpoint-key-unknown',
        c,
        `the checkpoint of ${c.treeSize} events is signed with a key the log never announced`,
      );
    }
    if (!signatureValid(c)) {
      this.#problem(
        'checkpoint-signature-invalid',
        c,
        `the signature of the checkpoint of ${c.treeSize} events does not match its text`,
      );
    }
  }

  #problem(cls: CheckpointProblem['class'], c: CheckpointRecord, message: string): void {
    this.problems.push({ class: cls, treeSize: c.treeSize, message: `Checkpoint: ${message}.` });
  }
}

function keyIdOf(pem: string): string | null {
  try {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex');
  } catch {
    return null;
  }
}

function signatureValid(c: CheckpointRecord): boolean {
  try {
    return verify(null, Buffer.from(c.body, 'utf8'), c.publicKey, c.signature);
  } catch {
    return false;
  }
}

/**
 * Every stored timestamp token must still verify against the configured roots and the
 * checkpoint text it was issued for (openssl ts -verify, as a recipient would run it).
 */
export async function checkTimestamps(
  db: Kysely<Database>,
  checkpoints: readonly CheckpointRecord[],
  check: TimestampChecker,
): Promise<{ checked: number; problems: CheckpointProblem[] }> {
  let checked = 0;
  const problems: CheckpointProblem[] = [];
  for (const c of checkpoints) {
    for (const t of await timestampsFor(db, c.treeSize)) {
      checked += 1;
      const result = await check(t.response, Buffer.from(c.body, 'utf8'));
      if (!result.ok || result.genTime.getTime() !== t.genTime.getTime())
        problems.push({
          class: 'timestamp-invalid',
          treeSize: c.treeSize,
          message: `Checkpoint: the timestamp of the checkpoint of ${c.treeSize} events from ${new URL(t.tsaUrl).origin} does not verify${result.ok ? ' (its time differs from the one recorded)' : `: ${result.reason}`}.`,
        });
    }
  }
  return { checked, problems };
}
