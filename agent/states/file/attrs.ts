// file.managed's `attrs`, as Salt's check_perms manages them: the attribute letters chattr(1) can
// set are made to be exactly those given (missing ones added, others removed); letters the kernel
// sets itself (e for extents…) are left alone. A file system without attributes (tmpfs takes few)
// makes the state fail with chattr's own words.
import { join } from 'node:path';
import type { StateContext } from '../types.ts';
import { attrsFact } from '../../facts/attrs.ts';
import { operands } from '../../process/operands.ts';

/** What chattr sets and clears. */
const SETTABLE = 'aAcCdDFijmPsStTux';
/** What lsattr may show that only the kernel sets. */
const READ_ONLY = 'eEhINVXZ';

const settable = (letters: string): Set<string> => new Set([...letters].filter((c) => SETTABLE.includes(c)));

/** Why `attrs` cannot be asked for, or undefined. */
export function invalidAttrs(attrs: string): string | undefined {
  const bad = [...attrs].filter((c) => !SETTABLE.includes(c) && !READ_ONLY.includes(c));
  return bad.length ? `Invalid attrs ${attrs}: chattr sets only the attributes ${SETTABLE}` : undefined;
}

export interface AttrsDiff {
  old: string;
  add: string;
  remove: string;
}

/** How the attributes of the file at `path` differ from `wanted` (throws nothing: an unreadable set is an error). */
export async function attrsDiff(ctx: StateContext, path: string, wanted: string): Promise<AttrsDiff | string> {
  const cur = await ctx.facts.get(attrsFact, path);
  if (cur.attrs === undefined) return `Unable to read the attributes of ${path}: ${cur.error ?? 'lsattr failed'}`;
  const want = settable(wanted);
  const have = settable(cur.attrs);
  return {
    old: cur.attrs,
    add: [...want].filter((c) => !have.has(c)).join(''),
    remove: [...have].filter((c) => !want.has(c)).join(''),
  };
}

/**
 * Makes the attributes of the file at `path` those of `wanted`: the change to report, or the
 * failure (Salt's "Failed to change attributes to …" and chattr's words).
 */
export async function applyAttrs(
  ctx: StateContext,
  path: string,
  wanted: string,
): Promise<{ change?: { old: string; new: string }; error?: string }> {
  const diff = await attrsDiff(ctx, path, wanted);
  if (typeof diff === 'string') return { error: diff };
  if (!diff.add && !diff.remove) return {};
  const modes = [...(diff.add ? [`+${diff.add}`] : []), ...(diff.remove ? [`-${diff.remove}`] : [])];
  const r = await ctx.run(['chattr', ...modes, ...operands(join(ctx.root, path))]);
  ctx.facts.invalidate(attrsFact, path);
  const after = await attrsDiff(ctx, path, wanted);
  if (typeof after === 'string' || after.add || after.remove) {
    const why = r.code !== 0 ? r.stderr.trim() || r.error : typeof after === 'string' ? after : '';
    return { error: `Failed to change attributes to ${wanted}${why ? `: ${why}` : ''}` };
  }
  return { change: { old: diff.old, new: after.old } };
}
