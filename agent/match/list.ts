// List matcher: the minion id is one of a comma-separated list (`web1,web2`) or a YAML list.
import type { Minion } from './types.ts';

export function listMatch(tgt: unknown, minion: Minion): boolean {
  if (Array.isArray(tgt)) return tgt.some((x) => String(x) === minion.id);
  if (typeof tgt !== 'string') return false;
  // Minion ids never contain whitespace, so entries are trimmed: `web1, web2` works too.
  return tgt.split(',').some((x) => x.trim() === minion.id);
}
