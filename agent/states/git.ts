// git.latest: a checkout of a remote repository at a revision (HEAD, branch, tag or
// commit), cloned when missing and fast-forwarded (or hard-reset with force_reset) when
// behind. Changes are Salt's: {revision: {old, new}}, plus {new: 'URL => target'} on clone.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { flag } from './args.ts';
import type { RunResult } from '../process/run.ts';
import { parseLsRemote, parseSymref, resolveRemoteRev, shortSha, type RevType } from '../facts/git.ts';
import { operands, refuseOptionLike } from '../process/operands.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const NOT_HERE = 'not implemented';
const ARGS = declareArgs({
  target: { type: 'string', required: true, doc: 'The absolute path of the working copy' },
  rev: { type: 'string', default: 'HEAD', doc: 'The branch, tag or commit to check out' },
  branch: { type: 'string', doc: 'The local branch name (default: the remote branch checked out)' },
  user: { type: 'string', doc: 'Run git as this user' },
  remote: { type: 'string', default: 'origin', doc: 'The name of the remote' },
  force_reset: { type: 'any', default: false, doc: 'Discard local changes (git reset --hard) to reach rev' },
  force_clone: {
    type: 'bool',
    default: false,
    doc: 'Remove a target that is not a clone of this repository and clone again',
  },
  depth: { type: 'int', doc: 'A shallow clone of this many commits' },
  password: { type: 'string', doc: "The user's password (Windows)", unsupported: 'Windows only' },
  update_head: {
    type: 'bool',
    default: true,
    doc: 'Move HEAD to the fetched revision',
    unsupported: 'HEAD is always updated',
  },
  force_checkout: {
    type: 'bool',
    default: false,
    doc: 'Overwrite untracked files in the way of the checkout (git checkout --force)',
  },
  force_fetch: { type: 'bool', default: false, doc: 'Fetch with --force (non-fast-forward)' },
  submodules: { type: 'bool', default: false, doc: 'Update submodules (git submodule update --init --recursive)' },
  bare: { type: 'bool', default: false, doc: 'A bare clone', unsupported: NOT_HERE },
  mirror: { type: 'bool', default: false, doc: 'A mirror clone', unsupported: NOT_HERE },
  fetch_tags: { type: 'bool', default: true, doc: 'Fetch tags (false: --no-tags)' },
  identity: { type: 'str_or_list', doc: 'SSH private key file(s) on the host, the only ones ssh offers' },
  https_user: { type: 'string', doc: 'HTTP basic auth user (https URLs only)' },
  https_pass: { type: 'string', doc: 'HTTP basic auth password (never shown: <redacted>)' },
});

export interface GitOps {
  url: string;
  /** https_pass, hidden wherever git's output is shown. */
  secret?: string;
  target: string;
  /** Directory on disk (target under the root). */
  dir: string;
  user?: string;
  remote: string;
  clone: boolean;
  /** The directory exists and must be emptied first (force_clone). */
  wipe: boolean;
  remoteRev: string;
  revType: RevType;
  rev: string;
  /** Local branch to be on afterwards (undefined: detached at remoteRev). */
  branch?: string;
  localRev: string | null;
  setUrl: boolean;
  forceReset: boolean;
  forceCheckout: boolean;
  forceFetch: boolean;
  fetchTags: boolean;
  submodules: boolean;
  depth?: number;
  /** Who runs git and with which extra environment (identity). */
  who: Who;
}

interface Who {
  user?: string;
  env?: Record<string, string>;
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

function git(ctx: StateContext, who: Who, args: string[], cwd?: string): Promise<RunResult> {
  const argv = who.user ? ['runuser', '-u', who.user, '--', 'git', ...args] : ['git', ...args];
  return ctx.run(argv, { cwd: cwd ?? '/', env: { ...GIT_ENV, ...who.env }, timeoutMs: 600_000 });
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The environment that makes ssh offer only the identity files given (Salt's identity), or an
 * error naming one that does not exist.
 */
async function identityEnv(keys: readonly string[], root: string): Promise<Record<string, string> | string> {
  if (!keys.length) return {};
  for (const k of keys) {
    if (!k.startsWith('/')) return `Identity '${k}' must be an absolute path to a key file on the host`;
    try {
      await fsp.access(join(root, k));
    } catch {
      return `Identity file ${k} does not exist`;
    }
  }
  const opts = keys.map((k) => `-i ${shellQuote(k)}`).join(' ');
  return { GIT_SSH_COMMAND: `ssh -o IdentitiesOnly=yes -o BatchMode=yes ${opts}` };
}

const errText = (r: RunResult): string => (r.stderr || r.stdout || r.error || `exit code ${r.code}`).trim();

/** Text with the password removed, as given and as it appears in a URL. */
function hideSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return [secret, encodeURIComponent(secret)].reduce((t, s) => t.split(s).join('<redacted>'), text);
}

/**
 * https_user/https_pass as git's environment: an Authorization header given in GIT_CONFIG_*
 * variables, so the credentials are in no command line, no log and not in the stored remote URL.
 * HTTPS only, as Salt's add_http_basic_auth.
 */
function basicAuth(name: string, user?: string, pass?: string): Record<string, string> | { error: string } {
  if (user === undefined && pass === undefined) return {};
  if (!/^https:\/\//i.test(name)) return { error: 'Basic Auth only supported for HTTPS' };
  const token = Buffer.from(`${user ?? ''}:${pass ?? ''}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${token}`,
  };
}

/** Salt's _format_comments: sentences joined, with a final period when there are several. */
const formatComments = (c: string[]): string => c.join('. ') + (c.length > 1 ? '.' : '');

async function dirState(dir: string): Promise<'missing' | 'empty' | 'repo' | 'other'> {
  try {
    const entries = await fsp.readdir(dir);
    if (!entries.length) return 'empty';
    return entries.includes('.git') ? 'repo' : 'other';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'other' : 'missing';
  }
}

async function check(args: ArgsOf<typeof ARGS>, ctx: StateContext): Promise<Plan<GitOps>> {
  const url = args.name;
  const auth = basicAuth(url, args.https_user, args.https_pass);
  if ('error' in auth) return failed(auth.error);
  const secret = args.https_pass || undefined;
  const hide = (text: string): string => ctx.redact(hideSecret(text, secret));
  const { target, user, remote, rev } = args;
  if (!target) return failed("Missing required argument 'target'");
  if (!target.startsWith('/')) return failed(`Target '${target}' is not an absolute path`);
  const dir = join(ctx.root, target);
  const optionLikeArg = refuseOptionLike('remote', remote) ?? refuseOptionLike('branch', args.branch);
  if (optionLikeArg) return failed(optionLikeArg);
  const forceReset = flag(args.force_reset);
  const depth = args.depth !== undefined && args.depth > 0 ? args.depth : undefined;
  const env = await identityEnv(args.identity ?? [], ctx.root);
  if (typeof env === 'string') return failed(env);
  const who: Who = { user, env: { ...env, ...auth } };

  const ls = await git(ctx, who, ['ls-remote', '--symref', ...operands(url)]);
  if (ls.code !== 0) return failed(`Failed to check remote refs: ${hide(errText(ls))}`);
  const found = resolveRemoteRev(parseLsRemote(ls.stdout), rev);
  if (!found) return failed(`No revision matching '${rev}' exists in the remote repository`);
  const branch =
    args.branch ??
    (found.type === 'branch'
      ? rev.replace(/^refs\/heads\//, '')
      : found.type === 'head'
        ? parseSymref(ls.stdout)
        : undefined);
  const base: GitOps = {
    url,
    ...(secret ? { secret } : {}),
    target,
    dir,
    user,
    remote,
    clone: false,
    wipe: false,
    remoteRev: found.sha,
    revType: found.type,
    rev,
    branch,
    localRev: null,
    setUrl: false,
    forceReset,
    forceCheckout: args.force_checkout,
    forceFetch: args.force_fetch,
    fetchTags: args.fetch_tags,
    submodules: args.submodules,
    depth,
    who,
  };

  const state = await dirState(dir);
  if (state === 'other' && !args.force_clone) {
    return failed(
      `Target '${target}' exists, is non-empty and is not a git repository. Set the 'force_clone' option to True to remove this directory's contents and proceed with cloning the remote repository`,
    );
  }
  if (state !== 'repo') {
    const changes = { new: `${url} => ${target}` };
    return pending(changes, `Repository ${url} would be cloned to ${target}`, {
      ...base,
      clone: true,
      wipe: state === 'other',
    });
  }

  const head = await git(ctx, who, ['rev-parse', '--verify', '-q', 'HEAD'], dir);
  const localRev = head.code === 0 ? head.stdout.trim() : null;
  const localBranch = (await git(ctx, who, ['symbolic-ref', '-q', '--short', 'HEAD'], dir)).stdout.trim() || undefined;
  const fetchUrl = (await git(ctx, who, ['config', '--get', `remote.${remote}.url`], dir)).stdout.trim();
  const ops: GitOps = { ...base, localRev, setUrl: fetchUrl !== url };
  const branchChange =
    branch !== undefined
      ? branch !== localBranch
      : found.type !== 'head' && localBranch !== undefined && found.type !== 'branch';
  if (localRev === found.sha && !branchChange && !ops.setUrl) return converged(`Repository ${target} is up-to-date`);

  const actions: string[] = [];
  if (ops.setUrl)
    actions.push(
      `Remote '${remote}' would be ${fetchUrl ? `changed from ${hide(fetchUrl)} to` : 'set to'} ${hide(url)}`,
    );
  const changes: Changes = {};
  if (localRev !== found.sha) {
    const dirty = (await git(ctx, who, ['status', '--porcelain', '--untracked-files=no'], dir)).stdout.trim() !== '';
    const known = (await git(ctx, who, ['cat-file', '-e', `${found.sha}^{commit}`], dir)).code === 0;
    let ff: boolean | undefined;
    if (dirty) ff = false;
    else if (!localRev) ff = true;
    else if (known) ff = (await git(ctx, who, ['merge-base', '--is-ancestor', localRev, found.sha], dir)).code === 0;
    if (ff === false && !forceReset) {
      return failed(
        `Repository would be updated from ${shortSha(localRev)} to ${shortSha(found.sha)}, but this is not a fast-forward update` +
          `${dirty ? ' and there are uncommitted changes' : ''}. Set 'force_reset' to True to force this update${dirty ? ' and discard these changes' : ''}.`,
      );
    }
    if (!known) actions.push(`Remote '${remote}' would be fetched`);
    const how = ff === true ? 'fast-forwarded' : forceReset && known ? 'hard-reset' : 'updated';
    actions.push(`Repository would be ${how} from ${shortSha(localRev)} to ${shortSha(found.sha)}`);
    changes.revision = { old: localRev, new: found.sha };
    if (ff === false) changes['forced update'] = true;
  }
  if (branchChange && branch) actions.push(`Branch '${branch}' would be checked out at ${shortSha(found.sha)}`);
  return pending(changes, formatComments(actions), ops);
}

async function apply(plan: Plan<GitOps>, ctx: StateContext): Promise<Outcome> {
  const o = opsOf(plan);
  const fail = (what: string, r: RunResult, changes: Changes = {}): Outcome => ({
    result: false,
    changes,
    comment: `${what}: ${ctx.redact(hideSecret(errText(r), o.secret))}`,
  });
  const comments: string[] = [];
  const changes: Changes = {};
  if (o.clone) {
    if (o.wipe) {
      for (const e of await fsp.readdir(o.dir)) await fsp.rm(join(o.dir, e), { recursive: true, force: true });
    }
    const cloneArgs = ['clone', '--origin', o.remote, ...(o.depth ? ['--depth', String(o.depth)] : [])];
    if (!o.fetchTags) cloneArgs.push('--no-tags');
    if (o.revType === 'branch' || o.revType === 'tag')
      cloneArgs.push('--branch', o.rev.replace(/^refs\/(heads|tags)\//, ''));
    const r = await git(ctx, o.who, [...cloneArgs, '--', o.url, o.dir]);
    if (r.code !== 0) return fail(`Clone failed`, r);
    changes.new = `${o.url} => ${o.target}`;
    comments.push(`${o.url} cloned to ${o.target}${o.depth ? ` with depth ${o.depth}` : ''}`);
  } else {
    if (o.setUrl) {
      const has = (await git(ctx, o.who, ['config', '--get', `remote.${o.remote}.url`], o.dir)).code === 0;
      const r = await git(ctx, o.who, ['remote', has ? 'set-url' : 'add', ...operands(o.remote, o.url)], o.dir);
      if (r.code !== 0) return fail(`Failed to set remote '${o.remote}'`, r);
      comments.push(`Remote '${o.remote}' set to ${ctx.redact(hideSecret(o.url, o.secret))}`);
    }
    const f = await git(
      ctx,
      o.who,
      [
        'fetch',
        o.fetchTags ? '--tags' : '--no-tags',
        ...(o.forceFetch ? ['--force'] : []),
        ...(o.depth ? ['--depth', String(o.depth)] : []),
        ...operands(o.remote),
      ],
      o.dir,
    );
    if (f.code !== 0) return fail(`Fetch failed`, f);
  }
  // Put HEAD on the wanted commit: on the wanted branch, or detached for tags and commits.
  const head = await git(ctx, o.who, ['rev-parse', '--verify', '-q', 'HEAD'], o.dir);
  const before = o.clone ? null : o.localRev;
  const current = head.code === 0 ? head.stdout.trim() : null;
  const localBranch =
    (await git(ctx, o.who, ['symbolic-ref', '-q', '--short', 'HEAD'], o.dir)).stdout.trim() || undefined;
  if (current !== o.remoteRev || (o.branch !== undefined && localBranch !== o.branch)) {
    const ff =
      current === null ||
      (await git(ctx, o.who, ['merge-base', '--is-ancestor', current, o.remoteRev], o.dir)).code === 0;
    const dirty =
      (await git(ctx, o.who, ['status', '--porcelain', '--untracked-files=no'], o.dir)).stdout.trim() !== '';
    if ((!ff || dirty) && !o.forceReset) {
      return {
        result: false,
        changes,
        comment: `Repository would be updated from ${shortSha(current)} to ${shortSha(o.remoteRev)}, but this is not a fast-forward update. Set 'force_reset' to True to force this update.`,
      };
    }
    const step = o.branch
      ? localBranch === o.branch
        ? ff && !dirty
          ? ['merge', '--ff-only', o.remoteRev]
          : ['reset', '--hard', o.remoteRev]
        : ['checkout', ...(o.forceReset || o.forceCheckout ? ['--force'] : []), '-B', o.branch, o.remoteRev]
      : ['checkout', ...(o.forceReset || o.forceCheckout ? ['--force'] : []), '--detach', o.remoteRev];
    const r = await git(ctx, o.who, step, o.dir);
    if (r.code !== 0) return fail(`Failed to update the checkout`, r, changes);
    if (!o.clone)
      comments.push(`Repository was ${ff && !dirty ? 'fast-forwarded' : 'hard-reset'} to ${shortSha(o.remoteRev)}`);
  }
  if (o.submodules) {
    const r = await git(ctx, o.who, ['submodule', 'update', '--init', '--recursive'], o.dir);
    if (r.code !== 0) return fail(`Failed to update submodules`, r, changes);
  }
  const after = await git(ctx, o.who, ['rev-parse', 'HEAD'], o.dir);
  const now = after.code === 0 ? after.stdout.trim() : null;
  if (now !== before) changes.revision = { old: before, new: now };
  if (!comments.length) comments.push(`Repository ${o.target} is up-to-date`);
  return { changes, comment: formatComments(comments) };
}

export const latest = defineState({
  doc: 'A clone of the repository at target is checked out at rev (cloned, fetched, fast-forwarded or reset)',
  args: ARGS,
  check,
  apply,
});

const gitModule: StateModule = { latest };
export default gitModule;
