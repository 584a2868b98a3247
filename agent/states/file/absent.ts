// file.absent: the path is not there; a directory goes with everything in it.
import { promises as fsp } from 'node:fs';
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { declareArgs, type ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { backup, hostPath, notAbsolute, statOf } from './common.ts';

export interface AbsentOps {
  name: string;
  directory: boolean;
}

const ABSENT_ARGS = declareArgs({});

export async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<AbsentOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  if (name.replace(/\/+$/, '') === '') return failed('Refusing to make "/" absent');
  const st = await statOf(ctx, name);
  if (!st) return converged(`File ${name} is not present`);
  const directory = st.type === 'directory';
  return pending({ removed: name }, `${directory ? 'Directory' : 'File'} ${name} is set for removal`, {
    name,
    directory,
  });
}

export async function applyAbsent(plan: Plan<AbsentOps>, ctx: StateContext): Promise<Outcome> {
  const { name, directory } = opsOf(plan);
  if (!directory) await backup(ctx, name);
  await fsp.rm(hostPath(ctx, name), { recursive: directory, force: true });
  ctx.facts.invalidatePath(name);
  return { changes: { removed: name }, comment: `Removed ${directory ? 'directory' : 'file'} ${name}` };
}

export const absent = defineState({
  doc: 'The file or directory does not exist (a directory with everything in it)',
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply: applyAbsent,
});
