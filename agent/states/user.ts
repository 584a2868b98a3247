// user.present / user.absent with Salt's comments and changes. Changes run through
// useradd/usermod/userdel (and chpasswd for the password hash, which never appears in a
// comment or change: it is shown as XXX-REDACTED-XXX).
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import {
  forgetAccounts,
  prefix,
  pyRepr,
  readAccounts,
  resolveGid,
  runAll,
  type Accounts,
  type AccountCommand,
} from './accounts.ts';
import { joinGecos, type PasswdEntry } from '../facts/passwd.ts';
import { groupsOf } from '../facts/group.ts';
import { operands } from '../process/operands.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

export const REDACTED = 'XXX-REDACTED-XXX';
const GECOS = ['fullname', 'roomnumber', 'workphone', 'homephone', 'other'] as const;

export interface UserOps {
  name: string;
  create: boolean;
  cmds: AccountCommand[];
  /** Home directory to create afterwards (owned by the user, 0755). */
  mkHome?: string;
  passwordSet: boolean;
  createhome: boolean;
}

/** Salt's user.info: the account with its groups, or undefined. */
export function userInfo(name: string, db: Accounts): Record<string, unknown> | undefined {
  const u = db.users.get(name);
  if (!u) return undefined;
  return {
    name: u.name,
    passwd: u.passwd,
    uid: u.uid,
    gid: u.gid,
    fullname: u.fullname,
    roomnumber: u.roomnumber,
    workphone: u.workphone,
    homephone: u.homephone,
    other: u.other,
    home: u.home,
    shell: u.shell,
    groups: groupsOf(u.name, u.gid, db.groups),
  };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

interface Wanted {
  uid?: number;
  gid?: unknown;
  groups?: string[];
  optional: string[];
  removeGroups: boolean;
  home?: string;
  createhome: boolean;
  password?: string;
  enforcePassword: boolean;
  emptyPassword: boolean;
  shell?: string;
  gecos: Partial<Record<(typeof GECOS)[number], string>>;
  system: boolean;
  unique: boolean;
  usergroup?: boolean;
  nologinit: boolean;
  allowUid: boolean;
  allowGid: boolean;
}

const NOT_HERE = 'not managed by halite';

const PRESENT_ARGS = declareArgs({
  uid: { type: 'int', doc: 'The user id' },
  gid: { type: 'any', doc: 'The primary group, by name or number' },
  usergroup: { type: 'bool', doc: 'Create a group of the same name as the primary group (useradd -U / -N)' },
  groups: { type: 'str_or_list', doc: 'Supplementary groups; all must exist' },
  optional_groups: { type: 'str_or_list', default: [], doc: 'Supplementary groups joined only where they exist' },
  remove_groups: { type: 'bool', default: true, doc: 'Remove the user from supplementary groups not listed' },
  home: { type: 'string', doc: 'The home directory' },
  createhome: { type: 'bool', default: true, doc: 'Create the home directory if missing' },
  password: { type: 'string', doc: 'The password hash (as in /etc/shadow)' },
  hash_password: { type: 'bool', default: false, doc: 'Hash a clear-text password first', unsupported: 'give a hash' },
  enforce_password: { type: 'bool', default: true, doc: 'Reset the password when the hash differs' },
  empty_password: { type: 'bool', default: false, doc: 'Set an empty password' },
  shell: { type: 'string', doc: 'The login shell' },
  unique: { type: 'bool', default: true, doc: 'Refuse a uid already in use (useradd -o when false)' },
  system: { type: 'bool', default: false, doc: 'Create a system account' },
  fullname: { type: 'string', doc: 'GECOS full name' },
  roomnumber: { type: 'string', doc: 'GECOS room number' },
  workphone: { type: 'string', doc: 'GECOS work phone' },
  homephone: { type: 'string', doc: 'GECOS home phone' },
  other: { type: 'string', doc: 'GECOS other field' },
  loginclass: { type: 'string', doc: 'BSD login class', unsupported: 'BSD only' },
  date: { type: 'string', doc: 'Date of the last password change', unsupported: NOT_HERE },
  mindays: { type: 'int', doc: 'Minimum days between password changes', unsupported: NOT_HERE },
  maxdays: { type: 'int', doc: 'Maximum days between password changes', unsupported: NOT_HERE },
  inactdays: { type: 'int', doc: 'Days after expiry before the account is disabled', unsupported: NOT_HERE },
  warndays: { type: 'int', doc: 'Days of warning before the password expires', unsupported: NOT_HERE },
  expire: { type: 'string', doc: 'Date the account expires', unsupported: NOT_HERE },
  nologinit: {
    type: 'bool',
    default: false,
    doc: 'Do not add the user to the lastlog and faillog databases (useradd -l)',
  },
  allow_uid_change: { type: 'bool', default: false, doc: "Allow changing an existing user's uid" },
  allow_gid_change: { type: 'bool', default: false, doc: "Allow changing an existing user's primary group" },
  password_lock: { type: 'bool', doc: 'Lock or unlock the password', unsupported: NOT_HERE },
  local: {
    type: 'bool',
    default: false,
    doc: 'Use luseradd (local users when NSS has others)',
    unsupported: 'useradd is always used',
  },
});

const ABSENT_ARGS = declareArgs({
  purge: { type: 'bool', default: false, doc: 'Also remove the home directory and mail spool (userdel -r)' },
  force: { type: 'bool', default: false, doc: 'Remove the user even while logged in (userdel -f)' },
});

function wanted(args: ArgsOf<typeof PRESENT_ARGS>): Wanted {
  const gecos: Wanted['gecos'] = {};
  for (const k of GECOS) if (args[k] !== undefined) gecos[k] = args[k];
  return {
    uid: args.uid,
    gid: args.gid ?? undefined,
    groups: args.groups,
    optional: args.optional_groups,
    removeGroups: args.remove_groups,
    home: args.home,
    createhome: args.createhome,
    password: args.password,
    enforcePassword: args.enforce_password,
    emptyPassword: args.empty_password,
    shell: args.shell,
    gecos,
    system: args.system,
    unique: args.unique,
    usergroup: args.usergroup,
    nologinit: args.nologinit,
    allowUid: args.allow_uid_change,
    allowGid: args.allow_gid_change,
  };
}

/** Salt's _changes for an existing user: key → wanted value. */
function userChanges(
  u: PasswdEntry,
  w: Wanted,
  db: Accounts,
  groupsWanted: string[] | undefined,
  homeExists: boolean,
): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  if (w.uid !== undefined && u.uid !== w.uid) change.uid = w.uid;
  const gid = resolveGid(w.gid, db.groups);
  if (w.gid !== undefined && gid !== u.gid) change.gid = w.gid;
  const defaultGrp = [...db.groups.values()].find((g) => g.gid === (gid ?? u.gid))?.name;
  const oldDefault = [...db.groups.values()].find((g) => g.gid === u.gid)?.name;
  const wantedGroups = [...new Set(groupsWanted ?? groupsOf(u.name, u.gid, db.groups))]
    .sort()
    .filter((g) => g !== defaultGrp);
  const current = groupsOf(u.name, u.gid, db.groups).filter(
    (g) => g !== defaultGrp && g !== oldDefault && !(g === u.name && !wantedGroups.includes(g)),
  );
  const cur = new Set(current);
  const differs = w.removeGroups
    ? cur.size !== wantedGroups.length || wantedGroups.some((g) => !cur.has(g))
    : wantedGroups.some((g) => !cur.has(g));
  if (differs) change.groups = wantedGroups;
  if (w.home && u.home !== w.home) change.home = w.home;
  if (w.createhome && !homeExists) change.homeDoesNotExist = w.home ?? u.home;
  if (w.shell && u.shell !== w.shell) change.shell = w.shell;
  const hash = db.shadow.get(u.name)?.passwd;
  if (w.password && !w.emptyPassword && hash !== w.password) {
    const unset = hash === undefined || hash === '' || hash === '!' || hash === '*' || hash === '!*';
    if (unset || w.enforcePassword) change.passwd = w.password;
  }
  if (w.emptyPassword && hash !== '') change.empty_password = true;
  for (const k of GECOS) if (w.gecos[k] !== undefined && u[k] !== w.gecos[k]) change[k] = w.gecos[k];
  return change;
}

function modifyCommands(
  name: string,
  change: Record<string, unknown>,
  u: PasswdEntry,
  w: Wanted,
  ctx: StateContext,
): AccountCommand[] {
  const mod: string[] = [];
  if ('uid' in change) mod.push('-u', String(change.uid));
  if ('gid' in change) mod.push('-g', String(change.gid));
  if ('home' in change) mod.push('-d', String(change.home));
  if ('shell' in change) mod.push('-s', String(change.shell));
  if (GECOS.some((k) => k in change)) {
    const g = {
      fullname: u.fullname,
      roomnumber: u.roomnumber,
      workphone: u.workphone,
      homephone: u.homephone,
      other: u.other,
    };
    for (const k of GECOS) if (k in change) g[k] = String(change[k]);
    mod.push('-c', joinGecos(g));
  }
  if ('groups' in change) mod.push(...(w.removeGroups ? [] : ['-a']), '-G', (change.groups as string[]).join(','));
  const cmds: AccountCommand[] = mod.length ? [{ argv: ['usermod', ...prefix(ctx), ...mod, ...operands(name)] }] : [];
  if ('passwd' in change) cmds.push(passwordCommand(name, String(change.passwd), ctx));
  if ('empty_password' in change) cmds.push({ argv: ['passwd', '-d', ...operands(name)] });
  return cmds;
}

/** chpasswd reads the hash on stdin (kept out of the process list); a prefixed root needs usermod. */
function passwordCommand(name: string, hash: string, ctx: StateContext): AccountCommand {
  return ctx.root === '/'
    ? { argv: ['chpasswd', '-e'], input: `${name}:${hash}\n` }
    : { argv: ['usermod', ...prefix(ctx), '-p', hash, ...operands(name)] };
}

/** useradd's argv for a new user, as Salt's user.add builds it. */
export function useraddArgv(name: string, w: Wanted, groups: string[], ctx: StateContext): string[] {
  const a = ['useradd', ...prefix(ctx)];
  if (w.shell) a.push('-s', w.shell);
  if (w.uid !== undefined) a.push('-u', String(w.uid));
  if (w.gid !== undefined) a.push('-g', String(w.gid));
  else if (w.usergroup === true) a.push('-U');
  else if (w.usergroup === false) a.push('-N');
  if (w.createhome) a.push('-m');
  else if (!w.system) a.push('-M');
  if (w.nologinit) a.push('-l');
  if (w.home !== undefined) a.push('-d', w.home);
  if (!w.unique) a.push('-o');
  if (w.system) a.push('-r');
  const gecos = joinGecos({ fullname: '', roomnumber: '', workphone: '', homephone: '', other: '', ...w.gecos });
  if (gecos) a.push('-c', gecos);
  if (groups.length) a.push('-G', groups.join(','));
  a.push(...operands(name));
  return a;
}

async function checkPresent(args: ArgsOf<typeof PRESENT_ARGS>, ctx: StateContext): Promise<Plan<UserOps>> {
  const name = args.name;
  const w = wanted(args);
  const db = await readAccounts(ctx);
  const waitingForGroups = ctx.test && !!ctx.pendingRequisites?.length;
  const missing = (w.groups ?? []).filter((g) => !db.groups.has(g));
  if (missing.length && !waitingForGroups)
    return failed(`The following group(s) are not present: ${missing.join(',')}`);
  const presentOpt = w.optional.filter((g) => db.groups.has(g));
  const groupsWanted = w.groups === undefined && !presentOpt.length ? undefined : [...(w.groups ?? []), ...presentOpt];
  const u = db.users.get(name);
  if (!u) {
    if (w.gid !== undefined && resolveGid(w.gid, db.groups) === undefined && !waitingForGroups) {
      return failed(`The following group(s) are not present: ${String(w.gid)}`);
    }
    const groups = [...new Set(groupsWanted ?? [])].sort();
    const cmds: AccountCommand[] = [{ argv: useraddArgv(name, w, groups, ctx) }];
    if (w.password && !w.emptyPassword) cmds.push(passwordCommand(name, w.password, ctx));
    if (w.emptyPassword && !w.password)
      cmds.push({ argv: ['passwd', ...(ctx.root === '/' ? [] : ['-R', ctx.root]), '-d', ...operands(name)] });
    return pending({}, `User ${name} set to be added`, {
      name,
      create: true,
      cmds,
      passwordSet: !!w.password && !w.emptyPassword,
      createhome: w.createhome,
    });
  }
  const homeExists = await isDir(join(ctx.root, w.home ?? u.home));
  const change = userChanges(u, w, db, groupsWanted, homeExists);
  const errors: string[] = [];
  if (!w.allowUid && 'uid' in change) {
    errors.push(
      `Changing uid (${u.uid} -> ${w.uid}) not permitted, set allow_uid_change to True to force this change. Note that this will not change file ownership.`,
    );
  }
  if (!w.allowGid && 'gid' in change) {
    errors.push(
      `Changing gid (${u.gid} -> ${String(w.gid)}) not permitted, set allow_gid_change to True to force this change. Note that this will not change file ownership.`,
    );
  }
  if (errors.length) return failed(`Encountered error checking for needed changes: ${errors.join(' ')}`);
  if (!Object.keys(change).length) return converged(`User ${name} is present and up to date`);
  let comment = 'The following user attributes are set to be changed:\n';
  for (const [k, v] of Object.entries(change)) {
    const key = k === 'groups' && !w.removeGroups ? 'ensure groups' : k;
    comment += `${key}: ${k === 'passwd' ? REDACTED : pyRepr(v)}\n`;
  }
  const cmds = modifyCommands(name, change, u, w, ctx);
  const mkHome = 'homeDoesNotExist' in change ? String(change.homeDoesNotExist) : undefined;
  return pending({}, comment, {
    name,
    create: false,
    cmds,
    mkHome,
    passwordSet: 'passwd' in change,
    createhome: w.createhome,
  });
}

async function applyPresent(plan: Plan<UserOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const before = ops.create ? undefined : userInfo(ops.name, await readAccounts(ctx));
  const beforeHash = (await readAccounts(ctx)).shadow.get(ops.name)?.passwd;
  const err = await runAll(ops.cmds, ctx);
  forgetAccounts(ctx);
  const db = await readAccounts(ctx);
  const after = userInfo(ops.name, db);
  if (ops.create && !after)
    return {
      result: false,
      changes: {},
      comment: err ? `Failed to create new user ${ops.name}: ${err}` : `Failed to create new user ${ops.name}`,
    };
  if (ops.mkHome && after) {
    const dir = join(ctx.root, ops.mkHome);
    await fsp.mkdir(dir, { recursive: true, mode: 0o755 }).catch(() => undefined);
    await fsp.chown(dir, Number(after.uid), Number(after.gid)).catch(() => undefined);
  }
  if (ops.create) {
    const changes: Changes = { ...(after as Changes) };
    if (!ops.createhome) changes.home = '';
    if (ops.passwordSet) changes.password = REDACTED;
    if (err)
      return { result: false, changes, comment: `User ${ops.name} created but failed to set password to ${REDACTED}` };
    return { changes, comment: `New user ${ops.name} created` };
  }
  const changes: Changes = {};
  for (const [k, v] of Object.entries(after ?? {}))
    if (JSON.stringify(v) !== JSON.stringify(before?.[k])) changes[k] = v;
  if (db.shadow.get(ops.name)?.passwd !== beforeHash) changes.passwd = REDACTED;
  if (err) return { result: false, changes, comment: `These values could not be changed: ${err}` };
  return {
    changes,
    comment: Object.keys(changes).length ? `Updated user ${ops.name}` : `User ${ops.name} is present and up to date`,
  };
}

interface AbsentOps {
  name: string;
  argv: string[];
  groups: string[];
}

async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<AbsentOps>> {
  const name = args.name;
  const db = await readAccounts(ctx);
  const u = db.users.get(name);
  if (!u) return converged(`User ${name} is not present`);
  const argv = [
    'userdel',
    ...prefix(ctx),
    ...(args.purge ? ['-r'] : []),
    ...(args.force ? ['-f'] : []),
    ...operands(name),
  ];
  return pending({}, `User ${name} set for removal`, { name, argv, groups: groupsOf(name, u.gid, db.groups) });
}

async function applyAbsent(plan: Plan<AbsentOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const err = await runAll([{ argv: ops.argv }], ctx);
  forgetAccounts(ctx);
  if (err) return { result: false, changes: {}, comment: `Failed to remove user ${ops.name}: ${err}` };
  const db = await readAccounts(ctx);
  const changes: Changes = {};
  for (const g of ops.groups) if (!db.groups.has(g)) changes[`${g} group`] = 'removed';
  changes[ops.name] = 'removed';
  return { changes, comment: `Removed user ${ops.name}` };
}

export const present = defineState({
  doc: 'The user exists with these properties (useradd/usermod; the password hash through chpasswd)',
  args: PRESENT_ARGS,
  check: checkPresent,
  apply: applyPresent,
});
export const absent = defineState({
  doc: 'The user does not exist (userdel)',
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply: applyAbsent,
});

const userModule: StateModule = { present, absent };
export default userModule;
