// The requisite truth table: given a chunk's requisites and the results of its targets, should it
// run, and if not, what does it report? (Salt's State._check_requisites and the not-run results
// of call_chunk.)
//
// Per target, by requisite kind (`_any`/`_all` forms share the row of their base kind):
//   require, prerequired  failed → fail;                    otherwise met
//   watch                 failed → fail; changes → change (mod_watch); otherwise met
//   onchanges             failed → fail; changes → onchangesmet; otherwise onchanges (not run)
//   onfail                succeeded (true) → onfail (not run); otherwise met (runs)
//   prereq                (test-mode pre-run result) failed → fail; null → premet; true → pre
// A target that was not run itself (skipped by its own requisites) adds no `met`.
// A target missing from the results is `unmet`: it has not run yet.
//
// Within one kind: `_any` forms and plain onfail are satisfied by one good target (a met or
// changed target cancels failures, a changed onchanges target cancels the others, a met onfail
// target cancels the succeeded ones); onfail_all needs every target to have failed.
// Across kinds the first that applies wins: unmet, fail, skip_req, skip_watch, pre (met when any
// prereq target expects changes), onfail (unless an onchanges target changed), onchanges, change,
// onfail, met.
//
// How an executor uses it, as Salt does:
//   met → run; change → run, then mod_watch when the run made no changes itself;
//   skip_watch → run without mod_watch; fail/pre/onfail/onchanges/skip_req → notRun().
//   Before a state with `prereq` is checked, each prereq target that has no pre-run result yet gets
//   the pre-runs of its own prereq targets, is checked with { prereqCheck: true } (its prerequired
//   requisites do not apply; its prereqs do, so a chain whose tail would change nothing runs none
//   of it) and, when met, is run in test mode: that result is the target's pre-run result; when not
//   met, its notRun() result is both its pre-run and its final result (it does not run again).
//   A pre-required state that fails its requisites afterwards (the state that pre-required it
//   failed) is reported as its pre-run, without the changes it proposed.
import type { RequisiteKind, ResultValue } from '../protocol.ts';

export type RequisiteStatus =
  'met' | 'unmet' | 'fail' | 'change' | 'onfail' | 'onchanges' | 'pre' | 'skip_req' | 'skip_watch';

/** What the truth table needs to know about a target's result. */
export interface TargetOutcome {
  result: ResultValue;
  changes: Record<string, unknown>;
  /** False when the target was not run because of its own requisites (Salt's __state_ran__). */
  ran?: boolean;
  /** The target asked that its changes trigger nothing (Salt's skip_req). */
  skipReq?: boolean;
}

export interface RequisiteLookup {
  /** Result of a chunk that has run (or was skipped), by tag. */
  result(tag: string): TargetOutcome | undefined;
  /** Test-mode pre-run result of a prereq target, by tag. */
  pre?(tag: string): TargetOutcome | undefined;
}

export interface RequisiteCheck {
  status: RequisiteStatus;
  /** Targets, any kind, whose result is false (a pre-run result counts first), in requisite order. */
  failed: string[];
}

export interface CheckOptions {
  /** Check for a prereq target's test-mode pre-run: its prerequired requisites do not apply. */
  prereqCheck?: boolean;
}

function empty(changes: Record<string, unknown> | null | undefined): boolean {
  return !changes || Object.keys(changes).length === 0;
}

function baseOf(kind: RequisiteKind): string {
  return kind.replace(/_(any|all)$/, '');
}

/** The statuses one kind of requisite contributes. */
function kindStats(kind: RequisiteKind, tags: readonly string[], lookup: RequisiteLookup): Set<string> {
  const stats = new Set<string>();
  const base = baseOf(kind);
  for (const tag of tags) {
    const r = base === 'prereq' ? lookup.pre?.(tag) : lookup.result(tag);
    if (!r) {
      stats.add('unmet');
      continue;
    }
    if (r.skipReq) stats.add('skip_req');
    if (base === 'onfail') {
      if (r.result === true) {
        stats.add('onfail');
        continue;
      }
    } else if (r.result === false) {
      // onchanges included: a target that failed fails the dependent, changes or not.
      stats.add('fail');
      continue;
    } else if (base === 'onchanges') {
      stats.add(empty(r.changes) ? 'onchanges' : 'onchangesmet');
      continue;
    }
    if (base === 'watch' && !empty(r.changes)) {
      stats.add('change');
      continue;
    }
    if (base === 'prereq') stats.add(r.result === null ? 'premet' : 'pre');
    else if (r.ran !== false) stats.add('met');
  }
  if (kind.endsWith('_any') || kind === 'onfail') {
    if ((stats.has('met') || stats.has('change')) && stats.has('fail')) stats.delete('fail');
    if (stats.has('onchangesmet')) {
      stats.delete('onchanges');
      stats.delete('fail');
    }
    if (stats.has('onfail') && stats.has('met')) stats.delete('onfail');
  }
  if (kind.endsWith('_all') && stats.has('onfail')) stats.delete('met');
  return stats;
}

/** Salt's requisite status of a chunk with these requisites, given the results so far. */
export function checkRequisites(
  requisites: Partial<Record<RequisiteKind, readonly string[]>>,
  lookup: RequisiteLookup,
  options: CheckOptions = {},
): RequisiteCheck {
  const all = new Set<string>();
  const failed: string[] = [];
  for (const [kind, tags] of Object.entries(requisites) as Array<[RequisiteKind, readonly string[]]>) {
    if (kind === 'listen' || !tags?.length) continue;
    if (options.prereqCheck && kind === 'prerequired') continue;
    for (const s of kindStats(kind, tags, lookup)) all.add(s);
    for (const tag of tags) {
      const r = lookup.pre?.(tag) ?? lookup.result(tag);
      if (r?.result === false && !failed.includes(tag)) failed.push(tag);
    }
  }
  return { status: statusOf(all), failed };
}

function statusOf(s: ReadonlySet<string>): RequisiteStatus {
  if (s.has('unmet')) return 'unmet';
  if (s.has('fail')) return 'fail';
  if (s.has('skip_req') && (s.has('onchangesmet') || s.has('premet'))) return 'skip_req';
  if (s.has('skip_req') && s.has('change')) return 'skip_watch';
  if (s.has('pre')) return s.has('premet') ? 'met' : 'pre';
  if (s.has('onfail') && !s.has('onchangesmet')) return 'onfail';
  if (s.has('onchanges') && !s.has('onchangesmet')) return 'onchanges';
  if (s.has('change')) return 'change';
  if (s.has('onfail')) return 'onfail';
  return 'met';
}

/** Whether a status means the state function is called. */
export function runs(status: RequisiteStatus): boolean {
  return status === 'met' || status === 'change' || status === 'skip_watch';
}

/** Appended to the comment of a state run with status skip_watch. */
export const SKIP_WATCH_NOTE = ' mod_watch was not run because requisites were skipped by another state';

export interface NotRun {
  result: boolean;
  comment: string;
}

/**
 * The result of a state that does not run, or undefined when the status means it runs.
 * `label` names a failed target in the comment (Salt uses `sls.id`).
 */
export function notRun(check: RequisiteCheck, label: (tag: string) => string): NotRun | undefined {
  switch (check.status) {
    case 'met':
    case 'change':
    case 'skip_watch':
      return undefined;
    case 'fail':
      return { result: false, comment: `One or more requisite failed: ${check.failed.map(label).join(', ')}` };
    case 'pre':
      return { result: true, comment: 'No changes detected' };
    case 'onfail':
      return { result: true, comment: 'State was not run because onfail req did not change' };
    case 'onchanges':
      return { result: true, comment: 'State was not run because none of the onchanges reqs changed' };
    case 'skip_req':
      return { result: true, comment: 'State was not run because requisites were skipped by another state' };
    case 'unmet':
      return { result: false, comment: 'One or more requisite did not run before this state' };
  }
}
