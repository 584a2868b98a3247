// ssh_auth.present / absent: one key in a user's authorized_keys (default
// ~/.ssh/authorized_keys), written atomically with mode 0600 in a 0700 .ssh directory
// owned by the user. Comments and changes are Salt's; keys are named by their blob.
import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { readText } from '../store/read-text.ts';
import { passwdEntriesFact } from '../facts/passwd.ts';
import { formatKeyLine, normalizeEnc, parseKeyLine, type AuthKey } from '../facts/authorized-keys.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const ARGS = declareArgs({
  user: { type: 'string', required: true, doc: 'The user whose authorized_keys file holds the key' },
  enc: { type: 'string', default: 'ssh-rsa', doc: 'The key type, when name is the bare key' },
  comment: { type: 'string', default: '', doc: 'The comment of the key, when name is the bare key' },
  options: { type: 'str_or_list', default: [], doc: 'Options in front of the key (from="…", no-pty)' },
  config: {
    type: 'string',
    default: '.ssh/authorized_keys',
    doc: 'The file, relative to the home directory; %h and %u are expanded',
  },
  source: { type: 'string', default: '', doc: 'A file of keys to add', unsupported: 'keys are given by name' },
  fingerprint_hash_type: {
    type: 'string',
    doc: 'The hash of the fingerprints shown',
    unsupported: 'keys are compared whole',
  },
});
type Args = ArgsOf<typeof ARGS>;

export interface SshAuthOps {
  user: string;
  key: string;
  /** Path of the file as seen on the host (under ctx.root when writing). */
  path: string;
  content: string;
  uid: number;
  gid: number;
  outcome: Outcome;
}

interface Target {
  user: string;
  path?: string;
  uid?: number;
  gid?: number;
  want: AuthKey;
}

/** The key wanted: from `name` when it is a whole key line, else from name/enc/comment/options. */
function wantedKey(args: Args): AuthKey {
  const parsed = parseKeyLine(args.name);
  if (parsed) return { ...parsed, options: parsed.options.length ? parsed.options : args.options };
  const [key, ...rest] = args.name.trim().split(/\s+/);
  return {
    options: args.options,
    enc: normalizeEnc(args.enc),
    key,
    comment: rest.length ? rest.join(' ') : args.comment,
  };
}

async function target(args: Args, ctx: StateContext): Promise<Target> {
  const { user } = args;
  const want = wantedKey(args);
  const u = (await ctx.facts.get(passwdEntriesFact, '/etc/passwd')).get(user);
  if (!u) return { user, want };
  const config = args.config.replace(/%h/g, u.home).replace(/%u/g, user);
  return { user, want, path: isAbsolute(config) ? config : join(u.home, config), uid: u.uid, gid: u.gid };
}

const same = (a: AuthKey, b: AuthKey): boolean =>
  a.enc === b.enc && a.comment === b.comment && a.options.join(',') === b.options.join(',');

async function checkPresent(args: Args, ctx: StateContext): Promise<Plan<SshAuthOps>> {
  const t = await target(args, ctx);
  const { key } = t.want;
  if (!key || /\s/.test(key)) return failed('Invalid public ssh key, most likely has spaces or invalid syntax');
  if (t.path === undefined || t.uid === undefined || t.gid === undefined) {
    // Test mode: the user may come from a pending requisite; apply never runs on this plan.
    if (ctx.test && ctx.pendingRequisites?.length)
      return { status: 'pending', changes: {}, comment: `Key ${key} for user ${t.user} is set to be added` };
    return failed('Failed to add the ssh key. Is the home directory available, and/or does the key file exist?');
  }
  const text = (await readText(join(ctx.root, t.path))) ?? '';
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const at = lines.findIndex((l) => parseKeyLine(l)?.key === key);
  const line = formatKeyLine(t.want);
  const base = { user: t.user, key, path: t.path, uid: t.uid, gid: t.gid };
  if (at >= 0) {
    if (same(parseKeyLine(lines[at]) as AuthKey, t.want))
      return converged(`The authorized host key ${key} is already present for user ${t.user}`);
    lines[at] = line;
    const outcome = {
      changes: { [key]: 'Updated' },
      comment: `The authorized host key ${key} for user ${t.user} was updated`,
    };
    return pending({}, `Key ${key} for user ${t.user} is set to be updated`, {
      ...base,
      content: `${lines.join('\n')}\n`,
      outcome,
    });
  }
  lines.push(line);
  const outcome = { changes: { [key]: 'New' }, comment: `The authorized host key ${key} for user ${t.user} was added` };
  return pending({}, `Key ${key} for user ${t.user} is set to be added`, {
    ...base,
    content: `${lines.join('\n')}\n`,
    outcome,
  });
}

async function checkAbsent(args: Args, ctx: StateContext): Promise<Plan<SshAuthOps>> {
  const t = await target(args, ctx);
  const { key } = t.want;
  const text = t.path === undefined ? null : await readText(join(ctx.root, t.path));
  if (text === null)
    return ctx.test ? converged('Key is already absent') : failed('User authorized keys file not present');
  const lines = text.split('\n');
  const kept = lines.filter((l) => parseKeyLine(l)?.key !== key);
  if (kept.length === lines.length) return converged(ctx.test ? 'Key is already absent' : 'Key not present');
  const outcome = { changes: { [key]: 'Removed' }, comment: 'Key removed' };
  return pending({}, `Key ${key} for user ${t.user} is set for removal`, {
    user: t.user,
    key,
    path: t.path as string,
    uid: t.uid as number,
    gid: t.gid as number,
    content: kept.join('\n'),
    outcome,
  });
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function applyKeys(plan: Plan<SshAuthOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const file = join(ctx.root, ops.path);
  const owner = isRoot() ? { uid: ops.uid, gid: ops.gid } : {};
  try {
    const dir = dirname(file);
    let created = false;
    try {
      await fsp.mkdir(dir, { mode: 0o700 });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (created && isRoot()) await fsp.chown(dir, ops.uid, ops.gid);
    await writeFileAtomic(file, ops.content, { mode: 0o600, ...owner });
  } catch (e) {
    return {
      result: false,
      changes: {},
      comment: `Failed to add the ssh key. Is the home directory available, and/or does the key file exist? (${(e as Error).message})`,
    };
  }
  ctx.facts.invalidatePath(ops.path);
  return ops.outcome;
}

export const present = defineState({
  doc: "The key is in the user's authorized_keys file",
  args: ARGS,
  check: checkPresent,
  apply: applyKeys,
});
export const absent = defineState({
  doc: "The key is not in the user's authorized_keys file",
  args: ARGS,
  check: checkAbsent,
  apply: applyKeys,
});

const sshAuthModule: StateModule = { present, absent };
export default sshAuthModule;
