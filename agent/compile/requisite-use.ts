// `use` and `use_in`: a state inherits the arguments of another declaration that it does not set
// itself (Salt's requisite_in). Never inherited: name/names, order and requisites — so a chain of
// `use` does not pass on inherited arguments either, since only declared arguments are copied.
import type { LowChunk } from '../protocol.ts';
import type { DraftChunk } from './types.ts';

/** `user` copies from `source`. */
export interface UseLink {
  user: DraftChunk;
  source: DraftChunk;
}

const NEVER = new Set([
  'name',
  'names',
  'order',
  'state',
  'fun',
  'require',
  'require_any',
  'watch',
  'watch_any',
  'onchanges',
  'onchanges_any',
  'onfail',
  'onfail_any',
  'onfail_all',
  'onfail_stop',
  'prereq',
  'prerequired',
  'listen',
  'require_in',
  'watch_in',
  'onchanges_in',
  'onfail_in',
  'prereq_in',
  'listen_in',
  'use',
  'use_in',
]);

function copy(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

/**
 * Applies the links in order to the compiled chunks (`out`, by tag): for each link, the source's
 * args and meta that the user's own declaration does not set. When several sources set the same
 * argument the last one wins, as Salt's extend does.
 */
export function applyUse(links: readonly UseLink[], out: ReadonlyMap<string, LowChunk>): void {
  for (const { user, source } of links) {
    const target = out.get(user.tag);
    if (!target) continue;
    const own = (k: string): boolean => k in user.args || k in user.meta;
    for (const [k, v] of Object.entries(source.args)) if (!NEVER.has(k) && !own(k)) target.args[k] = copy(v);
    for (const [k, v] of Object.entries(source.meta)) if (!NEVER.has(k) && !own(k)) target.meta[k] = copy(v);
  }
}
