// file.exists / file.missing (assertions, never change anything) and file.touch.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { declareArgs, type ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { hostPath, makeDirs, missingParents, notAbsolute, realPath, statOf } from './common.ts';
import { fileArgs } from './args.ts';

async function present(ctx: StateContext, name: string): Promise<boolean> {
  return (await statOf(ctx, await realPath(ctx, name))) !== null;
}

const never = async (): Promise<Outcome> => {
  throw new Error('this state never has anything to apply');
};

const NO_ARGS = declareArgs({});

export const exists = defineState<typeof NO_ARGS, never>({
  doc: 'The path exists (nothing is created)',
  args: NO_ARGS,
  async check(args, ctx) {
    return (await present(ctx, args.name))
      ? converged(`Path ${args.name} exists`)
      : failed(`Specified path ${args.name} does not exist`);
  },
  apply: never,
});

export const missing = defineState<typeof NO_ARGS, never>({
  doc: 'The path does not exist (nothing is removed)',
  args: NO_ARGS,
  async check(args, ctx) {
    return (await present(ctx, args.name))
      ? failed(`Specified path ${args.name} exists`)
      : converged(`Path ${args.name} is missing`);
  },
  apply: never,
});

export interface TouchOps {
  name: string;
  create: boolean;
  parents: string[];
  atime?: number;
  mtime?: number;
}

const TOUCH_ARGS = fileArgs(['atime', 'mtime', 'makedirs']);

export async function checkTouch(args: ArgsOf<typeof TOUCH_ARGS>, ctx: StateContext): Promise<Plan<TouchOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const { atime, mtime } = args;
  const st = await statOf(ctx, await realPath(ctx, name));
  if (!st) {
    const parents = await missingParents(ctx, name);
    if (parents.length && !args.makedirs && !ctx.test) return failed(`Directory not present to touch file ${name}`);
    return pending({ new: name }, `File ${name} is set to be created`, { name, create: true, parents, atime, mtime });
  }
  const differs = (want: number | undefined, ms: number): boolean =>
    want !== undefined && Math.floor(ms / 1000) !== Math.floor(want);
  if (differs(atime, st.atimeMs) || differs(mtime, st.mtimeMs)) {
    return pending({ touched: name }, `Times set to be updated on file ${name}`, {
      name,
      create: false,
      parents: [],
      atime,
      mtime,
    });
  }
  return converged(`File ${name} exists and has the correct times`);
}

export async function applyTouch(plan: Plan<TouchOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  await makeDirs(ctx, ops.parents, {}, undefined);
  const abs = hostPath(ctx, ops.name);
  const now = Date.now() / 1000;
  if (ops.create) {
    // nothing was there at the check: a symlink planted since is not followed (ELOOP fails the state)
    const fh = await fsp.open(
      abs,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND | fsConstants.O_NOFOLLOW,
      0o666,
    );
    try {
      await fh.utimes(ops.atime ?? now, ops.mtime ?? now);
    } finally {
      await fh.close();
    }
  } else {
    await fsp.utimes(abs, ops.atime ?? now, ops.mtime ?? now);
  }
  ctx.facts.invalidatePath(ops.name);
  if (ops.create) return { changes: { new: ops.name }, comment: `Created empty file ${ops.name}` };
  const st = await statOf(ctx, ops.name);
  return {
    changes: { touched: ops.name },
    comment: `Updated times on ${st?.type === 'directory' ? 'directory' : 'file'} ${ops.name}`,
  };
}

export const touch = defineState({
  doc: 'The file exists, with its access and modification times set (touch)',
  args: TOUCH_ARGS,
  check: checkTouch,
  apply: applyTouch,
});
