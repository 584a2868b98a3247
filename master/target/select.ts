// Host selection from the roster: by level, role, host id glob and compound expression.
// Values of one option are alternatives (--role db,app: db or app); different options must all
// hold (--level staging --role db: staging and db). Hosts come out in roster (file) order.
// Compound expressions are matched against the roster grains only ({...grains, id, level, roles}).
import { compoundMatch, fnmatch, TargetError } from '../../agent/match/index.ts';
import { rosterGrains } from '../config/host-grains.ts';
import type { RosterHost } from '../config/roster.ts';

export interface TargetSpec {
  /** Level names; a host's level must be one of them. */
  levels: readonly string[];
  /** Role names; a host must have at least one of them. */
  roles: readonly string[];
  /** Id globs (fnmatch, case-sensitive) or exact ids; a host id must match one. */
  hosts: readonly string[];
  /** Compound expressions; a host must match every one. */
  targets: readonly string[];
}

export const NO_TARGETING: TargetSpec = { levels: [], roles: [], hosts: [], targets: [] };

/** What selection reads of a roster entry (valid or not). */
export type Targetable = Pick<RosterHost, 'id' | 'level' | 'roles' | 'grains'>;

export interface Selection<H extends Targetable = RosterHost> {
  /** Selected hosts, in roster order. */
  hosts: H[];
  /** Option values that matched no roster host although others selected something, e.g. `--host db9*`. */
  unmatched: string[];
}

/** Nothing was selected; `reasons` says which options (or which combination) matched nothing. */
export class SelectionError extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(`no host selected: ${reasons.join('; ')}`);
    this.name = 'SelectionError';
  }
}

type Test = (host: Targetable) => boolean;

interface Criterion {
  /** `--role db`, as the user would write it. */
  label: string;
  option: 'level' | 'role' | 'host' | 'target';
  test: Test;
}

function quoteArg(v: string): string {
  // quoted as for a shell when needed, so that a message can be pasted back: `--host 'app*'`
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function compoundTest(expr: string): Test {
  return (h) => {
    try {
      return compoundMatch(expr, { id: h.id, grains: rosterGrains(h) });
    } catch (err) {
      if (err instanceof TargetError) throw new SelectionError([`--target ${quoteArg(expr)}: ${err.message}`]);
      throw err;
    }
  };
}

function criteria(spec: TargetSpec): Criterion[] {
  return [
    ...spec.levels.map((l): Criterion => ({
      label: `--level ${quoteArg(l)}`,
      option: 'level',
      test: (h) => h.level === l,
    })),
    ...spec.roles.map((r): Criterion => ({
      label: `--role ${quoteArg(r)}`,
      option: 'role',
      test: (h) => h.roles.includes(r),
    })),
    ...spec.hosts.map((g): Criterion => ({
      label: `--host ${quoteArg(g)}`,
      option: 'host',
      test: (h) => h.id === g || fnmatch(h.id, g),
    })),
    ...spec.targets.map((e): Criterion => ({
      label: `--target ${quoteArg(e)}`,
      option: 'target',
      test: compoundTest(e),
    })),
  ];
}

/** `--role db,app` for alternatives; compound expressions each on their own, as they all must hold. */
function groupLabels(g: readonly Criterion[]): string[] {
  if (g[0].option === 'target' || g.length === 1) return g.map((c) => c.label);
  return [`--${g[0].option} ${g.map((c) => c.label.slice(g[0].option.length + 3)).join(',')}`];
}

const sortedUnique = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

function hint(c: Criterion, roster: readonly Targetable[]): string {
  if (c.option === 'level')
    return ` (levels in the roster: ${sortedUnique(roster.flatMap((h) => (h.level ? [h.level] : []))).join(', ') || 'none'})`;
  if (c.option === 'role')
    return ` (roles in the roster: ${sortedUnique(roster.flatMap((h) => h.roles)).join(', ') || 'none'})`;
  return '';
}

/**
 * The roster hosts `spec` selects, in roster order. Throws a SelectionError when the result is empty
 * (naming every option value that matched no host, or else the combination that excluded all), and
 * when a compound expression is malformed.
 */
export function selectHosts<H extends Targetable>(roster: readonly H[], spec: TargetSpec): Selection<H> {
  const all = criteria(spec);
  // every criterion is evaluated on every host, so a malformed expression is reported even if unneeded
  const hits = new Map<Criterion, Set<Targetable>>(all.map((c) => [c, new Set(roster.filter(c.test))]));
  const groups = (['level', 'role', 'host', 'target'] as const)
    .map((o) => all.filter((c) => c.option === o))
    .filter((g) => g.length);
  const hosts = roster.filter((h) =>
    groups.every((g) =>
      g[0].option === 'target' ? g.every((c) => hits.get(c)!.has(h)) : g.some((c) => hits.get(c)!.has(h)),
    ),
  );
  const empty = all.filter((c) => hits.get(c)!.size === 0);
  if (hosts.length) return { hosts, unmatched: empty.map((c) => c.label) };
  if (!roster.length) throw new SelectionError(['the roster has no hosts']);
  if (empty.length) throw new SelectionError(empty.map((c) => `${c.label} matches no host${hint(c, roster)}`));
  throw new SelectionError([`no host matches ${groups.flatMap(groupLabels).join(' and ')} together`]);
}

/**
 * Splits a comma-separated option value into its items, trimmed, empty ones dropped. Commas inside
 * `[...]` belong to a glob character class (`app[1,2]*`) and do not split.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of value) {
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}
