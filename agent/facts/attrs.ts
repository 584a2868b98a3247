// Linux file attributes (chattr(1)) of a file, as lsattr shows them.
import { join } from 'node:path';
import type { Fact } from './cache.ts';
import type { RunResult } from '../process/run.ts';

export interface FileAttrs {
  /** The attribute letters set ('ie'); undefined when they could not be read. */
  attrs?: string;
  /** Why they could not be read (no lsattr, a file system without attributes…). */
  error?: string;
}

/** `lsattr -d` output: the flag field's letters ("----i---------e------- /x" → "ie"). */
export function parseLsattr(r: RunResult): FileAttrs {
  if (r.code !== 0) return { error: r.stderr.trim() || r.error || `lsattr exited with ${r.code}` };
  const field = r.stdout.trim().split(/\s+/)[0] ?? '';
  return { attrs: field.replace(/-/g, '') };
}

/** Key: the absolute path of a file (not a symlink). */
export const attrsFact: Fact<RunResult, FileAttrs> = {
  name: 'attrs',
  gather: (path, env) => env.run(['lsattr', '-d', '--', join(env.root, path)]),
  parse: parseLsattr,
};
