// The contents of a regular file (following symlinks is the caller's business).
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Fact } from './cache.ts';
import { isBinary } from '../diff.ts';

export interface FileContent {
  data: Buffer;
  /** The data decoded as UTF-8. */
  text: string;
  binary: boolean;
  sha256: string;
}

export function parseContent(data: Buffer | null): FileContent | null {
  if (!data) return null;
  return { data, text: data.toString('utf8'), binary: isBinary(data), sha256: createHash('sha256').update(data).digest('hex') };
}

/** content: key = absolute path of a file; null when it is missing or not a regular file. */
export const contentFact: Fact<Buffer | null, FileContent | null> = {
  name: 'content',
  async gather(path, env) {
    const abs = join(env.root, path);
    try {
      const st = await fsp.stat(abs);
      return st.isFile() ? await fsp.readFile(abs) : null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return null;
      throw err;
    }
  },
  parse: parseContent,
};
