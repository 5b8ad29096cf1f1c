import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CustodyError } from '../src/core/errors.ts';
import { isBag, validateBag, type BagProgress } from '../src/core/ingest/bag.ts';
import {
  BAGIT_TXT,
  formatBagInfo,
  formatManifest,
  payloadOxum,
  type BagAlgorithm,
} from '../src/domain/bagit.ts';

const digest = (algorithm: BagAlgorithm, bytes: Buffer | string): string =>
  createHash(algorithm).update(bytes).digest('hex');

/** Payload of the test bag: a Cyrillic name, nested folders, a name with LF and %, >1 MiB. */
const PAYLOAD: Record<string, Buffer> = {
  'data/Камера 01/видео.mp4': Buffer.from('not really a video\n'),
  'data/notes.txt': Buffer.from('first file\n'),
  'data/nested/deep/big.bin': randomBytes(2_500_000),
  'data/odd%name\n.txt': Buffer.from('a name with a line break\n'),
};

interface BagOptions {
  /** Extra manifest-sha256.txt lines, written before the tag manifest is computed. */
  readonly extraManifestLines?: string;
  readonly oxum?: string;
}

/** Writes a bag as an export would: two payload manifests, bag-info, a tag manifest. */
async function makeBag(root: string, opts: BagOptions = {}): Promise<void> {
  let bytes = 0;
  for (const [rel, content] of Object.entries(PAYLOAD)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
    bytes += content.length;
  }
  const tagFiles: Record<string, string> = {
    'bagit.txt': BAGIT_TXT,
    'bag-info.txt': formatBagInfo([
      ['Source-Organization', 'Правозащитный центр'],
      ['Payload-Oxum', opts.oxum ?? payloadOxum(bytes, Object.keys(PAYLOAD).length)],
    ]),
  };
  for (const algorithm of ['md5', 'sha256'] as const) {
    const entries = Object.entries(PAYLOAD).map(([p, content]) => ({
      path: p,
      digest: digest(algorithm, content),
    }));
    tagFiles[`manifest-${algorithm}.txt`] =
      formatManifest(entries) + (algorithm === 'sha256' ? (opts.extraManifestLines ?? '') : '');
  }
  for (const [name, text] of Object.entries(tagFiles))
    await fs.writeFile(path.join(root, name), text);
  await fs.writeFile(
    path.join(root, 'tagmanifest-sha256.txt'),
    formatManifest(
      Object.entries(tagFiles).map(([p, text]) => ({ path: p, digest: digest('sha256', text) })),
    ),
  );
}

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'custody-bag-'));
});
afterEach(async () => fs.rm(root, { recursive: true, force: true }));

/** Only what the tests pin down: code and path, in the report's order. */
const codes = async (): Promise<{ code: string; path: string | null }[]> =>
  (await validateBag(root)).problems.map(({ code, path: p }) => ({ code, path: p }));

describe('reading a bag', () => {
  it('accepts a complete bag and reports what it holds', async () => {
    await makeBag(root);
    expect(await isBag(root)).toBe(true);
    const seen: BagProgress[] = [];
    const report = await validateBag(root, { onProgress: (p) => seen.push(p) });
    const bytes = Object.values(PAYLOAD).reduce((n, b) => n + b.length, 0);
    expect(report).toEqual({
      version: '1.0',
      algorithms: ['md5', 'sha256'],
      info: [
        ['Source-Organization', 'Правозащитный центр'],
        ['Payload-Oxum', `${bytes}.4`],
      ],
      payloadFiles: 4,
      payloadBytes: bytes,
      problems: [],
    });
    const last = seen.at(-1);
    expect(last?.filesDone).toBe(last?.filesTotal);
    expect(last?.filesTotal).toBe(8); // four payload files and four tag files
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(last?.bytesDone).toBeGreaterThan(bytes);
  });

  it('knows a folder that is not a bag, or only pretends to be', async () => {
    expect(await isBag(root)).toBe(false);
    expect(await isBag(path.join(root, 'absent'))).toBe(false);
    const elsewhere = path.join(root, 'elsewhere.txt');
    await fs.writeFile(elsewhere, BAGIT_TXT);
    await fs.mkdir(path.join(root, 'fake'));
    await fs.symlink(elsewhere, path.join(root, 'fake', 'bagit.txt'));
    expect(await isBag(path.join(root, 'fake'))).toBe(false);
    await expect(validateBag(path.join(root, 'fake'))).rejects.toMatchObject({
      code: 'BAGIT.INVALID',
    });
    await expect(validateBag(root)).rejects.toMatchObject({ code: 'BAGIT.INVALID' });
  });

  it('finds a changed byte', async () => {
    await makeBag(root);
    const file = path.join(root, 'data', 'Камера 01', 'видео.mp4');
    const bytes = await fs.readFile(file);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await fs.writeFile(file, bytes);
    const report = await validateBag(root);
    expect(report.problems).toEqual([
      {
        code: 'changed',
        path: 'data/Камера 01/видео.mp4',
        message: 'The content does not match manifest-md5.txt, manifest-sha256.txt.',
      },
    ]);
  });

  it('finds a missing file, and the Payload-Oxum that no longer adds up', async () => {
    await makeBag(root);
    await fs.rm(path.join(root, 'data', 'nested', 'deep', 'big.bin'));
    expect(await codes()).toEqual([
      { code: 'oxum', path: 'bag-info.txt' },
      { code: 'missing', path: 'data/nested/deep/big.bin' },
    ]);
  });

  it('finds an extra file', async () => {
    await makeBag(root);
    await fs.writeFile(path.join(root, 'data', 'nested', 'slipped-in.txt'), 'x');
    const report = await validateBag(root);
    expect(report.problems.map(({ code, path: p }) => ({ code, path: p }))).toEqual([
      { code: 'oxum', path: 'bag-info.txt' },
      { code: 'extra', path: 'data/nested/slipped-in.txt' },
    ]);
    expect(report.problems[1]?.message).toBe(
      'Not listed in manifest-md5.txt, manifest-sha256.txt.',
    );
  });

  it('finds a wrong Payload-Oxum', async () => {
    await makeBag(root, { oxum: '1.4' });
    const report = await validateBag(root);
    expect(report.problems).toEqual([
      {
        code: 'oxum',
        path: 'bag-info.txt',
        message: `Payload-Oxum says 1 bytes in 4 files; data/ holds ${report.payloadBytes} bytes in 4 files.`,
      },
    ]);
    await makeBag(root, { oxum: 'lots' });
    expect(await codes()).toEqual([{ code: 'malformed', path: 'bag-info.txt' }]);
  });

  it('refuses manifest lines that leave the bag or data/, and still checks the rest', async () => {
    const sha = digest('sha256', 'x');
    await makeBag(root, { extraManifestLines: `${sha}  data/../x\n${sha}  bagit.txt\n` });
    const report = await validateBag(root);
    expect(report.problems).toEqual([
      {
        code: 'malformed',
        path: 'bagit.txt',
        message:
          'manifest-sha256.txt lists a file outside data/; payload manifests list only files in data/.',
      },
      {
        code: 'malformed',
        path: 'manifest-sha256.txt',
        message: 'manifest-sha256.txt line 5: the path has a ".." segment that leaves the bag.',
      },
    ]);
  });

  it('refuses a symbolic link inside data/, even one not listed', async () => {
    await makeBag(root);
    await fs.symlink('/etc/passwd', path.join(root, 'data', 'nested', 'link'));
    expect(await codes()).toEqual([{ code: 'not-regular', path: 'data/nested/link' }]);
  });

  it('refuses a listed file replaced by a link, without also calling it missing', async () => {
    await makeBag(root);
    const file = path.join(root, 'data', 'notes.txt');
    await fs.rename(file, path.join(root, 'moved.txt'));
    await fs.symlink(path.join(root, 'moved.txt'), file);
    expect(await codes()).toEqual([
      { code: 'oxum', path: 'bag-info.txt' },
      { code: 'not-regular', path: 'data/notes.txt' },
    ]);
  });

  it('finds a changed tag file', async () => {
    await makeBag(root);
    await fs.appendFile(path.join(root, 'bag-info.txt'), 'Contact-Name: someone else\n');
    expect(await codes()).toEqual([{ code: 'tag-changed', path: 'bag-info.txt' }]);
  });

  it('reports a name that is not UTF-8, shown escaped', async () => {
    await makeBag(root);
    const name = Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff]), Buffer.from('.bin')]);
    await fs.writeFile(Buffer.concat([Buffer.from(path.join(root, 'data') + '/'), name]), 'x');
    expect(await codes()).toEqual([
      { code: 'oxum', path: 'bag-info.txt' },
      { code: 'malformed', path: 'data/bad-\\xff.bin' },
    ]);
  });

  it('needs at least one payload manifest', async () => {
    await makeBag(root);
    await fs.rm(path.join(root, 'manifest-md5.txt'));
    await fs.rm(path.join(root, 'manifest-sha256.txt'));
    expect(await codes()).toEqual([
      { code: 'malformed', path: null },
      { code: 'missing', path: 'manifest-md5.txt' },
      { code: 'missing', path: 'manifest-sha256.txt' },
    ]);
  });

  it('stops when asked to', async () => {
    await makeBag(root);
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await validateBag(root, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CustodyError);
    expect(error).toMatchObject({ code: 'INGEST.INTERRUPTED' });
    // And in the middle of reading a file.
    const midway = new AbortController();
    const during = validateBag(root, {
      signal: midway.signal,
      onProgress: (p) => {
        if (p.bytesDone > 0) midway.abort();
      },
    });
    await expect(during).rejects.toMatchObject({ code: 'INGEST.INTERRUPTED' });
  });
});
