// mount.mounted / mount.unmounted: a filesystem mounted (or not) at a mount point, read from
// /proc/self/mountinfo, and its /etc/fstab entry kept (persist). Comments and changes are Salt's.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { changedOption, realPathUnder, sameDevice } from './mount-match.ts';
import { lookupAccount } from '../facts/users.ts';
import { parseFstabLine, parseMountinfo, removeFstab, setFstab, type ActiveMount } from '../facts/mounts.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { readText } from '../store/read-text.ts';
import { refuseOptionLike } from '../process/operands.ts';
import type { RunResult } from '../process/run.ts';

const MOUNTINFO = '/proc/self/mountinfo';
const NO_ROOT_USER = 'mounts are made by the agent, as root';

async function activeMounts(ctx: StateContext): Promise<Map<string, ActiveMount> | undefined> {
  const text = await readText(join(ctx.root, MOUNTINFO));
  return text === null ? undefined : parseMountinfo(text);
}

const exists = (ctx: StateContext, path: string): Promise<boolean> =>
  fsp.lstat(join(ctx.root, path)).then(
    () => true,
    () => false,
  );

const why = (r: RunResult): string => (r.stderr || r.stdout || r.error || `exited with ${r.code}`).trim();

const MOUNTED_ARGS = declareArgs({
  device: {
    type: 'string',
    required: true,
    doc: 'What to mount: /dev/sdb1, UUID=…, LABEL=…, tmpfs, a directory to bind',
  },
  fstype: { type: 'string', required: true, doc: 'The filesystem type (ext4, xfs, tmpfs, none for a bind mount…)' },
  mkmnt: { type: 'bool', default: false, doc: 'Create the mount point when it is missing' },
  opts: { type: 'str_or_list', default: ['defaults'], doc: 'Mount options: a list or a comma-separated string' },
  dump: { type: 'int', default: 0, doc: "The fstab entry's dump field" },
  pass_num: { type: 'int', default: 0, doc: "The fstab entry's pass field" },
  config: { type: 'string', default: '/etc/fstab', doc: 'The fstab file' },
  persist: { type: 'bool', default: true, doc: 'Keep the mount in the fstab' },
  mount: { type: 'bool', default: true, doc: 'Mount it now (false: only the fstab entry, and mkmnt)' },
  user: { type: 'string', doc: 'The user mounting', unsupported: NO_ROOT_USER },
  match_on: {
    type: 'str_or_list',
    default: ['auto'],
    doc: 'fstab fields an entry is matched on (auto: the mount point for tmpfs and the like, else the device)',
  },
  device_name_regex: {
    type: 'str_or_list',
    default: [],
    doc: 'Regular expressions: a mounted device matching one is not remounted for a device mismatch',
  },
  extra_mount_invisible_options: { type: 'list', default: [], doc: 'More options mountinfo never shows' },
  extra_mount_invisible_keys: { type: 'list', default: [], doc: 'More key=value options whose value never shows' },
  extra_mount_ignore_fs_keys: { type: 'mapping', default: {}, doc: 'fstype → option keys that never force a remount' },
  extra_mount_translate_options: { type: 'mapping', default: {}, doc: 'Options shown translated (tcp → proto=tcp)' },
  hidden_opts: { type: 'str_or_list', default: [], doc: 'Options ignored when deciding on a remount' },
  bind_mount_copy_active_opts: {
    type: 'bool',
    default: true,
    doc: "Take a bind mount's options from its source mount",
    unsupported: 'a bind mount is compared by its source directory, not by copying options',
  },
});

type MountAction = 'none' | 'mount' | 'remount' | 'replace' | 'mkdir' | 'watch';

interface MountedOps {
  name: string;
  device: string;
  fstype: string;
  opts: string[];
  action: MountAction;
  mkmnt: boolean;
  /** Salt's `umount` change for remount/replace. */
  umount?: string;
  /** The comment when nothing is mounted (already mounted, not mounted…). */
  base: string;
  persist: boolean;
  fstab?: { path: string; text: string; outcome: 'new' | 'change' };
}

const splitOpts = (opts: readonly string[]): string[] =>
  opts
    .flatMap((o) => o.split(','))
    .map((o) => o.trim())
    .filter(Boolean);

async function checkMounted(args: ArgsOf<typeof MOUNTED_ARGS>, ctx: StateContext): Promise<Plan<MountedOps>> {
  const name = args.name === '/' ? '/' : args.name.replace(/\/+$/, '');
  const bad = refuseOptionLike('mount argument', name, args.device);
  if (bad) return failed(bad);
  if (!name.startsWith('/')) return failed(`${name} is not an absolute path`);
  const opts = splitOpts(args.opts);
  const active = await activeMounts(ctx);
  if (!active) return failed(`Unable to read ${MOUNTINFO}`);
  const realName = await realPathUnder(ctx.root, name);
  const cur = active.get(realName);
  const here = await exists(ctx, name);
  let action: MountAction = 'none';
  let umount: string | undefined;
  let base = '';
  let testComment = '';
  if (cur && args.mount) {
    const dev = await sameDevice(ctx.root, active, cur, args.device, opts.includes('bind'));
    if (!dev.same) {
      const ignored = args.device_name_regex.flatMap((re) => dev.current.filter((d) => new RegExp(re).test(d)))[0];
      if (ignored) base = `An umount will not be forced because device matched device_name_regex: ${ignored}`;
      else {
        action = 'replace';
        umount = `Forced unmount because devices don't match. Wanted: ${args.device}${dev.wanted !== args.device ? ` (${dev.wanted})` : ''}, current: ${dev.current.join(', ')}`;
        testComment = `An umount would have been forced because devices do not match.  Watched: ${args.device}`;
      }
    } else {
      const users = new Map<string, number | undefined>();
      const ids = {
        uid: (n: string) => users.get(`u:${n}`),
        gid: (n: string) => users.get(`g:${n}`),
      };
      for (const o of opts) {
        const m = /^(uid|gid)=(.+)$/.exec(o);
        if (m && !/^\d+$/.test(m[2]))
          users.set(
            `${m[1][0]}:${m[2]}`,
            (await lookupAccount(ctx.facts, m[1] === 'uid' ? 'passwd' : 'group', m[2]))?.id,
          );
      }
      const changed = changedOption(
        opts,
        cur,
        {
          invisible: args.extra_mount_invisible_options,
          invisibleKeys: args.extra_mount_invisible_keys,
          ignoreFsKeys: args.extra_mount_ignore_fs_keys,
          translate: args.extra_mount_translate_options,
          hidden: splitOpts(args.hidden_opts),
        },
        ids,
      );
      if (changed !== undefined) {
        const hard = ['nfs', 'cvfs'].includes(args.fstype) || args.fstype.startsWith('fuse');
        action = hard ? 'replace' : 'remount';
        umount = `${hard ? 'Forced unmount and mount' : 'Forced remount'} because options (${changed}) changed`;
        testComment = `Remount would be forced because options (${changed}) changed`;
      } else base = 'Target was already mounted';
    }
  } else if (args.mount) {
    action = 'mount';
    testComment = here
      ? `${name} would be mounted`
      : args.mkmnt
        ? `${name} would be created and mounted`
        : `${name} does not exist and would not be created`;
    if (!here && !args.mkmnt && !ctx.test) return failed('Mount directory is not present');
  } else if (!here && args.mkmnt) {
    action = 'mkdir';
    testComment = `${name} would be created, but not mounted`;
  } else base = here ? `${name} not mounted` : `${name} not present and not mounted`;

  let fstab: MountedOps['fstab'];
  let persistComment = '';
  if (args.persist) {
    const path = join(ctx.root, args.config);
    const text = await readText(path);
    if (text === null) return failed(`${base || testComment}. However, the fstab was not found.`);
    const want = {
      device: args.device,
      name,
      fstype: args.fstype,
      opts: opts.join(','),
      dump: String(args.dump),
      pass: String(args.pass_num),
    };
    const set = setFstab(text, want, args.match_on);
    if (set.outcome !== 'present') {
      fstab = { path, text: set.text, outcome: set.outcome };
      persistComment =
        set.outcome === 'new'
          ? args.mount
            ? `${name} is mounted, but needs to be written to the fstab in order to be made persistent.`
            : `${name} needs to be written to the fstab in order to be made persistent.`
          : args.mount
            ? `${name} is mounted, but its fstab entry must be updated.`
            : `The ${name} fstab entry must be updated.`;
    }
  }
  const ops: MountedOps = {
    name,
    device: args.device,
    fstype: args.fstype,
    opts,
    action,
    mkmnt: args.mkmnt,
    base,
    persist: args.persist,
    ...(umount ? { umount } : {}),
    ...(fstab ? { fstab } : {}),
  };
  if (action !== 'none') return pending({}, testComment, ops);
  if (fstab) return pending({}, base ? `${base}. ${persistComment}` : persistComment, ops);
  return converged(args.persist ? `${base}. Entry already exists in the fstab.` : base);
}

async function applyMounted(plan: Plan<MountedOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const changes: Changes = {};
  let comment = ops.base;
  const fail = (c: string): Outcome => ({ result: false, changes, comment: c });
  if (ops.action === 'watch') {
    const opts = ['remount', ...ops.opts.filter((o) => o !== 'defaults' && o !== 'remount')].join(',');
    const r = await ctx.run(['mount', '-o', opts, ops.name]);
    return r.code === 0
      ? { changes, comment: `${ops.name} remounted` }
      : fail(`${ops.name} failed to remount: ${why(r)}`);
  }
  if (ops.action === 'replace' && ops.umount) {
    changes.umount = ops.umount;
    const r = await ctx.run(['umount', ops.name]);
    if (r.code !== 0) return fail(`Unable to unmount ${ops.name}: ${why(r)}.`);
  }
  if (ops.action === 'mount' || ops.action === 'replace') {
    if (!(await exists(ctx, ops.name))) {
      if (!ops.mkmnt) return fail('Mount directory is not present');
      await fsp.mkdir(join(ctx.root, ops.name), { recursive: true });
    }
    const r = await ctx.run(['mount', '-t', ops.fstype, '-o', ops.opts.join(','), ops.device, ops.name]);
    if (r.code !== 0) return fail(why(r));
    comment = 'Target was successfully mounted';
    changes.mount = true;
  } else if (ops.action === 'remount' && ops.umount) {
    changes.umount = ops.umount;
    const opts = ['remount', ...ops.opts.filter((o) => o !== 'defaults' && o !== 'remount')].join(',');
    const r = await ctx.run(['mount', '-o', opts, ops.name]);
    if (r.code !== 0) return fail(`Unable to remount ${ops.name}: ${why(r)}`);
    comment = 'Target was remounted';
  } else if (ops.action === 'mkdir') {
    await fsp.mkdir(join(ctx.root, ops.name), { recursive: true });
    comment = `${ops.name} was created, not mounted`;
  }
  if (ops.fstab) {
    await writeFileAtomic(ops.fstab.path, ops.fstab.text);
    changes.persist = ops.fstab.outcome === 'new' ? 'new' : 'update';
    comment += ops.fstab.outcome === 'new' ? '. Added new entry to the fstab.' : '. Updated the entry in the fstab.';
  } else if (ops.persist) comment += '. Entry already exists in the fstab.';
  return { changes, comment };
}

/** Salt's mod_watch: a watched change remounts the mount point (mounts it when it is not). */
async function watchMounted(args: ArgsOf<typeof MOUNTED_ARGS>, ctx: StateContext): Promise<Plan<MountedOps>> {
  const name = args.name === '/' ? '/' : args.name.replace(/\/+$/, '');
  const bad = refuseOptionLike('mount argument', name, args.device);
  if (bad) return failed(bad);
  const active = await activeMounts(ctx);
  if (!active) return failed(`Unable to read ${MOUNTINFO}`);
  // not mounted: what the state itself would do (mount it, write the fstab)
  if (!active.has(await realPathUnder(ctx.root, name))) return checkMounted(args, ctx);
  const ops: MountedOps = {
    name,
    device: args.device,
    fstype: args.fstype,
    opts: splitOpts(args.opts),
    action: 'watch',
    mkmnt: args.mkmnt,
    base: '',
    persist: false,
  };
  return pending({}, ctx.test ? `${name} would be remounted` : `${name} remounted`, ops);
}

export const mounted = defineState({
  doc: 'A filesystem is mounted at the mount point with these options, and kept in the fstab; a watch remounts it',
  args: MOUNTED_ARGS,
  check: checkMounted,
  apply: applyMounted,
  modWatch: watchMounted,
});

const UNMOUNTED_ARGS = declareArgs({
  device: { type: 'string', doc: 'The device: the fstab entry removed must be for it' },
  config: { type: 'string', default: '/etc/fstab', doc: 'The fstab file' },
  persist: { type: 'bool', default: false, doc: 'Remove the mount point from the fstab too' },
  user: { type: 'string', doc: 'The user unmounting', unsupported: NO_ROOT_USER },
});

interface UnmountedOps {
  name: string;
  umount: boolean;
  base: string;
  fstab?: { path: string; text: string };
}

async function checkUnmounted(args: ArgsOf<typeof UNMOUNTED_ARGS>, ctx: StateContext): Promise<Plan<UnmountedOps>> {
  const name = args.name === '/' ? '/' : args.name.replace(/\/+$/, '');
  const bad = refuseOptionLike('mount argument', name);
  if (bad) return failed(bad);
  const active = await activeMounts(ctx);
  if (!active) return failed(`Unable to read ${MOUNTINFO}`);
  const mountedNow = active.has(name);
  if (mountedNow) {
    const ops: UnmountedOps = { name, umount: true, base: '' };
    if (args.persist) {
      const text = await readText(join(ctx.root, args.config));
      const next = text === null ? null : removeFstab(text, name, args.device);
      if (next !== null) ops.fstab = { path: join(ctx.root, args.config), text: next };
    }
    return pending({}, `Mount point ${name} is mounted but should not be`, ops);
  }
  let comment = 'Target was already unmounted';
  if (!args.persist) return converged(comment);
  const text = (await readText(join(ctx.root, args.config))) ?? '';
  const entries = text
    .split('\n')
    .map(parseFstabLine)
    .filter((e) => e?.name === name);
  if (!entries.length) return converged(`${comment}. fstab entry not found`);
  if (args.device !== undefined && !entries.some((e) => e?.device === args.device))
    return converged(`${comment}. fstab entry for device ${args.device} not found`);
  comment = `Mount point ${name} is unmounted but needs to be purged from ${args.config} to be made persistent`;
  const next = removeFstab(text, name, args.device) ?? text;
  return pending({}, comment, {
    name,
    umount: false,
    base: 'Target was already unmounted',
    fstab: { path: join(ctx.root, args.config), text: next },
  });
}

async function applyUnmounted(plan: Plan<UnmountedOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const changes: Changes = {};
  let comment = ops.base;
  if (ops.umount) {
    const r = await ctx.run(['umount', ops.name]);
    if (r.code !== 0) return { result: false, changes, comment: why(r) };
    changes.umount = true;
    comment = 'Target was successfully unmounted';
  }
  if (ops.fstab) {
    await writeFileAtomic(ops.fstab.path, ops.fstab.text);
    changes.persist = 'purged';
    comment += '. Removed target from fstab';
  }
  return { changes, comment };
}

export const unmounted = defineState({
  doc: 'Nothing is mounted at the mount point (persist: and the fstab has no entry for it)',
  args: UNMOUNTED_ARGS,
  check: checkUnmounted,
  apply: applyUnmounted,
});

const mountModule: StateModule = { mounted, unmounted };
export default mountModule;
