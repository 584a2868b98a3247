// unless / onlyif / creates (Salt's State._run_check): decide, before a state's function is
// called, whether it runs at all. A state skipped this way succeeds without changes, and its
// comment says why; a `watch` on it does not trigger its mod_watch (Salt's skip_watch).
//
// onlyif   every command must exit 0, else "onlyif condition is false"
// unless   when every command exits 0: "unless condition is true"
// creates  when every path exists: "<path> exists" / "All files in creates exist"
// Commands are shell lines run as argv [shell, '-c', line] with the state's cwd, env and runas.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LowChunk } from '../protocol.ts';
import type { StateContext } from '../states/types.ts';
import { shellArgv, shellInput } from '../process/shell-line.ts';

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

/** Runs one condition line; the exit code, or undefined when it could not start. */
async function exitCode(line: string, chunk: LowChunk, ctx: StateContext): Promise<number | undefined> {
  const a = chunk.args;
  const shell = typeof a.shell === 'string' ? a.shell : '/bin/sh';
  let argv = shellArgv(shell);
  const runas = chunk.meta.runas ?? a.runas;
  if (typeof runas === 'string' && runas) argv = ['runuser', '-u', runas, '--', ...argv];
  const cwd = typeof a.cwd === 'string' && existsSync(a.cwd) ? a.cwd : '/';
  const r = await ctx.run(argv, { cwd, env: env(a.env), fd3: shellInput(line) });
  if (r.error && r.pid === undefined) return undefined;
  return r.code;
}

const onlyifFalse: ConditionResult = { skip: true, comment: 'onlyif condition is false', skipWatch: true };

async function onlyif(v: unknown, chunk: LowChunk, ctx: StateContext): Promise<ConditionResult> {
  let res: ConditionResult = { skip: false, comment: '', skipWatch: false };
  for (const entry of list(v)) {
    if (typeof entry === 'boolean') {
      if (!entry) return onlyifFalse;
      res = { skip: false, comment: 'onlyif condition is true', skipWatch: false };
      continue;
    }
    if (typeof entry !== 'string')
      return { skip: false, comment: 'onlyif execution failed, bad type passed', skipWatch: false };
    const code = await exitCode(entry, chunk, ctx);
    if (code !== 0) return onlyifFalse;
    res = { skip: false, comment: 'onlyif condition is true', skipWatch: false };
  }
  return res;
}

async function unless(v: unknown, chunk: LowChunk, ctx: StateContext): Promise<ConditionResult> {
  let res: ConditionResult = { skip: false, comment: '', skipWatch: false };
  for (const entry of list(v)) {
    let ok: boolean;
    if (typeof entry === 'boolean') ok = entry;
    else if (typeof entry === 'string') ok = ((await exitCode(entry, chunk, ctx)) ?? 0) === 0;
    else return { skip: false, comment: 'unless condition is false, bad type passed', skipWatch: false };
    if (!ok) return { skip: false, comment: 'unless condition is false', skipWatch: false };
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
