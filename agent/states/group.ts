// group.present / group.absent with Salt's comments and changes, through groupadd,
// groupmod and groupdel; members through gpasswd (groupmod --prefix under another root).
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { forgetAccounts, prefix, pyRepr, readAccounts, runAll, type AccountCommand } from './accounts.ts';
import type { GroupEntry } from '../facts/group.ts';
import { operands } from '../process/operands.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const LOCAL = {
  type: 'bool',
  default: false,
  doc: 'Use lgroupadd (local groups when NSS has others)',
  unsupported: 'groupadd is always used',
} as const;

const PRESENT_ARGS = declareArgs({
  gid: { type: 'int', doc: 'The group id' },
  system: { type: 'bool', default: false, doc: 'Create a system group (groupadd -r)' },
  addusers: { type: 'str_or_list', doc: 'Users to add to the group' },
  delusers: { type: 'str_or_list', doc: 'Users to remove from the group' },
  members: { type: 'str_or_list', doc: 'The complete member list (not with addusers or delusers)' },
  non_unique: { type: 'bool', default: false, doc: 'Allow a gid already in use (groupadd -o)' },
  local: LOCAL,
});
const ABSENT_ARGS = declareArgs({ local: LOCAL });

interface Wanted {
  gid?: number;
  members?: string[];
  addusers?: string[];
  delusers?: string[];
}

export interface GroupOps {
  name: string;
  create: boolean;
  cmds: AccountCommand[];
  wanted: Wanted;
  comment: string;
}

/** Salt's group.info. */
export function groupInfo(g: GroupEntry): Record<string, unknown> {
  return { name: g.name, passwd: g.passwd, gid: g.gid, members: [...g.members] };
}

/** Salt's _changes: key → value, for an existing group. */
export function groupChanges(g: GroupEntry, w: Wanted): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  if (w.gid !== undefined && g.gid !== w.gid) change.gid = w.gid;
  const cur = new Set(g.members);
  const symDiff = (want: string[]): boolean =>
    want.some((m) => !cur.has(m)) || g.members.some((m) => !want.includes(m));
  if (w.members !== undefined && !w.members.length) {
    if (g.members.length) change.delusers = [...g.members];
  } else if (w.members && symDiff(w.members)) change.members = w.members;
  const add = (w.addusers ?? []).filter((u) => !cur.has(u));
  if (add.length) change.addusers = add;
  const del = (w.delusers ?? []).filter((u) => cur.has(u));
  if (del.length) change.delusers = del;
  return change;
}

/**
 * Member changes: on the host through gpasswd, which keeps /etc/group and /etc/gshadow in
 * step; under another root through groupmod --prefix (gpasswd cannot work on a prefix).
 */
function memberCommands(
  name: string,
  current: string[],
  change: Record<string, unknown>,
  ctx: StateContext,
): AccountCommand[] {
  const members = change.members as string[] | undefined;
  const add = (change.addusers as string[] | undefined) ?? [];
  const del = (change.delusers as string[] | undefined) ?? [];
  if (ctx.root === '/') {
    if (members) return [{ argv: ['gpasswd', '-M', members.join(','), ...operands(name)] }];
    return [
      ...add.map((u) => ({ argv: ['gpasswd', '-a', u, ...operands(name)] })),
      ...del.map((u) => ({ argv: ['gpasswd', '-d', u, ...operands(name)] })),
    ];
  }
  if (!members && !add.length && !del.length) return [];
  const final = members ?? [...current.filter((u) => !del.includes(u)), ...add.filter((u) => !current.includes(u))];
  return [{ argv: ['groupmod', ...prefix(ctx), '-U', final.join(','), ...operands(name)] }];
}

function commandsFor(
  name: string,
  current: string[],
  change: Record<string, unknown>,
  nonUnique: boolean,
  ctx: StateContext,
): AccountCommand[] {
  const cmds: AccountCommand[] = [];
  if ('gid' in change)
    cmds.push({
      argv: ['groupmod', ...prefix(ctx), '-g', String(change.gid), ...(nonUnique ? ['-o'] : []), ...operands(name)],
    });
  return [...cmds, ...memberCommands(name, current, change, ctx)];
}

async function checkPresent(args: ArgsOf<typeof PRESENT_ARGS>, ctx: StateContext): Promise<Plan<GroupOps>> {
  const name = args.name;
  const w: Wanted = { members: args.members, addusers: args.addusers, delusers: args.delusers };
  if (args.gid !== undefined) {
    if (args.gid < 0) return failed(`Invalid gid: ${args.gid}`);
    w.gid = args.gid;
  }
  if (w.members !== undefined && (w.addusers !== undefined || w.delusers !== undefined)) {
    return failed('Error: Conflicting options "members" with "addusers" and/or "delusers" can not be used together. ');
  }
  if (w.addusers && w.delusers && w.addusers.some((u) => w.delusers?.includes(u))) {
    return failed('Error. Same user(s) can not be added and deleted simultaneously');
  }
  const nonUnique = args.non_unique;
  const db = await readAccounts(ctx);
  const g = db.groups.get(name);
  if (g) {
    const change = groupChanges(g, w);
    if (!Object.keys(change).length) return converged(`Group ${name} is present and up to date`);
    let comment = 'The following group attributes are set to be changed:\n';
    for (const [k, v] of Object.entries(change)) comment += `${k}: ${pyRepr(v)}\n`;
    return pending({}, comment, {
      name,
      create: false,
      cmds: commandsFor(name, g.members, change, nonUnique, ctx),
      wanted: w,
      comment,
    });
  }
  if (w.gid !== undefined) {
    const taken = [...db.groups.values()].find((x) => x.gid === w.gid);
    if (taken && !nonUnique)
      return failed(`Group ${name} is not present but gid ${w.gid} is already taken by group ${taken.name}`);
  }
  const argv = [
    'groupadd',
    ...prefix(ctx),
    ...(w.gid !== undefined ? ['-g', String(w.gid)] : []),
    ...(args.system ? ['-r'] : []),
    ...(nonUnique ? ['-o'] : []),
    ...operands(name),
  ];
  const members = w.members?.length ? w.members : w.addusers;
  const cmds = [{ argv }, ...(members?.length ? memberCommands(name, [], { members }, ctx) : [])];
  return pending({}, `Group ${name} set to be added`, { name, create: true, cmds, wanted: w, comment: '' });
}

async function applyPresent(plan: Plan<GroupOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const err = await runAll(ops.cmds, ctx);
  forgetAccounts(ctx);
  const g = (await readAccounts(ctx)).groups.get(ops.name);
  if (ops.create) {
    if (!g)
      return { result: false, changes: {}, comment: `Failed to create new group ${ops.name}${err ? `: ${err}` : ''}` };
    const left = groupChanges(g, ops.wanted);
    if (Object.keys(left).length) {
      return {
        result: false,
        changes: { Failed: left },
        comment: `Group ${ops.name} has been created but, some changes could not be applied`,
      };
    }
    return { changes: groupInfo(g), comment: `New group ${ops.name} created` };
  }
  const left = g ? groupChanges(g, ops.wanted) : { gid: ops.wanted.gid };
  if (Object.keys(left).length) {
    return {
      result: false,
      changes: { Failed: left } as Changes,
      comment: `${ops.comment}Some changes could not be applied${err ? `: ${err}` : ''}`,
    };
  }
  return { changes: { Final: 'All changes applied successfully' }, comment: ops.comment };
}

interface AbsentOps {
  name: string;
  argv: string[];
}

async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<AbsentOps>> {
  const name = args.name;
  if (!(await readAccounts(ctx)).groups.has(name)) return converged('Group not present');
  return pending({}, `Group ${name} is set for removal`, {
    name,
    argv: ['groupdel', ...prefix(ctx), ...operands(name)],
  });
}

async function applyAbsent(plan: Plan<AbsentOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const err = await runAll([{ argv: ops.argv }], ctx);
  forgetAccounts(ctx);
  if (err) return { result: false, changes: {}, comment: `Failed to remove group ${ops.name}: ${err}` };
  return { changes: { [ops.name]: '' }, comment: `Removed group ${ops.name}` };
}

export const present = defineState({
  doc: 'The group exists with this gid and members (groupadd/groupmod, gpasswd)',
  args: PRESENT_ARGS,
  check: checkPresent,
  apply: applyPresent,
});
export const absent = defineState({
  doc: 'The group does not exist (groupdel)',
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply: applyAbsent,
});

const groupModule: StateModule = { present, absent };
export default groupModule;
