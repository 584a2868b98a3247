// unless / onlyif / creates (Salt's State._run_check): decide, before a state's function is
// called, whether it runs at all. A state skipped this way succeeds without changes, and its
// comment says why; a `watch` on it does not trigger its mod_watch (Salt's skip_watch).
// check_cmd (Salt's State._run_check_cmd) judges the state after its function ran.
//
// onlyif   every entry must hold, else "onlyif condition is false"
// unless   when every entry holds: "unless condition is true"
// creates  when every path exists: "<path> exists" / "All files in creates exist"
// An entry is a shell line (it holds when it exits 0) or an execution function call
// (condition-functions.ts). Lines run as argv [shell, '-c', line] with the state's cwd, env
// and runas.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LowChunk } from '../protocol.ts';
import type { StateContext } from '../states/types.ts';
import { shellArgv, shellInput } from '../process/shell-line.ts';
import { callCondition, isFunctionEntry } from './condition-functions.ts';

export interface ConditionResult {
  /** True when the state must not run. */
  skip: boolean;
  comment: string;
  /** A `watch` on this state must not run mod_watch. */
  skipWatch: boolean;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function env(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (d: unknown): void => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return;
    for (const [k, x] of Object.entries(d)) out[k] = x === null || x === undefined ? '' : String(x);
  };
  if (Array.isArray(v)) v.forEach(add);
  else add(v);
  return out;
}

interface LineOptions {
  shell: string;
  runas?: string;
  cwd: string;
  env: Record<string, string>;
}

/** The state's own options for its condition lines: shell, runas, cwd, env. */
function stateOptions(chunk: LowChunk): LineOptions {
  const a = chunk.args;
  const runas = chunk.meta.runas ?? a.runas;
  return {
    shell: typeof a.shell === 'string' ? a.shell : '/bin/sh',
    ...(typeof runas === 'string' && runas ? { runas } : {}),
    cwd: typeof a.cwd === 'string' && existsSync(a.cwd) ? a.cwd : '/',
    env: env(a.env),
  };
}

/** Runs one condition line; the exit code, or undefined when it could not start. */
async function exitCode(line: string, o: LineOptions, ctx: StateContext): Promise<number | undefined> {
  let argv = shellArgv(o.shell);
  if (o.runas) argv = ['runuser', '-u', o.runas, '--', ...argv];
  const r = await ctx.run(argv, { cwd: o.cwd, env: o.env, fd3: shellInput(line) });
  if (r.error && r.pid === undefined) return undefined;
  return r.code;
}

const onlyifFalse: ConditionResult = { skip: true, comment: 'onlyif condition is false', skipWatch: true };
const onlyifTrue: ConditionResult = { skip: false, comment: 'onlyif condition is true', skipWatch: false };

async function onlyif(v: unknown, chunk: LowChunk, ctx: StateContext): Promise<ConditionResult> {
  let res: ConditionResult = { skip: false, comment: '', skipWatch: false };
  for (const entry of list(v)) {
    if (typeof entry === 'boolean') {
      if (!entry) return onlyifFalse;
      res = onlyifTrue;
    } else if (typeof entry === 'string') {
      // a line that cannot start counts as failed (Salt: retcode 100)
      if ((await exitCode(entry, stateOptions(chunk), ctx)) !== 0) return onlyifFalse;
      res = onlyifTrue;
    } else if (isFunctionEntry(entry)) {
      if (!('fun' in entry))
        return { skip: false, comment: `no \`fun\` argument in onlyif: ${JSON.stringify(entry)}`, skipWatch: false };
      const r = callCondition('onlyif', entry, ctx);
      if (r.retcode !== 0 || !r.holds) return onlyifFalse;
      res = onlyifTrue;
    } else return { skip: false, comment: 'onlyif execution failed, bad type passed', skipWatch: false };
  }
  return res;
}

const unlessFalse: ConditionResult = { skip: false, comment: 'unless condition is false', skipWatch: false };

async function unless(v: unknown, chunk: LowChunk, ctx: StateContext): Promise<ConditionResult> {
  let res: ConditionResult = { skip: false, comment: '', skipWatch: false };
  for (const entry of list(v)) {
    let ok: boolean;
    if (typeof entry === 'boolean') ok = entry;
    // a line that cannot start counts as succeeded (Salt: retcode 0)
    else if (typeof entry === 'string') ok = ((await exitCode(entry, stateOptions(chunk), ctx)) ?? 0) === 0;
    else if (isFunctionEntry(entry)) {
      if (!('fun' in entry)) return { ...res, comment: `no \`fun\` argument in unless: ${JSON.stringify(entry)}` };
      const r = callCondition('unless', entry, ctx);
      ok = r.retcode === 0 && r.holds;
    } else return { skip: false, comment: 'unless condition is false, bad type passed', skipWatch: false };
    if (!ok) return unlessFalse;
    res = { skip: true, comment: 'unless condition is true', skipWatch: true };
  }
  return res;
}

function creates(v: unknown, ctx: StateContext): ConditionResult {
  const exists = (p: unknown): boolean => typeof p === 'string' && existsSync(join(ctx.root, p));
  if (typeof v === 'string' && exists(v)) return { skip: true, comment: `${v} exists`, skipWatch: true };
  if (Array.isArray(v) && v.every(exists))
    return { skip: true, comment: 'All files in creates exist', skipWatch: true };
  return { skip: false, comment: 'Creates files not found', skipWatch: false };
}

/** The conditions of a chunk, evaluated in Salt's order; undefined when it has none. */
export async function runConditions(chunk: LowChunk, ctx: StateContext): Promise<ConditionResult | undefined> {
  const m = chunk.meta;
  const has = (k: string): boolean => m[k] !== undefined && m[k] !== null;
  if (!has('onlyif') && !has('unless') && !has('creates')) return undefined;
  const parts: ConditionResult[] = [];
  if (has('onlyif')) parts.push(await onlyif(m.onlyif, chunk, ctx));
  if (has('unless')) parts.push(await unless(m.unless, chunk, ctx));
  if (has('creates')) parts.push(creates(m.creates, ctx));
  return {
    skip: parts.some((p) => p.skip),
    skipWatch: parts.some((p) => p.skipWatch),
    comment: parts
      .map((p) => p.comment)
      .filter(Boolean)
      .join('\n'),
  };
}

/**
 * check_cmd: after the function ran, each line must exit 0, else the state fails; when all do, it
 * succeeds — whatever the function said. Lines run with /bin/sh from / (Salt passes them only
 * the shell). Undefined when the chunk has none; the file states judge their own (Salt's
 * file.mod_run_check_cmd), so they have none here.
 */
export async function runCheckCmd(
  chunk: LowChunk,
  ctx: StateContext,
): Promise<{ result: boolean; comment?: string } | undefined> {
  const v = chunk.meta.check_cmd;
  if (v === undefined || v === null || chunk.state === 'file') return undefined;
  let res: { result: boolean; comment?: string } = { result: false };
  for (const line of list(v)) {
    const code = await exitCode(String(line), { shell: '/bin/sh', cwd: '/', env: {} }, ctx);
    if (code !== 0) return { result: false, comment: 'check_cmd determined the state failed' };
    res = { result: true, comment: 'check_cmd determined the state succeeded' };
  }
  return res;
}
