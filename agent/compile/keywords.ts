// Keywords a state declaration may carry besides its function arguments (Salt's
// STATE_REQUISITE_KEYWORDS, STATE_REQUISITE_IN_KEYWORDS and STATE_RUNTIME_KEYWORDS).

/** Requisites that point from the declaring state to its targets. */
export const REQUISITE_KEYWORDS: ReadonlySet<string> = new Set([
  'require',
  'require_any',
  'watch',
  'watch_any',
  'onchanges',
  'onchanges_any',
  'onfail',
  'onfail_any',
  'onfail_all',
  'prereq',
  'prerequired',
  'listen',
]);

/** Requisites declared on the target side (and `use`/`use_in`, which copy arguments). */
export const REQUISITE_IN_KEYWORDS: ReadonlySet<string> = new Set([
  'require_in',
  'watch_in',
  'onchanges_in',
  'onfail_in',
  'prereq_in',
  'listen_in',
  'use',
  'use_in',
]);

/** Every keyword that becomes a RawRequisite. */
export function isRequisiteKeyword(key: string): boolean {
  return REQUISITE_KEYWORDS.has(key) || REQUISITE_IN_KEYWORDS.has(key);
}

/**
 * Requisite lists that `extend` appends to instead of replacing (Salt: STATE_REQUISITE_KEYWORDS,
 * which includes the undocumented onfail_stop).
 */
export const EXTEND_APPENDS: ReadonlySet<string> = new Set([...REQUISITE_KEYWORDS, 'onfail_stop']);

/** Runtime keywords owned by the executor: they go to LowChunk.meta, not to the function. */
export const META_KEYWORDS: ReadonlySet<string> = new Set([
  'failhard',
  'onlyif',
  'unless',
  'creates',
  'check_cmd',
  'cmd_opts_exclude',
  'retry',
  'parallel',
  'timeout',
  'umask',
  'reload_modules',
  'force_reload_modules',
  'reload_grains',
  'reload_pillar',
  'runas',
  'runas_password',
  'fire_event',
  'saltenv',
  'aggregate',
  'onfail_stop',
]);

/**
 * Runtime keywords that are also ordinary arguments of some functions (cmd.run takes `runas`;
 * the executor uses the same value for unless/onlyif commands): kept in both args and meta.
 */
export const SHARED_KEYWORDS: ReadonlySet<string> = new Set(['runas']);

/** Keys that never reach args or meta: they become chunk fields or are compiler-internal. */
export const CHUNK_FIELD_KEYWORDS: ReadonlySet<string> = new Set([
  'name',
  'names',
  'name_order',
  'order',
  'state',
  'fun',
]);

/** Top-level SLS keys that are not state IDs. */
export const RESERVED_SLS_KEYS: ReadonlySet<string> = new Set(['include', 'extend', 'exclude']);
