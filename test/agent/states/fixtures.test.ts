// Fixture-driven state tests: each YAML file under fixtures/<module>/ is one call of a
// state function against a temporary directory used as the filesystem root.
//
//   fun: managed                 # function of the module named by the directory
//   args: {name: /etc/x, ...}    # '{root}' in any string is replaced by the temp root
//   test: false                  # test mode: check only
//   grains / pillar / tree       # tree: salt:// files (path → text)
//   secrets: [s3cret]            # values ctx.redact masks
//   files:                       # the host before the call (paths under the root)
//     /etc/x: "text"             #   a 0644 file
//     /etc/y: {content: "", mode: "0600", uid: 33, gid: 33}
//     /etc/d: {type: directory, mode: "0700"}
//     /etc/l: {type: symlink, target: /etc/x}
//   required_files: [/srv/keep]  # names of file states this one requires (for clean)
//   root_only: true              # skipped unless run as root (chown, runas)
//   pending_requisites: [tag]    # test mode: requisites that would change in this run
//   commands:                    # answers for the commands the call runs (pkg/recorded.ts steps);
//     - {run: locale -a, stdout: "C\nC.utf8"}   # without it commands really run; any other is an error
//   expect:
//     plan: {status, changes, comment, warnings}   # what check returns (given keys only)
//     apply: {result, changes, comment}            # runs apply (pending plan, not test mode)
//     recheck: converged                           # default after apply, when the function re-checks
//     files: {/etc/x: "new text", /gone: null, /etc/d: {type: directory, mode: "0755"}}
//     backups: {/etc/x: 1}                         # number of backup versions kept
//     commands: [locale -a, locale-gen]            # the commands run, in order (with `commands`)
//
// Strings in expectations: '<any>' matches any value, 're:…' a regular expression.
import t from 'tap';
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  symlinkSync,
  chmodSync,
  lchownSync,
  readdirSync,
  readFileSync,
  statSync,
  lstatSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { MemTree } from '../../../agent/store/tree.ts';
import { redact } from '../../../agent/pillar/redact.ts';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { modules } from '../../../agent/states/index.ts';
import { listBackups } from '../../../agent/store/backup.ts';
import type { LowChunk } from '../../../agent/protocol.ts';
import { Recorded, type Step } from './pkg/recorded.ts';

type FileSpec =
  | string
  | {
      type?: 'file' | 'directory' | 'symlink';
      content?: string;
      mode?: string;
      uid?: number;
      gid?: number;
      target?: string;
    };

interface Fixture {
  description?: string;
  fun: string;
  args: Record<string, unknown>;
  test?: boolean;
  grains?: Record<string, unknown>;
  pillar?: Record<string, unknown>;
  tree?: Record<string, string>;
  secrets?: string[];
  files?: Record<string, FileSpec | null>;
  required_files?: string[];
  root_only?: boolean;
  expect: {
    plan?: Record<string, unknown>;
    apply?: Record<string, unknown>;
    recheck?: 'converged' | 'pending' | 'failed' | 'skip';
    files?: Record<string, FileSpec | null>;
    backups?: Record<string, number>;
    /** The commands run, in order (argv joined by spaces). */
    commands?: string[];
  };
  commands?: Step[];
  pending_requisites?: string[];
}

const PASSWD =
  'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nadm:x:4:\nwww-data:x:33:\nnogroup:x:65534:\n';

const here = join(process.cwd(), 'test/agent/states/fixtures');
const isRoot = process.getuid?.() === 0;

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : n.endsWith('.yaml') ? [p] : [];
    })
    .sort();
}

/** Replaces '{root}' in every string of a value. */
function withRoot<T>(v: T, root: string): T {
  if (typeof v === 'string') return v.split('{root}').join(root) as T;
  if (Array.isArray(v)) return v.map((x) => withRoot(x, root)) as T;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [withRoot(k, root), withRoot(x, root)])) as T;
  return v;
}

function layout(root: string, files: Record<string, FileSpec | null>): void {
  for (const [path, spec] of Object.entries(files)) {
    if (spec === null) continue;
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    const s = typeof spec === 'string' ? { content: spec } : spec;
    if (s.type === 'directory') {
      mkdirSync(abs, { recursive: true });
      chmodSync(abs, parseInt(s.mode ?? '0755', 8));
    } else if (s.type === 'symlink') {
      symlinkSync(s.target ?? '', abs);
    } else {
      writeFileSync(abs, s.content ?? '');
      chmodSync(abs, parseInt(s.mode ?? '0644', 8));
    }
    if (s.uid !== undefined || s.gid !== undefined) lchownSync(abs, s.uid ?? -1, s.gid ?? -1);
  }
}

/** Deep comparison where '<any>' and 're:…' strings in `want` are patterns; returns the first mismatch. */
function mismatch(got: unknown, want: unknown, at = '$'): string | undefined {
  if (want === '<any>') return got === undefined ? `${at}: missing` : undefined;
  if (typeof want === 'string' && want.startsWith('re:')) {
    return typeof got === 'string' && new RegExp(want.slice(3)).test(got)
      ? undefined
      : `${at}: ${JSON.stringify(got)} !~ ${want}`;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length)
      return `${at}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`;
    for (let i = 0; i < want.length; i++) {
      const m = mismatch(got[i], want[i], `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (want && typeof want === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return `${at}: ${JSON.stringify(got)} is not an object`;
    const g = got as Record<string, unknown>;
    const keys = new Set([...Object.keys(want), ...Object.keys(g).filter((k) => g[k] !== undefined)]);
    for (const k of keys) {
      const m = mismatch(g[k], (want as Record<string, unknown>)[k], `${at}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return got === want ? undefined : `${at}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`;
}

function actualFile(root: string, path: string): Record<string, unknown> | null {
  const abs = join(root, path);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return null;
  }
  const out: Record<string, unknown> = {
    mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
    uid: st.uid,
    gid: st.gid,
  };
  if (st.isSymbolicLink()) return { ...out, type: 'symlink', target: readlinkSync(abs) };
  if (st.isDirectory()) return { ...out, type: 'directory' };
  return { ...out, type: 'file', content: readFileSync(abs, 'utf8') };
}

/** One message per expected file that does not match (empty when all do). */
function fileMismatches(root: string, files: Record<string, FileSpec | null>): string[] {
  const out: string[] = [];
  for (const [path, spec] of Object.entries(files)) {
    const got = actualFile(root, path);
    if (spec === null) {
      if (got !== null) out.push(`${path} should be absent, found ${JSON.stringify(got)}`);
      continue;
    }
    const want: Record<string, unknown> =
      typeof spec === 'string' ? { type: 'file', content: spec } : { type: 'file', ...spec };
    if (!got) {
      out.push(`${path} is missing`);
      continue;
    }
    const m = mismatch(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]])), want);
    if (m) out.push(`${path}: ${m} (found ${JSON.stringify(got)})`);
  }
  return out;
}

for (const file of walk(here)) {
  const name = relative(here, file).replace(/\.yaml$/, '');
  const mod = name.split('/')[0];
  const fx = parse(readFileSync(file, 'utf8')) as Fixture;
  t.test(
    `${name}${fx.description ? `: ${fx.description}` : ''}`,
    { skip: fx.root_only && !isRoot ? 'needs root' : false },
    async (t) => {
      const root = mkdtempSync(join(tmpdir(), 'halite-fx-'));
      t.teardown(() => rmSync(root, { recursive: true, force: true }));
      const f = withRoot(fx, root);
      const fn = modules[mod]?.[f.fun];
      if (!fn) throw new Error(`no function ${mod}.${f.fun}`);
      layout(root, { '/etc/passwd': PASSWD, '/etc/group': GROUP, ...(f.files ?? {}) });
      const secrets = f.secrets ?? [];
      const chunks: LowChunk[] = (f.required_files ?? []).map((p, i) => ({
        tag: `file_|-req${i}_|-${p}_|-managed`,
        state: 'file',
        fun: 'managed',
        id: `req${i}`,
        name: p,
        sls: 'fx',
        env: 'base',
        order: i,
        args: {},
        meta: {},
        requisites: {},
      }));
      const self: LowChunk = {
        tag: `${mod}_|-fx_|-${String(f.args.name)}_|-${f.fun}`,
        state: mod,
        fun: f.fun,
        id: 'fx',
        name: String(f.args.name),
        sls: 'fx',
        env: 'base',
        order: 1000,
        args: f.args,
        meta: {},
        requisites: { require: chunks.map((c) => c.tag) },
      };
      const recorded = f.commands ? new Recorded(f.commands) : undefined;
      const ctx = makeContext({
        ...(recorded ? { run: recorded.run } : {}),
        test: f.test ?? false,
        ...(f.pending_requisites ? { pendingRequisites: f.pending_requisites } : {}),
        grains: { id: 'minion', ...(f.grains ?? {}) },
        pillar: f.pillar ?? {},
        tree: new MemTree(f.tree ?? {}, name),
        root,
        log: silentLogger,
        redact: (s) => redact(s, secrets),
        chunk: self,
        chunks: [...chunks, self],
      });
      const args = { ...f.args, name: String(f.args.name) };
      const plan = await fn.check(args, ctx);
      if (f.expect.plan)
        t.notOk(mismatch(pick(plan, f.expect.plan), f.expect.plan), 'plan', {
          plan: strip(plan),
          want: f.expect.plan,
          diff: mismatch(pick(plan, f.expect.plan), f.expect.plan),
        });
      if (f.expect.apply) {
        t.equal(plan.status, 'pending', 'plan is pending, so apply runs');
        const out = await fn.apply(plan, ctx);
        const got = {
          result: out.result ?? true,
          changes: out.changes,
          comment: out.comment,
          ...(out.warnings ? { warnings: out.warnings } : {}),
        };
        t.notOk(mismatch(pick(got, f.expect.apply), f.expect.apply), 'apply', {
          outcome: got,
          want: f.expect.apply,
          diff: mismatch(pick(got, f.expect.apply), f.expect.apply),
        });
        const recheck = f.expect.recheck ?? (fn.recheck === false || out.result === false ? 'skip' : 'converged');
        if (recheck !== 'skip') {
          const again = await fn.check(args, ctx);
          t.equal(again.status, recheck, `re-check is ${recheck}`, { plan: strip(again) });
        }
      }
      if (recorded) t.same(recorded.unexpected, [], 'no command beyond the recorded ones');
      if (recorded && f.expect.commands) t.same(recorded.commands(), f.expect.commands, 'commands run');
      if (f.expect.files) t.same(fileMismatches(root, f.expect.files), [], 'files as expected');
      for (const [path, n] of Object.entries(f.expect.backups ?? {})) {
        t.equal((await listBackups(path, { root, ...ctx.backup })).length, n, `${n} backup(s) of ${path}`);
      }
    },
  );
}

function pick(obj: object, like: Record<string, unknown>): Record<string, unknown> {
  const o = obj as Record<string, unknown>;
  return Object.fromEntries(Object.keys(like).map((k) => [k, o[k]]));
}

function strip(plan: object): object {
  const { ops: _ops, ...rest } = plan as Record<string, unknown>;
  return rest;
}
