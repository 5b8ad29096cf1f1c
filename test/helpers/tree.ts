import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A fingerprint of a whole tree (names, types, link targets, content hashes, modes, times).
 * Access times are included for regular files only: listing a folder or reading a link's target
 * updates its access time, which no read-only API can avoid (mount sources with noatime).
 */
export async function treeFingerprint(root: string): Promise<string> {
  const lines: string[] = [];
  const visit = async (dir: Buffer, rel: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const e of entries) {
      const abs = Buffer.concat([dir, Buffer.from('/'), e.name]);
      const name = `${rel}/${e.name.toString('hex')}`;
      const st = await fs.lstat(abs, { bigint: true });
      let content = '';
      if (e.isFile())
        content = createHash('sha256')
          .update(await fs.readFile(abs))
          .digest('hex');
      if (e.isSymbolicLink())
        content = (await fs.readlink(abs, { encoding: 'buffer' })).toString('hex');
      lines.push(
        `${name} ${st.mode} ${st.size} ${st.mtimeNs} ${e.isFile() ? st.atimeNs : '-'} ${content}`,
      );
      if (e.isDirectory()) await visit(abs, name);
    }
  };
  await visit(Buffer.from(path.resolve(root)), '');
  return lines.join('\n');
}
