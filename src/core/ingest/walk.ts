import fs from 'node:fs/promises';

/** One entry under the source root. Paths are raw bytes: names on a leaked drive need not be UTF-8. */
export type WalkEntry =
  | { readonly type: 'file' | 'symlink' | 'special'; readonly rel: Buffer; readonly abs: Buffer }
  | {
      readonly type: 'unreadable-dir';
      readonly rel: Buffer;
      readonly abs: Buffer;
      readonly error: NodeJS.ErrnoException;
    };

const SLASH = Buffer.from('/');

/**
 * Walks a tree depth-first without following symbolic links, yielding files, links and special
 * files. Only the stack of directories still to visit is kept, so memory is bounded by depth
 * and by the largest single directory, not by the size of the tree. Entries are yielded in
 * byte order of their names so that re-runs walk the same way.
 */
export async function* walkTree(root: string): AsyncGenerator<WalkEntry> {
  const stack: { rel: Buffer; abs: Buffer }[] = [{ rel: Buffer.alloc(0), abs: Buffer.from(root) }];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    let entries;
    try {
      entries = await fs.readdir(dir.abs, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      yield {
        type: 'unreadable-dir',
        rel: dir.rel,
        abs: dir.abs,
        error: error as NodeJS.ErrnoException,
      };
      continue;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirs: { rel: Buffer; abs: Buffer }[] = [];
    for (const entry of entries) {
      const rel =
        dir.rel.length === 0
          ? Buffer.from(entry.name)
          : Buffer.concat([dir.rel, SLASH, entry.name]);
      const abs = Buffer.concat([dir.abs, SLASH, entry.name]);
      if (entry.isDirectory()) subdirs.push({ rel, abs });
      else if (entry.isSymbolicLink()) yield { type: 'symlink', rel, abs };
      else if (entry.isFile()) yield { type: 'file', rel, abs };
      else yield { type: 'special', rel, abs };
    }
    // Reverse so the stack pops subdirectories in name order.
    for (let i = subdirs.length - 1; i >= 0; i--)
      stack.push(subdirs[i] as { rel: Buffer; abs: Buffer });
  }
}
