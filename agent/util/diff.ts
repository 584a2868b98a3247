// Unified diffs in the form Salt reports them under changes.diff: no file names in the
// header ("--- " / "+++ "), three lines of context, difflib-style hunk ranges. A diff too costly
// to compute (a side over DIFF_MAX_BYTES or DIFF_MAX_LINES, or more than DIFF_MAX_EDITS changed
// lines) is replaced by a one-line summary, as Salt says a file is too large to show a diff.
import { structuredPatch } from 'diff';

/** True when the data looks binary (a NUL byte in the first 8 KiB), as Salt decides. */
export function isBinary(data: Buffer | string): boolean {
  const buf = typeof data === 'string' ? Buffer.from(data.slice(0, 8192), 'utf8') : data.subarray(0, 8192);
  return buf.includes(0);
}

/** Bounds past which a content change is summarised instead of diffed. */
export const DIFF_MAX_BYTES = 1 << 20;
export const DIFF_MAX_LINES = 20_000;
export const DIFF_MAX_EDITS = 5_000;

/** Lines of a text, a last line without a newline included. */
function lineCount(data: Buffer): number {
  let n = 0;
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) n++;
  return data.length && data[data.length - 1] !== 10 ? n + 1 : n;
}

function tooLarge(a: Buffer, b: Buffer): string {
  return `content changed (too large to show: ${lineCount(a)} lines → ${lineCount(b)} lines)`;
}

function range(start: number, length: number): string {
  if (length === 1) return String(start);
  if (length === 0) return `${start - 1},0`;
  return `${start},${length}`;
}

/**
 * Unified diff of two texts; '' when they are equal, undefined when they differ in more than
 * `maxEdits` lines. A last line without a newline is marked "\ No newline at end of file", as
 * diff(1) does.
 */
export function unifiedDiff(
  oldText: string,
  newText: string,
  context = 3,
  maxEdits = DIFF_MAX_EDITS,
): string | undefined {
  if (oldText === newText) return '';
  const patch = structuredPatch('', '', oldText, newText, undefined, undefined, { context, maxEditLength: maxEdits });
  if (!patch) return undefined;
  const out = ['--- ', '+++ '];
  for (const h of patch.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    out.push(...h.lines);
  }
  return out.join('\n') + '\n';
}

/** What Salt puts in changes.diff when comparing contents (binary and hidden cases included). */
export function contentDiff(oldData: Buffer | string, newData: Buffer | string, showChanges = true): string {
  const a = typeof oldData === 'string' ? Buffer.from(oldData, 'utf8') : oldData;
  const b = typeof newData === 'string' ? Buffer.from(newData, 'utf8') : newData;
  if (a.equals(b)) return '';
  if (!showChanges) return '<show_changes=False>';
  if (isBinary(a) || isBinary(b)) return 'Replace binary file';
  if (Math.max(a.length, b.length) > DIFF_MAX_BYTES || Math.max(lineCount(a), lineCount(b)) > DIFF_MAX_LINES)
    return tooLarge(a, b);
  return unifiedDiff(a.toString('utf8'), b.toString('utf8')) ?? tooLarge(a, b);
}
