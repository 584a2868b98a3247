// Unified diffs in the form Salt reports them under changes.diff: no file names in the
// header ("--- " / "+++ "), three lines of context, difflib-style hunk ranges.
import { structuredPatch } from 'diff';

/** True when the data looks binary (a NUL byte in the first 8 KiB), as Salt decides. */
export function isBinary(data: Buffer | string): boolean {
  const buf = typeof data === 'string' ? Buffer.from(data.slice(0, 8192), 'utf8') : data.subarray(0, 8192);
  return buf.includes(0);
}

function range(start: number, length: number): string {
  if (length === 1) return String(start);
  if (length === 0) return `${start - 1},0`;
  return `${start},${length}`;
}

/**
 * Unified diff of two texts; '' when they are equal. A last line without a newline is
 * marked "\ No newline at end of file", as diff(1) does.
 */
export function unifiedDiff(oldText: string, newText: string, context = 3): string {
  if (oldText === newText) return '';
  const patch = structuredPatch('', '', oldText, newText, undefined, undefined, { context });
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
  return unifiedDiff(a.toString('utf8'), b.toString('utf8'));
}
