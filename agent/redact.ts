// Redaction of secret values (private pillar) in anything shown to a person or stored.
// Matching is by value: a string equal to a secret is replaced, and a secret of at least
// MIN_EMBEDDED characters is also replaced where it appears inside a longer string
// (a password in a rendered config line, in a tag, in an error message). Shorter secrets and
// numbers are replaced only where they are the whole value; a number in the data is matched by its
// decimal form, so the secret "6379" also hides the number 6379. Map keys are redacted like strings.

export const REDACTED = '**REDACTED**';
export const MIN_EMBEDDED = 4;

interface Matcher {
  /** Whole values to replace: strings, and numbers by their decimal form. */
  exact: Set<string>;
  /** Secrets replaced inside strings: one alternation, longest first, or undefined. */
  embedded?: RegExp;
}

function matcher(secrets: readonly unknown[]): Matcher {
  const m: Matcher = { exact: new Set() };
  const embedded = new Set<string>();
  for (const s of secrets) {
    if (typeof s === 'string' && s !== '') {
      m.exact.add(s);
      if (s.length >= MIN_EMBEDDED) embedded.add(s);
    } else if ((typeof s === 'number' && Number.isFinite(s)) || typeof s === 'bigint') {
      m.exact.add(String(s));
    }
  }
  if (embedded.size) {
    const alternatives = [...embedded].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    m.embedded = new RegExp(alternatives.join('|'), 'g');
  }
  return m;
}

function redactString(s: string, m: Matcher): string {
  if (m.exact.has(s)) return REDACTED;
  return m.embedded ? s.replace(m.embedded, REDACTED) : s;
}

/**
 * A deep copy of `value` with every secret replaced by `**REDACTED**` (`value` itself when there are
 * no secrets). Never modifies `value`. Objects other than arrays and dates come back as plain maps of
 * their own enumerable fields.
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
    for (const [k, item] of Object.entries(v)) obj[redactString(k, m)] = walk(item);
    return obj;
  };
  return walk(value) as T;
}
