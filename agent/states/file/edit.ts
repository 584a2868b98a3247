// Text edits of an existing file (replace, line, blockreplace, comment, append): read the
// current text, and write the new text back atomically with the file's owner and mode.
import type { StateContext } from '../types.ts';
import { writeFileAtomic } from '../../store/fs-atomic.ts';
import { backup, contentOf, hostPath, keepMeta, realPath, statOf } from './common.ts';

export interface EditOps {
  /** The path as the state names it. */
  name: string;
  /** The file actually written (symlinks followed). */
  path: string;
  text: string;
}

export interface EditTarget {
  path: string;
  text: string;
  binary: boolean;
}

/** The file behind `name` (following symlinks), or undefined when it is not a regular file. */
export async function editTarget(ctx: StateContext, name: string): Promise<EditTarget | undefined> {
  const path = await realPath(ctx, name);
  const c = await contentOf(ctx, path);
  return c ? { path, text: c.text, binary: c.binary } : undefined;
}

export async function writeEdit(ctx: StateContext, ops: EditOps): Promise<void> {
  const st = await statOf(ctx, ops.path);
  await backup(ctx, ops.path);
  await writeFileAtomic(hostPath(ctx, ops.path), ops.text, keepMeta(st));
  ctx.facts.invalidatePath(ops.path);
  ctx.facts.invalidatePath(ops.name);
}

/** Python's str.splitlines(keepends=True). */
export function splitLinesKeep(text: string): string[] {
  return (
    text
      .match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g)
      ?.filter((l, i, a) => l !== '' || i < a.length - 1) ?? []
  );
}

/** Python's str.splitlines(). */
export function splitLines(text: string): string[] {
  return splitLinesKeep(text).map((l) => l.replace(/(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])$/, ''));
}
