// Text that came from a host, made safe to print. A VM controls its results, comments, diffs,
// command output and error messages; printed raw, an escape sequence in them could retitle the
// operator's window, move the cursor and forge lines, or reorder text with bidi overrides. Every
// formatter of host data goes through here: control characters (C0, DEL, C1, ESC) and the bidi
// and line-separator characters are shown escaped (`\x1b`, `\u202e`); newlines and tabs are kept
// only where a value may span lines (comments, diffs, output), never in names and ids.
import type { ErrorData } from '../../agent/errors.ts';
import type { StateResult } from '../../agent/protocol.ts';
import type { PushResult } from '../push/host.ts';

const BIDI_AND_SEPARATORS = '\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const IN_LINE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g');
const IN_TEXT = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g');
/** What JSON.stringify leaves raw: DEL, C1, bidi and separators (it escapes C0 itself). */
const IN_JSON = new RegExp(`[\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g');

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
}

/** A value shown on one line (a name, an id, a host): every control character escaped. */
export function safeLine(s: string): string {
  return s.replace(IN_LINE, escapeChar);
}

/** A value that may span lines (a comment, a diff, output): control characters escaped, newlines and tabs kept. */
export function safeText(s: string): string {
  return s.replace(IN_TEXT, escapeChar);
}

/** JSON text with no raw control character left in its strings (written as \u escapes: the values are unchanged). */
export function safeJson(json: string): string {
  return json.replace(IN_JSON, (c) => `\\u${hex(c, 4)}`);
}

/** Every string of `v` made safe: map keys as lines, values as text. */
export function safeValue(v: unknown): unknown {
  if (typeof v === 'string') return safeText(v);
  if (Array.isArray(v)) return v.map(safeValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [safeLine(k), safeValue(x)]));
  return v;
}

function safeError(e: ErrorData): ErrorData {
  return {
    ...e,
    message: safeText(e.message),
    ...(e.file !== undefined ? { file: safeLine(e.file) } : {}),
    ...(e.id !== undefined ? { id: safeLine(e.id) } : {}),
    ...(e.host !== undefined ? { host: safeLine(e.host) } : {}),
  };
}

function safeResult(r: StateResult): StateResult {
  return {
    ...r,
    tag: safeLine(r.tag),
    id: safeLine(r.id),
    name: safeLine(r.name),
    sls: safeLine(r.sls),
    start_time: safeLine(r.start_time),
    comment: safeText(r.comment),
    changes: safeValue(r.changes) as Record<string, unknown>,
    ...(r.warnings ? { warnings: r.warnings.map(safeText) } : {}),
  };
}

/** A host's outcome with everything the host sent made safe to print. */
export function safeHostResult(r: PushResult): PushResult {
  return {
    ...r,
    results: r.results.map(safeResult),
    errors: r.errors.map(safeError),
    ...(r.warnings ? { warnings: r.warnings.map(safeError) } : {}),
  };
}
