// The executor: runs compiled chunks in order with Salt's semantics (State.call_chunks,
// call_chunk, call_listen). For each chunk: the prereq test runs it needs, the requisite gate
// (checkRequisites), then the call — check, and in test mode a report, otherwise apply and a
// re-check — or the result of a state that does not run. `watch` adds mod_watch (when the run
// made no changes, or its function forces it: force_mod_watch, results merged), `listen` adds
// mod_watch calls at the end, `failhard` stops the run at the first failure (not in test mode).
//
// Every result gets a run number in the order results are produced, goes through `redact`, and
// is handed to `onResult` as soon as it exists.
import type { LowChunk, RequisiteKind, ResultValue, StateResult } from '../protocol.ts';
import { FactCache } from '../facts/cache.ts';
import { run as runCommand } from '../process/run.ts';
import { makeContext, type ContextOptions } from '../states/context.ts';
import { stateFunction } from '../states/index.ts';
import type { Changes, StateContext, StateFunction } from '../states/types.ts';
import { flag } from '../states/args.ts';
import {
  checkRequisites,
  notRun,
  SKIP_WATCH_NOTE,
  type RequisiteCheck,
  type TargetOutcome,
} from './requisite-status.ts';
import { callState, type CallOutcome } from './call.ts';
import { listeners } from './listen.ts';
import { attemptComment, parseRetry, retryDelay, retryTestNote } from './retry.ts';
import { durationMs, nowMs, startTime } from './time.ts';

export interface ExecuteOptions {
  /** Run data every chunk's StateContext is built from; one FactCache is shared by all chunks. */
  context?: ContextOptions;
  /** Test mode: check only, results are null where changes would be made. */
  test?: boolean;
  /** Stop at the first failed state (a chunk's own `failhard` overrides it). */
  failhard?: boolean;
  /** Time limit per state in seconds, when the chunk sets no `timeout` (default: none). */
  timeout?: number;
  /** Merge compatible chunks through a function's `aggregate` (default true). */
  aggregate?: boolean;
  /** Applied to every result before it is recorded and reported (secrets). */
  redact?: (result: StateResult) => StateResult;
  /** Called with every result as soon as it exists, in run order. */
  onResult?: (result: StateResult) => void;
  /** Looks state functions up (default: the built-in modules). */
  lookup?: (state: string, fun: string) => StateFunction | undefined;
  /** Aborting stops the run after the current state and kills its commands. */
  signal?: AbortSignal;
  /** Aborting stops the run once the current state has finished (no further state, no listener). */
  stop?: AbortSignal;
}

export interface ExecuteOutput {
  /** Results in run order. */
  results: StateResult[];
  /** The run stopped early because of failhard (or the signal, or stop). */
  stopped: boolean;
}

const EMPTY: Changes = {};
const empty = (c: Record<string, unknown> | undefined): boolean => !c || Object.keys(c).length === 0;
const tagsOf = (chunk: LowChunk, kinds?: RequisiteKind[]): string[] =>
  (Object.entries(chunk.requisites) as Array<[RequisiteKind, string[]]>)
    .filter(([k]) => !kinds || kinds.includes(k))
    .flatMap(([, tags]) => tags ?? []);

/** Both results false-first: False if either is, else None if either is, else True. */
function both(a: ResultValue, b: ResultValue): ResultValue {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

/**
 * A run with changes of its own whose function forced the watch reaction too (force_mod_watch):
 * the changes and comments of both, the results combined.
 */
function mergeWatch(own: CallOutcome, reaction: CallOutcome): CallOutcome {
  return {
    result: both(own.result, reaction.result),
    changes: { ...own.changes, ...reaction.changes },
    comment: [own.comment, reaction.comment].filter(Boolean).join('\n'),
    warnings: [...own.warnings, ...reaction.warnings],
  };
}

class Execution {
  readonly results: StateResult[] = [];
  private readonly done = new Map<string, TargetOutcome>();
  private readonly pre = new Map<string, TargetOutcome & { comment: string; warnings: string[] }>();
  private readonly byTag = new Map<string, LowChunk>();
  private readonly facts: FactCache;
  private runNum = 0;
  stopped = false;

  constructor(
    private readonly chunks: readonly LowChunk[],
    private readonly o: ExecuteOptions,
  ) {
    for (const c of chunks) this.byTag.set(c.tag, c);
    const base = o.context ?? {};
    this.facts = base.facts ?? new FactCache({ root: base.root ?? '/', run: base.run ?? runCommand });
  }

  private get test(): boolean {
    return this.o.test ?? false;
  }

  private fn(state: string, fun: string): StateFunction | undefined {
    return (this.o.lookup ?? stateFunction)(state, fun);
  }

  private context(chunk: LowChunk, signal: AbortSignal | undefined, test: boolean, changed?: string[]): StateContext {
    const ctx = makeContext({
      ...this.o.context,
      facts: this.facts,
      test,
      chunk,
      chunks: this.chunks,
      ...(signal ? { signal } : {}),
      ...(changed ? { changedRequisites: changed } : {}),
    });
    if (test) {
      const pending = tagsOf(chunk).filter(
        (t) => this.done.get(t)?.result === null || this.pre.get(t)?.result === null,
      );
      if (pending.length) ctx.pendingRequisites = [...new Set(pending)];
    }
    return ctx;
  }

  private label(tag: string): string {
    const c = this.byTag.get(tag);
    return c ? `${c.sls}.${c.id}` : tag;
  }

  private lookup() {
    return { result: (t: string) => this.done.get(t), pre: (t: string) => this.pre.get(t) };
  }

  /** Records a final result. */
  private record(chunk: LowChunk, out: CallOutcome, started: number, ran: boolean): void {
    let r: StateResult = {
      tag: chunk.tag,
      id: chunk.id,
      name: chunk.name,
      sls: chunk.sls,
      result: out.result,
      changes: out.changes,
      comment: out.comment,
      start_time: startTime(started),
      duration_ms: durationMs(started, nowMs()),
      run_num: this.runNum++,
    };
    if (out.warnings.length) r.warnings = out.warnings;
    this.done.set(chunk.tag, { result: out.result, changes: out.changes, ran });
    if (this.o.redact) r = this.o.redact(r);
    this.results.push(r);
    this.o.onResult?.(r);
  }

  /**
   * The state's time limit: its own `timeout`, or the run's. A function that takes `timeout` as its
   * own argument (cmd.run: the command is killed and the state reports it as Salt does) gets the
   * chunk's, and only the run's limit applies to the call.
   */
  private timeout(chunk: LowChunk, fn: StateFunction | undefined): number | undefined {
    const own = fn && Object.hasOwn(fn.args, 'timeout') ? undefined : chunk.meta.timeout;
    const t = Number(own ?? this.o.timeout ?? 0);
    return Number.isFinite(t) && t > 0 ? t : undefined;
  }

  private call(
    chunk: LowChunk,
    mode: 'run' | 'modWatch',
    test: boolean,
    extra: { args?: Record<string, unknown>; changed?: string[]; source?: LowChunk } = {},
  ): Promise<CallOutcome> {
    const src = extra.source ?? chunk;
    const fn = this.fn(src.state, src.fun);
    return callState({
      chunk,
      mode,
      fn,
      timeout: this.timeout(chunk, fn),
      signal: this.o.signal,
      ...(extra.args ? { args: extra.args } : {}),
      // a listener's mod_watch sees the function of the state that listens (Salt's sfun)
      context: (signal) => this.context(extra.source ? { ...chunk, fun: src.fun } : chunk, signal, test, extra.changed),
    });
  }

  /** A run with `retry`: repeated until the result is `until` or the attempts are used up. */
  private async callWithRetry(chunk: LowChunk, args?: Record<string, unknown>): Promise<CallOutcome> {
    let out = await this.call(chunk, 'run', this.test, { args });
    const retry = parseRetry(chunk.meta.retry);
    if (!retry) return out;
    if (this.test) return { ...out, comment: `${out.comment ?? ''}  ${retryTestNote(retry)}` };
    for (let n = 1; n < retry.attempts && out.result !== retry.until && !this.o.signal?.aborted; n++) {
      await new Promise((r) => setTimeout(r, retryDelay(retry) * 1000));
      const next = await this.call(chunk, 'run', false, { args });
      out = { ...next, comment: `${attemptComment(n, out.result, out.comment)}\n${next.comment}` };
    }
    return out;
  }

  /** Test-mode pre-runs of the prereq targets of `chunk` that have none yet. */
  private async preRuns(chunk: LowChunk, seen: Set<string> = new Set()): Promise<void> {
    seen.add(chunk.tag);
    for (const tag of chunk.requisites.prereq ?? []) {
      const target = this.byTag.get(tag);
      if (!target || this.pre.has(tag) || this.done.has(tag) || seen.has(tag)) continue;
      await this.preRuns(target, seen);
      const started = nowMs();
      const check = checkRequisites(target.requisites, this.lookup(), { prereqCheck: true });
      const skip = notRun(check, (t) => this.label(t));
      if (skip) {
        const out: CallOutcome = { result: skip.result, changes: EMPTY, comment: skip.comment, warnings: [] };
        this.pre.set(tag, { result: skip.result, changes: EMPTY, ran: false, comment: skip.comment, warnings: [] });
        this.record(target, out, started, false);
        continue;
      }
      const out = await this.call(target, 'run', true);
      let result: ResultValue = out.result;
      let changes = out.changes;
      if (empty(changes) && check.status === 'change') {
        changes = { watch: 'watch' };
        result = null;
      }
      this.pre.set(tag, { result, changes, comment: out.comment, warnings: out.warnings });
    }
  }

  /** Chunks after `chunk` its function may absorb (their requisites are met and plain). */
  private aggregateArgs(chunk: LowChunk, fn: StateFunction | undefined): Record<string, unknown> | undefined {
    if (!fn?.aggregate || this.o.aggregate === false || chunk.meta.aggregate === false) return undefined;
    const plain: RequisiteKind[] = ['require', 'require_any'];
    const pending = this.chunks.filter(
      (c) =>
        c !== chunk &&
        !this.done.has(c.tag) &&
        c.state === chunk.state &&
        c.fun === chunk.fun &&
        c.meta.aggregate !== false &&
        Object.keys(c.meta).every((k) => !['onlyif', 'unless', 'creates', 'check_cmd', 'retry'].includes(k)) &&
        tagsOf(c).length === tagsOf(c, plain).length &&
        checkRequisites(c.requisites, this.lookup()).status === 'met',
    );
    if (!pending.length) return undefined;
    let merged: ReturnType<NonNullable<StateFunction['aggregate']>>;
    try {
      merged = fn.aggregate(chunk, pending);
    } catch (err) {
      this.o.context?.log?.warn(`aggregate of ${chunk.tag} failed, running it alone: ${(err as Error).message}`);
      return undefined;
    }
    if (!merged?.absorbed.length) return undefined;
    const { name: _name, ...args } = merged.args;
    return args;
  }

  /** Runs one chunk (and, if the order left any unmet, the requisites it needs first). */
  async runChunk(chunk: LowChunk, depth = 0): Promise<void> {
    if (this.done.has(chunk.tag) || this.stopped) return;
    await this.preRuns(chunk);
    const started = nowMs();
    let check: RequisiteCheck = checkRequisites(chunk.requisites, this.lookup());
    if (check.status === 'unmet' && depth < 20) {
      for (const tag of tagsOf(chunk).filter((t) => !(chunk.requisites.prereq ?? []).includes(t))) {
        const target = this.byTag.get(tag);
        if (target && !this.done.has(tag)) await this.runChunk(target, depth + 1);
        if (this.stopped || this.o.signal?.aborted || this.o.stop?.aborted) return;
      }
      check = checkRequisites(chunk.requisites, this.lookup());
    }
    const own = this.pre.get(chunk.tag);
    if (check.status === 'fail' && own) {
      // A pre-required state whose requisites failed (its own test run, or the state that
      // pre-required it) reports its test run, without the changes it proposed.
      this.record(
        chunk,
        { result: own.result, changes: EMPTY, comment: own.comment, warnings: own.warnings },
        started,
        own.result === false,
      );
      return this.failhard(chunk);
    }
    const skip = notRun(check, (t) => this.label(t));
    if (skip) {
      this.record(chunk, { result: skip.result, changes: EMPTY, comment: skip.comment, warnings: [] }, started, false);
      return this.failhard(chunk);
    }
    const fn = this.fn(chunk.state, chunk.fun);
    let out = await this.callWithRetry(chunk, this.aggregateArgs(chunk, fn));
    if (check.status === 'skip_watch') out = { ...out, comment: out.comment + SKIP_WATCH_NOTE };
    else if (check.status === 'change' && (empty(out.changes) || out.forceModWatch) && !out.skipWatch && fn?.modWatch) {
      const changed = tagsOf(chunk, ['watch', 'watch_any']).filter((t) => !empty(this.done.get(t)?.changes));
      const reaction = await this.call(chunk, 'modWatch', this.test, { changed });
      out = empty(out.changes) ? reaction : mergeWatch(out, reaction);
    }
    this.record(chunk, out, started, true);
    this.failhard(chunk);
  }

  private failhard(chunk: LowChunk): void {
    if (this.test) return;
    const on = flag(chunk.meta.failhard, this.o.failhard ?? false);
    if (on && this.done.get(chunk.tag)?.result === false) this.stopped = true;
  }

  /** mod_watch of the listening states whose listened states changed. */
  async runListeners(): Promise<void> {
    // As in Salt, listeners fire even after failhard stopped the chunks; failhard among them stops them.
    this.stopped = false;
    const changed = (t: string): boolean => !empty(this.done.get(t)?.changes);
    for (const l of listeners(this.chunks, changed)) {
      if (this.o.signal?.aborted || this.o.stop?.aborted) return;
      const started = nowMs();
      const out = await this.call(l.chunk, 'modWatch', this.test, { changed: l.changed, source: l.source });
      this.record(l.chunk, out, started, true);
      this.failhard(l.chunk);
      if (this.stopped) return;
    }
  }
}

/** Runs compiled chunks (in execution order) and returns their results in run order. */
export async function executeChunks(chunks: readonly LowChunk[], options: ExecuteOptions = {}): Promise<ExecuteOutput> {
  const ex = new Execution(chunks, options);
  const halted = (): boolean => Boolean(options.signal?.aborted || options.stop?.aborted);
  for (const chunk of chunks) {
    if (ex.stopped || halted()) break;
    await ex.runChunk(chunk);
  }
  const failhard = ex.stopped;
  if (!halted()) await ex.runListeners();
  return { results: ex.results, stopped: failhard || ex.stopped || halted() };
}
