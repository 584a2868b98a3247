// `--since` values: an age (`90s`, `30m`, `6h`, `2d`, `1w`) or a date/time (`2026-12-01`,
// `2026-12-01T08:00:00Z`; without a zone it is UTC, as job times are shown).

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The time `value` means, or undefined when it is neither an age nor a date. */
export function parseSince(value: string, now: Date = new Date()): Date | undefined {
  const age = /^(\d+)([smhdw])$/.exec(value.trim());
  if (age) return new Date(now.getTime() - Number(age[1]) * UNIT_MS[age[2]]);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  const at = new Date(iso);
  // Date accepts 2026-02-31 by rolling over; a date that does not read back the same is refused
  if (
    Number.isNaN(at.getTime()) ||
    ((m[7] ?? 'Z') === 'Z' && at.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`)
  )
    return undefined;
  return at;
}
