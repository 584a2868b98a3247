// What the job page shows of a job's hosts and state results: hosts and states that failed first,
// each diff split into lines marked added, removed or hunk, other changes as indented JSON. Values
// come from the job history, which holds them redacted; the templates escape them.
import { formatError } from '../../agent/errors.ts';
import type { StateResult } from '../../agent/protocol.ts';
import type { HostRunRecord } from '../jobs/store.ts';
import type { HostDrift } from '../jobs/drift.ts';
import { driftTitle } from './fleet-grid.ts';

export type Outcome = 'failed' | 'pending' | 'changed' | 'ok';

export interface StateView {
  tag: string;
  label: string;
  outcome: Outcome;
  headline: string;
  comment: string;
  duration_ms: number;
  warnings: string[];
  /** The state's diffs: its own (label '') and those of the files it manages (file.recurse), by path. */
  diffs: { label: string; lines: DiffLine[] }[];
  /** Changes other than diffs, as indented JSON ('' when there are none). */
  otherChanges: string;
}

export interface HostSectionView {
  host: string;
  status: string;
  total: number;
  failed: number;
  changed: number;
  durationMs: number;
  reason: string;
  errors: string[];
  warnings: string[];
  states: StateView[];
}

const RANK: Record<Outcome, number> = { failed: 0, pending: 1, changed: 2, ok: 3 };
const HOST_RANK: Record<string, number> = {
  failed: 0,
  error: 0,
  timeout: 0,
  unreachable: 0,
  interrupted: 0,
  blocked: 1,
  running: 2,
  changed: 3,
  ok: 4,
};

export function outcomeOf(r: Pick<StateResult, 'result' | 'changes'>): Outcome {
  if (r.result === false) return 'failed';
  if (r.result === null) return 'pending';
  return Object.keys(r.changes ?? {}).length ? 'changed' : 'ok';
}

export interface DiffLine {
  cls: string;
  text: string;
}

function diffLines(diff: string): DiffLine[] {
  return diff.split('\n').map((text) => ({
    cls:
      text.startsWith('+++') || text.startsWith('---')
        ? 'file'
        : text.startsWith('+')
          ? 'add'
          : text.startsWith('-')
            ? 'del'
            : text.startsWith('@@')
              ? 'hunk'
              : 'ctx',
    text,
  }));
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits changes into diffs (top level, or one level down keyed by path) and the rest. */
function splitDiffs(changes: Record<string, unknown>): { diffs: StateView['diffs']; other: Record<string, unknown> } {
  const diffs: StateView['diffs'] = [];
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'diff' && typeof value === 'string') {
      diffs.unshift({ label: '', lines: diffLines(value) });
    } else if (isDict(value) && typeof value.diff === 'string') {
      const { diff, ...rest } = value;
      diffs.push({ label: key, lines: diffLines(diff as string) });
      if (Object.keys(rest).length) other[key] = rest;
    } else {
      other[key] = value;
    }
  }
  return { diffs, other };
}

export function stateView(r: StateResult): StateView {
  const { diffs, other } = splitDiffs(r.changes ?? {});
  const comment = r.comment ?? '';
  return {
    tag: r.tag,
    label: `${r.id}${r.name && r.name !== r.id ? ` (${r.name})` : ''}`,
    outcome: outcomeOf(r),
    headline: comment.split('\n')[0]!.slice(0, 200),
    comment,
    duration_ms: r.duration_ms ?? 0,
    warnings: r.warnings ?? [],
    diffs,
    otherChanges: Object.keys(other).length ? JSON.stringify(other, null, 2) : '',
  };
}

/** A host's section: its run and its states, failed ones first, each group in run order. */
export function hostSection(run: HostRunRecord, results: readonly StateResult[]): HostSectionView {
  const states = results
    .map((r, i) => ({ v: stateView(r), i }))
    .sort((a, b) => RANK[a.v.outcome] - RANK[b.v.outcome] || a.i - b.i)
    .map((x) => x.v);
  return {
    host: run.host,
    status: run.status,
    total: run.total,
    failed: run.failed,
    changed: run.changed,
    durationMs: run.durationMs,
    reason: run.reason,
    errors: run.errors.map((e) => formatError(e)),
    warnings: run.warnings.map((w) => formatError(w)),
    states,
  };
}

/** The job's host runs, the ones that went wrong first, otherwise in the job's host order. */
export function hostsFailedFirst(runs: readonly HostRunRecord[]): HostRunRecord[] {
  return runs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (HOST_RANK[a.r.status] ?? 5) - (HOST_RANK[b.r.status] ?? 5) || a.i - b.i)
    .map((x) => x.r);
}

/** A host's drift for its page: what was checked when, and each state that would change as a state view. */
export interface DriftView {
  jid: string;
  title: string;
  states: (StateView & { sls: string })[];
}

export function driftView(d: HostDrift): DriftView {
  return {
    jid: d.jid,
    title: driftTitle({ ...d, states: d.states.length }),
    states: d.states.map((s) => ({
      ...stateView({ ...s, result: null, duration_ms: 0, start_time: '', run_num: 0 }),
      sls: s.sls,
    })),
  };
}
