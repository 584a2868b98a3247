// The contract between the executor and the state modules.
//
// A state function is a pair: check(args, ctx) → Plan says what would change, as data,
// without touching the host; apply(plan, ctx) → Outcome performs that plan. The executor
// owns everything around them: argument validation against `args` (arg-parse.ts), requisites, order,
// unless/onlyif/creates, retries, timeouts, test mode and the re-check after apply.
// Expected failures are data (a failed plan, an outcome with result false); check and
// apply throw only for faults (an unreadable file, a full disk), which the executor
// reports as a failed state. The one check that runs something is cmd's `stateful`
// test_name in test mode, as in Salt.
import type { LowChunk, Pillar } from '../protocol.ts';
import type { StateTree } from '../store/tree.ts';
import type { TemplateResult } from '../render/template.ts';
import type { HostContext } from '../backends/context.ts';
import type { BackupOptions } from '../store/backup.ts';
import type { ArgDecls } from './arg-decl.ts';

/** Salt-shaped changes: `{diff: '…', mode: '0644'}`, `{pid, retcode, stdout, stderr}`, … */
export type Changes = Record<string, unknown>;

/** The arguments of one call: the chunk's args plus its name. */
export type StateArgs = Record<string, unknown> & { name: string };

/**
 * What check found.
 * - converged: nothing to do; the state succeeds with `comment` (and no changes).
 * - pending: apply must run. `changes` and `comment` are what test mode reports
 *   (result null); `changes` may be empty when Salt reports none (cmd.run).
 * - failed: the state cannot succeed (bad arguments, missing source, …); the result is
 *   false with `comment`, in test mode too. apply is not called.
 */
export type PlanStatus = 'converged' | 'pending' | 'failed';

export interface Plan<Ops = unknown> {
  status: PlanStatus;
  changes: Changes;
  comment: string;
  warnings?: string[];
  /**
   * Test mode: a watch on this state still runs its modWatch although the plan has changes
   * (Salt's force_mod_watch; see Outcome.forceModWatch).
   */
  forceModWatch?: boolean;
  /**
   * What apply must do; private to the module that made the plan. Never report, log or
   * serialize it: it may hold secrets (the contents of a file from pillar).
   */
  ops?: Ops;
}

/** What apply did. result defaults to true; false makes the state fail (with its changes). */
export interface Outcome {
  result?: boolean;
  changes: Changes;
  comment: string;
  warnings?: string[];
  /**
   * Salt's force_mod_watch: when a watched state changed, the watch reaction (modWatch) runs even
   * though this run made changes of its own — they do not do what the reaction would. The two
   * results are merged. Never reported.
   */
  forceModWatch?: boolean;
  /**
   * false: this run did what was asked although a re-check would ask again (pkg.installed with
   * reinstall), so the executor does not re-check it.
   */
  recheck?: boolean;
}

/** Everything a module may use. One context per run (and per chunk for `chunk`). */
export interface StateContext extends HostContext {
  /** Test mode: the executor stops after check; checks may word their comments for it. */
  test: boolean;
  pillar: Pillar;
  saltenv: string;
  /** The state tree `salt://` sources are read from. */
  tree: StateTree;
  /** With several saltenvs: another saltenv's tree, for `salt://path?saltenv=x`. */
  treeOf?(saltenv: string): StateTree;
  /** Renders a Jinja template with the run's grains/pillar/salt plus `context`. */
  renderTemplate(file: string, source: string, context?: Record<string, unknown>): TemplateResult;
  /**
   * The execution functions a template calls as `salt['mod.fun']`, over this run's grains,
   * pillar, mine and inventory, with `extra` added (e.g. the functions that look at the host).
   */
  execFunctions(extra?: Record<string, (...args: unknown[]) => unknown>): Record<string, unknown>;
  /** Backup store for files replaced or deleted (root is taken from `root`). */
  backup: Omit<BackupOptions, 'root'>;
  /** Aborted by the executor (timeout, shutdown); commands started through run() are killed. */
  signal?: AbortSignal;
  /** The chunk being run and the whole low state (read-only), for states that look around. */
  chunk?: LowChunk;
  chunks?: readonly LowChunk[];
  /** Set by the executor when it calls modWatch: tags of the watched chunks that changed. */
  changedRequisites?: readonly string[];
  /**
   * Set by the executor in test mode: tags of this chunk's requisite targets that would change
   * in this run (their result is null), so a check can word its plan for what they will do
   * (a service whose package would be installed "is set to start").
   */
  pendingRequisites?: readonly string[];
}

export interface StateFunction<Ops = unknown> {
  /** One line for the reference: what the function makes true. */
  doc: string;
  /** Declared arguments (define.ts), besides `name` which every function takes. */
  args: ArgDecls;
  /** Accepts any other keyword (test.nop): the executor must not warn about unknown ones. */
  anyKeyword?: boolean;
  /** Takes the arguments as given (it validates and coerces them from `args` itself). */
  check(args: StateArgs, ctx: StateContext): Promise<Plan<Ops>>;
  apply(plan: Plan<Ops>, ctx: StateContext): Promise<Outcome>;
  /**
   * false when a re-check after apply is meaningless (cmd.run always wants to run;
   * test states report what they are told). Default true: a re-check that is still
   * pending makes the state fail.
   */
  recheck?: boolean;
  /**
   * The `watch` reaction (Salt's mod_watch): called when a watched state changed and this
   * state's own run made no changes. Returns a plan that `apply` performs (test mode:
   * reported as pending); no re-check follows.
   */
  modWatch?(args: StateArgs, ctx: StateContext): Promise<Plan<Ops>>;
  /**
   * Merges compatible pending chunks into one call (Salt's mod_aggregate), e.g. many
   * pkg.installed into one install. Returns the merged args and the tags it absorbed.
   */
  aggregate?(chunk: LowChunk, pending: readonly LowChunk[]): { args: StateArgs; absorbed: string[] } | undefined;
}

/** A state module: function name → function (`file` → { managed, directory, … }). */
export type StateModule = Record<string, StateFunction>;
