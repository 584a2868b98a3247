// Reading state arguments the way Salt's functions receive them from YAML.

/** Salt's truthiness for flags: true/'True'/'yes'/1 → true; false/'False'/'no'/0/'' → false. */
export function flag(v: unknown, dflt = false): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return /^(true|yes|on|1)$/i.test(v.trim());
  return Boolean(v);
}

export function optString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** A string or a list of strings, as a list (non-strings are stringified, as Salt does). */
export function strList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : String(x)));
  return [typeof v === 'string' ? v : String(v)];
}

export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Salt's normalize_mode: a mode as four octal digits ('0644'), whether written 644,
 * '644' or '0644' (YAML 1.2 reads an unquoted 0644 as the number 644); undefined when
 * no mode is given.
 */
export function normalizeMode(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v)
    .trim()
    .replace(/^['"]|['"]$/g, '')
    .replace(/^0o/i, '');
  const digits = s.replace(/^0+/, '');
  return digits.padStart(4, '0');
}

export function isOctalMode(mode: string): boolean {
  return /^[0-7]{4}$/.test(mode);
}
