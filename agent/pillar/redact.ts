// Redaction of secret values (private pillar) in anything shown to a person or stored.
// A secret is a value the private pillar contributed (pillar-secrets.ts): what is hidden is decided
// by where a value came from, never by what it looks like. Matching is by value: a string equal to a
// secret is replaced, and a secret of at least MIN_EMBEDDED characters is also replaced where it
// appears inside a longer string (a password in a rendered config line, in a tag, in an error
// message). Shorter secrets and numbers are replaced only where they are the whole value; a number
// in the data is matched by its decimal form, so the secret "6379" also hides the number 6379. Map
// keys are redacted like strings.
//
// A multi-line secret (a key, a certificate) is also matched line by line: each of its lines is a
// piece that is replaced wherever it appears. Any string secret or piece, even a short one, is also
// replaced where it is a whole line (trimmed, also behind the "+", "-" or " " of a unified diff line),
// so a secret cut into lines by a diff, an indented template or a command's output never shows. A
// diff (a `diff` field) that holds any secret or piece is not shown at all: it becomes SECRET_DIFF.

export const REDACTED = '**REDACTED**';
export const MIN_EMBEDDED = 4;
/** Runs of letters and digits at least this long in a secret are pieces of it too. */
export const MIN_TOKEN = 12;
/** What a diff of contents holding private pillar values is replaced with. */
export const SECRET_DIFF = 'content changed: holds private pillar values';

interface Matcher {
  /** Whole values to replace: strings, and numbers by their decimal form. */
  exact: Set<string>;
  /** Each line of each string secret (trimmed, non-empty): replaced where it is a whole line. */
  lines: Set<string>;
  /** Secrets and pieces replaced inside strings: one alternation, longest first, or undefined. */
  embedded?: RegExp;
}

const LINE_BREAK = /\r\n|\r|\n/;
const TOKEN = new RegExp(`[A-Za-z0-9]{${MIN_TOKEN},}`, 'g');

/** A secret as templates commonly escape it: inside a JSON string, in shell or YAML single quotes. */
function escapedForms(s: string): string[] {
  return [JSON.stringify(s).slice(1, -1), `'${s.replace(/'/g, `'"'"'`)}'`, s.replace(/'/g, "''")].filter(
    (v) => v !== s,
  );
}

/** Matchers by list of secrets: a job redacts every event with the same list. */
const matchers = new WeakMap<readonly unknown[], Matcher>();

function matcher(secrets: readonly unknown[]): Matcher {
  let m = matchers.get(secrets);
  if (!m) {
    m = buildMatcher(secrets);
    matchers.set(secrets, m);
  }
  return m;
}

function buildMatcher(secrets: readonly unknown[]): Matcher {
  const m: Matcher = { exact: new Set(), lines: new Set() };
  const embedded = new Set<string>();
  for (const s of secrets) {
    if (typeof s === 'string' && s !== '') {
      m.exact.add(s);
      for (const form of [s, ...escapedForms(s)]) {
        if (form.length >= MIN_EMBEDDED) embedded.add(form);
        for (const line of form.split(LINE_BREAK)) {
          const piece = line.trim();
          if (!piece) continue;
          m.lines.add(piece);
          if (piece.length >= MIN_EMBEDDED) embedded.add(piece);
        }
      }
      for (const token of s.match(TOKEN) ?? []) embedded.add(token);
    } else if ((typeof s === 'number' && Number.isFinite(s)) || typeof s === 'bigint') {
      m.exact.add(String(s));
    }
  }
  if (embedded.size) {
    const alternatives = [...embedded]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    m.embedded = new RegExp(alternatives.join('|'), 'g');
  }
  return m;
}

/** The secret line `line` is (trimmed, or behind the mark of a unified diff line), if any. */
function linePiece(line: string, m: Matcher): string | undefined {
  const whole = line.trim();
  if (m.lines.has(whole)) return whole;
  const mark = line.charAt(0);
  const rest = line.slice(1).trim();
  return (mark === '+' || mark === '-' || mark === ' ') && m.lines.has(rest) ? rest : undefined;
}

function redactLines(s: string, m: Matcher): string {
  if (!m.lines.size) return s;
  const parts = s.split(/(\r\n|\r|\n)/);
  let changed = false;
  for (let i = 0; i < parts.length; i += 2) {
    const piece = linePiece(parts[i], m);
    if (piece === undefined) continue;
    const at = parts[i].lastIndexOf(piece);
    parts[i] = parts[i].slice(0, at) + REDACTED + parts[i].slice(at + piece.length);
    changed = true;
  }
  return changed ? parts.join('') : s;
}

function redactString(s: string, m: Matcher): string {
  if (m.exact.has(s)) return REDACTED;
  const out = redactLines(s, m);
  return m.embedded ? out.replace(m.embedded, REDACTED) : out;
}

function holds(s: string, m: Matcher): boolean {
  if (m.exact.has(s)) return true;
  if (m.embedded) {
    m.embedded.lastIndex = 0;
    if (m.embedded.test(s)) return true;
  }
  return m.lines.size > 0 && s.split(LINE_BREAK).some((line) => linePiece(line, m) !== undefined);
}

/**
 * A deep copy of `value` with every secret replaced by `**REDACTED**` (`value` itself when there are
 * no secrets), and every `diff` string that holds a secret (or was redacted already) replaced by
 * SECRET_DIFF. Never modifies `value`. Objects other than arrays and dates come back as plain maps
 * of their own enumerable fields.
 */
export function redact<T>(value: T, secrets: readonly unknown[]): T {
  const m = matcher(secrets);
  if (m.exact.size === 0) return value;
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v, m);
    if (typeof v === 'number' || typeof v === 'bigint') return m.exact.has(String(v)) ? REDACTED : v;
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      seen.set(v, arr);
      for (const item of v) arr.push(walk(item));
      return arr;
    }
    if (v instanceof Date) return v;
    const obj: Record<string, unknown> = {};
    seen.set(v, obj);
    for (const [k, item] of Object.entries(v)) {
      const secretDiff = k === 'diff' && typeof item === 'string' && (item.includes(REDACTED) || holds(item, m));
      obj[redactString(k, m)] = secretDiff ? SECRET_DIFF : walk(item);
    }
    return obj;
  };
  return walk(value) as T;
}
