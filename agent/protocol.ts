// Wire and data types shared by the compiler, the executor and the master.
// The master may import this file; nothing here imports from master/.

export type Grains = Record<string, unknown>;
export type Pillar = Record<string, unknown>;

/** Mine data: host id → function name → value (e.g. network.ip_addrs). */
export type MineData = Record<string, Record<string, unknown>>;

/** One host of the master's inventory: roles and level from the roster, addresses as it reported them. */
export interface InventoryHost {
  id: string;
  level?: string;
  roles: string[];
  /** Addresses the host reported on its last run (empty when it never reported). */
  addresses: string[];
  /** The address the master reaches it at, from the roster, when that is an IPv4 literal. */
  roster_address?: string;
}

/**
 * High data, Salt's shape: ID → { module: [fun?, {arg: val}, ...], __sls__, __env__ }.
 * __file__/__line__ locate the declaration for error messages.
 */
export interface HighDecl {
  __sls__: string;
  __env__: string;
  __file__?: string;
  __line__?: number;
  [module: string]: unknown;
}
export type HighData = Record<string, HighDecl>;

/** Requisite kinds kept in low chunks after compilation (use/*_in are resolved by the compiler). */
export type RequisiteKind =
  | 'require'
  | 'require_any'
  | 'watch'
  | 'watch_any'
  | 'onchanges'
  | 'onchanges_any'
  | 'onfail'
  | 'onfail_any'
  | 'onfail_all'
  | 'prereq'
  | 'prerequired'
  | 'listen';

/** A low chunk: one state function call on one name. */
export interface LowChunk {
  /** state_|-id_|-name_|-fun: the identity used everywhere (results, requisites, job store, URLs). */
  tag: string;
  state: string;
  fun: string;
  id: string;
  name: string;
  sls: string;
  env: string;
  /** State-tree-relative path of the SLS file that declared it. */
  file?: string;
  /** Line of the ID declaration in that file. */
  line?: number;
  /** Resolved numeric order (first/last/cap resolved as Salt does). */
  order: number;
  /** Arguments for the state function (requisites and runtime keywords removed). */
  args: Record<string, unknown>;
  /** Runtime keywords the executor owns: failhard, unless, onlyif, creates, retry, timeout, check_cmd… */
  meta: Record<string, unknown>;
  /** Resolved requisites: kind → tags of target chunks (Salt flattens each kind to a list). */
  requisites: Partial<Record<RequisiteKind, string[]>>;
}

export type ResultValue = true | false | null;

export interface StateResult {
  tag: string;
  id: string;
  name: string;
  sls: string;
  result: ResultValue;
  changes: Record<string, unknown>;
  comment: string;
  start_time: string;
  duration_ms: number;
  run_num: number;
  warnings?: string[];
}

/**
 * A state that changed something, or in a test run would: it reports changes, or (test run) its
 * result is None, Salt's "would be changed" — cmd.script's report, for one, names no changes.
 */
export function changedState(r: Pick<StateResult, 'result' | 'changes'>, test: boolean): boolean {
  return Object.keys(r.changes ?? {}).length > 0 || (test && r.result === null);
}

export function makeTag(state: string, id: string, name: string, fun: string): string {
  return `${state}_|-${id}_|-${name}_|-${fun}`;
}

export function splitTag(tag: string): { state: string; id: string; name: string; fun: string } {
  const [state, id, name, fun] = tag.split('_|-');
  return { state, id, name, fun };
}

/** Counts of one host's run, sent with the `done` event. */
export interface RunSummary {
  succeeded: number;
  failed: number;
  changed: number;
  total: number;
  duration_ms: number;
  test: boolean;
  /** The run stopped early (failhard). */
  stopped: boolean;
}

/**
 * The agent's event stream: one JSON object per line on stdout. `start` comes first, then one
 * `result` per state in run order, then `done`; `error` reports a render, compile or internal
 * fault (no `done` follows a fatal one).
 */
export type AgentEvent =
  | {
      type: 'start';
      jid: string;
      host: string;
      chunks: number;
      test: boolean;
      /** The host's addresses, loopback excluded (agent/facts/reported.ts); absent from older agents. */
      addresses?: string[];
      /** A few detected grains for the master's inventory; never pillar. */
      grains?: Grains;
    }
  | ({ type: 'result' } & StateResult)
  | { type: 'done'; jid: string; host: string; summary: RunSummary }
  | { type: 'error'; jid: string; host: string; error: import('./errors.ts').ErrorData };

/*
 * The master ↔ agent exchange: one SSH exec per host per job.
 *
 *   master                                  VM
 *   exec `sh -c <bootstrap>` ───────────▶   bootstrap (master/push/bootstrap.ts): node >= 18 present?
 *                         ◀── {"type":"need-node"[,"found":V]} + exit 127  (--bootstrap installs one)
 *                                           agent bundle present (by sha256)?
 *                         ◀── {"type":"need-agent","bytes":N}   (only when absent)
 *   N bytes of bundle ──────────────────▶   checked with sha256sum, then `exec node <bundle> serve`
 *                         ◀── {"type":"hello", node, agent, pid}  agent started (agent/runtime/serve.ts)
 *   {"type":"job", ...JobEnvelope} ─────▶
 *                         ◀── {"type":"need-files", hashes}     state-tree files the VM has not cached
 *   {"type":"files", files:{sha:base64}} ▶                      (only those)
 *                         ◀── {"type":"last-job", jid, events}  the run of an earlier job the master
 *                                                               asked for (envelope `recover`), if kept
 *                         ◀── AgentEvent lines (start with the host's addresses and grains, result…, done | error)
 *                         ◀── {"type":"alive"} every HEARTBEAT_MS from hello to the end, so a silent host can be told
 *                             from a busy one (the master's `host_idle_timeout`)
 *   {"type":"stop"} ────────────────────▶   (any time during the run) stop after the current state
 *   {"type":"abort"} ───────────────────▶   stop now: the current state's commands are killed
 *
 * Every message is one JSON object on one line. The master keeps the agent's stdin open until the
 * agent reports `done` or `error`, so that it can ask it to stop; the end of stdin alone (a lost
 * link) does not stop a run: the agent finishes it and keeps its events (agent/runtime/last-job.ts) for
 * the master's next contact. The exit status of the exec is the agent's (docs/exit-codes.md); an
 * exit without `done` or `error` is a crash.
 */

/** What the master sends a VM for one job. Only this host's own pillar travels. */
export interface JobEnvelope {
  jid: string;
  /** Roster id: authoritative. */
  id: string;
  /** Roster grains (id, level, roles, static grains); they override what the VM detects. */
  grains: Grains;
  pillar: Pillar;
  /** Secret values (from the private pillar) the agent must redact in everything it emits. */
  secrets: string[];
  /** Addresses and facts other hosts reported, for salt['mine.get'] and inventory helpers. */
  mine: MineData;
  /** Every roster host with its roles, level and reported addresses, for `inventory.ips(role)`. */
  inventory?: InventoryHost[];
  saltenv: string;
  /** Named SLS (state.sls); absent = highstate from the top file. */
  sls?: string[];
  test: boolean;
  failhard?: boolean;
  /** false: declarations without `order` get no automatic order (Salt's state_auto_order). */
  stateAutoOrder?: boolean;
  /** Default per-state timeout in seconds. */
  stateTimeout?: number;
  /** Seconds to wait for another run holding the host's lock (default 0: fail at once). */
  lockWait?: number;
  /** The state tree: tree-relative path → sha256 of its contents (base's, with several saltenvs). */
  manifest: Record<string, string>;
  /** With several saltenvs (file_roots): saltenv → the manifest of its tree, in search order. */
  envs?: Record<string, Record<string, string>>;
  /** `saltenv` was asked for (Salt's `saltenv=`): a highstate applies only its top file's section for it. */
  onlySaltenv?: boolean;
  /** Seconds the agent stays resident after this job, waiting for the next one (0: exit). */
  linger?: number;
  /** Earlier jobs whose outcome on this host the master never received: the agent sends the one it kept. */
  recover?: string[];
}

/** Messages on the exchange besides AgentEvent. */
export type WireMessage =
  | { type: 'need-agent'; bytes: number }
  | { type: 'need-node'; found?: string }
  | { type: 'hello'; node: string; agent: string; pid: number }
  | ({ type: 'job' } & JobEnvelope)
  | { type: 'need-files'; hashes: string[] }
  | { type: 'files'; files: Record<string, string> }
  | { type: 'alive' }
  | { type: 'last-job'; jid: string; events: string[] }
  | { type: 'stop' }
  | { type: 'abort' };

/** How often the agent says it is alive while it serves a job. */
export const HEARTBEAT_MS = 15_000;
