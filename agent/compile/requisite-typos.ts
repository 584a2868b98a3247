// Arguments that look like a misspelt requisite (`requires`, `watch-in`, `onchange`,
// `require_any_in`…). Salt passes them to the state function, which ignores them, so the
// dependency silently disappears; we report them instead.

/** Every requisite keyword a state may declare. */
export const DECLARABLE_REQUISITES: ReadonlySet<string> = new Set([
  'require',
  'require_any',
  'require_in',
  'watch',
  'watch_any',
  'watch_in',
  'onchanges',
  'onchanges_any',
  'onchanges_in',
  'onfail',
  'onfail_any',
  'onfail_all',
  'onfail_in',
  'prereq',
  'prereq_in',
  'listen',
  'listen_in',
  'use',
  'use_in',
]);

const BASES: Record<string, string> = {
  require: 'require',
  requires: 'require',
  required: 'require',
  watch: 'watch',
  watches: 'watch',
  onchange: 'onchanges',
  onchanges: 'onchanges',
  onfail: 'onfail',
  onfails: 'onfail',
  prereq: 'prereq',
  prereqs: 'prereq',
  listen: 'listen',
  listens: 'listen',
  use: 'use',
  uses: 'use',
};

const SHAPE = /^(requires?|required|watch(?:es)?|onchanges?|onfails?|prereqs?|listens?|uses?)((?:in|any|all)*)$/;

/**
 * When `key` is not a requisite keyword but looks like one, returns the keyword it probably
 * means ('' when there is none to suggest); otherwise undefined.
 */
export function misspeltRequisite(key: string): string | undefined {
  if (DECLARABLE_REQUISITES.has(key)) return undefined;
  const compact = key.toLowerCase().replace(/[-_\s]+/g, '');
  const m = SHAPE.exec(compact);
  if (!m) return undefined;
  // `use` alone, `uses`, `required`… without suffix are only suspicious for the clear plurals.
  if (m[1] === 'use' && !m[2]) return undefined;
  if (m[1] === 'required' && !m[2]) return undefined;
  const suffixes = m[2].match(/in|any|all/g) ?? [];
  const candidate = [BASES[m[1]], ...suffixes].join('_');
  return DECLARABLE_REQUISITES.has(candidate) ? candidate : '';
}
