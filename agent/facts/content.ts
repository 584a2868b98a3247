// The contents of a regular file. A symlink is never followed here: following links is the
// caller's business (and its check), so a path that is a link reads as no file.
import { constants, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Fact } from './cache.ts';
import { isBinary } from '../util/diff.ts';

export interface FileContent {
  data: Buffer;
  /** The data decoded as UTF-8. */
  text: string;
  binary: boolean;
  sha256: string;
}

export function parseContent(data: Buffer | null): FileContent | null {
  if (!data) return null;
  return {
    data,
    text: data.toString('utf8'),
    binary: isBinary(data),
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

/** content: key = absolute path of a file; null when it is missing or not a regular file. */
export const contentFact: Fact<Buffer | null, FileContent | null> = {
  name: 'content',
  async gather(path, env) {
    const abs = join(env.root, path);
    let fh;
    try {
      // never through a symlink: a link put there since the caller looked reads as nothing
      fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENXIO') return null;
      throw err;
    }
    try {
      return (await fh.stat()).isFile() ? await fh.readFile() : null;
    } finally {
      await fh.close();
    }
  },
  parse: parseContent,
};
