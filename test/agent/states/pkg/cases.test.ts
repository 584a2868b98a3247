// Fixture-driven checks of pkg, pkgrepo, debconf and the language package states (pip, npm, gem,
// pecl) against recorded command output.
// Each YAML file under fixtures/cases is one call:
//
//   mod: pkg                     # state module (default pkg)
//   fun: installed
//   args: {name: memcached}
//   test: false                  # test mode (check only)
//   pending_requisites: [tag]    # test mode: requisites of the state that would change first
//   files: {/etc/apt/x.list: "…"} # the host's files before the call (under a temp root)
//   tree: {app/requirements.txt: "…"} # salt:// files of the state tree
//   secrets: [s3cret]            # values ctx.redact masks
//   commands: [{run, stdout, stdout_append, drop, stderr, code, input}]
//                                # see recorded.ts; {root} in run = the temp root
//   expect:
//     plan: {status, changes, comment, warnings}   # given keys only
//     apply: {result, changes, comment}
//     recheck: converged | pending | failed | skip  # default: converged after a successful apply
//     ran: ["apt-get … install memcached"]          # commands that must have run ('re:…' allowed)
//     not_ran: ["re:^apt-get .*update"]
//     files: {/path: "text" | null}
//
// Strings in expectations: '<any>' matches anything present, 're:…' a regular expression.
import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { MemTree } from '../../../../agent/store/tree.ts';
import { modules } from '../../../../agent/states/index.ts';
import { Recorded, type Step } from './recorded.ts';

interface Fixture {
  description?: string;
  mod?: string;
  fun: string;
  args: Record<string, unknown>;
  test?: boolean;
  pending_requisites?: string[];
  files?: Record<string, string | { content: string; mtime?: number }>;
  tree?: Record<string, string>;
  secrets?: string[];
  commands?: Step[];
  expect: {
    plan?: Record<string, unknown>;
    apply?: Record<string, unknown>;
    recheck?: 'converged' | 'pending' | 'failed' | 'skip';
    ran?: string[];
    not_ran?: string[];
    files?: Record<string, string | null>;
  };
}

const here = join(process.cwd(), 'test/agent/states/pkg/fixtures/cases');

export function mismatch(got: unknown, want: unknown, at = '$'): string | undefined {
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

function pick(obj: object, like: Record<string, unknown>): Record<string, unknown> {
  const o = obj as Record<string, unknown>;
  return Object.fromEntries(Object.keys(like).map((k) => [k, o[k]]));
}

function readOrNull(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

for (const file of readdirSync(here)
  .filter((n) => n.endsWith('.yaml'))
  .sort()) {
  const fx = parse(readFileSync(join(here, file), 'utf8')) as Fixture;
  const mod = fx.mod ?? 'pkg';
  t.test(`${file.replace(/\.yaml$/, '')}${fx.description ? `: ${fx.description}` : ''}`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'halite-pkg-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    for (const [path, spec] of Object.entries(fx.files ?? {})) {
      const abs = join(root, path);
      mkdirSync(dirname(abs), { recursive: true });
      const s = typeof spec === 'string' ? { content: spec } : spec;
      writeFileSync(abs, s.content);
      if (s.mtime !== undefined) utimesSync(abs, s.mtime, s.mtime);
    }
    const fn = modules[mod]?.[fx.fun];
    if (!fn) throw new Error(`no function ${mod}.${fx.fun}`);
    const rec = new Recorded((fx.commands ?? []).map((c) => ({ ...c, run: c.run.split('{root}').join(root) })));
    const secrets = fx.secrets ?? [];
    const ctx = makeContext({
      test: fx.test ?? false,
      root,
      run: rec.run,
      log: silentLogger,
      tree: new MemTree(fx.tree ?? {}),
      backup: { dir: '/var/lib/halite/backup', keep: 3 },
      redact: (s) => secrets.reduce((acc, x) => acc.split(x).join('**REDACTED**'), s),
      ...(fx.pending_requisites ? { pendingRequisites: fx.pending_requisites } : {}),
    });
    const args = { ...fx.args, name: String(fx.args.name) };
    const plan = await fn.check(args, ctx);
    const { ops: _ops, ...shownPlan } = plan;
    if (fx.expect.plan) {
      const m = mismatch(pick(plan, fx.expect.plan), fx.expect.plan);
      t.notOk(m, 'plan', { plan: shownPlan, diff: m });
    }
    if (fx.expect.apply) {
      t.equal(plan.status, 'pending', 'plan is pending, so apply runs');
      if (plan.status === 'pending') {
        const out = await fn.apply(plan, ctx);
        const got = { result: out.result ?? true, changes: out.changes, comment: out.comment };
        const m = mismatch(pick(got, fx.expect.apply), fx.expect.apply);
        t.notOk(m, 'apply', { outcome: got, diff: m });
        const recheck = fx.expect.recheck ?? (out.result === false ? 'skip' : 'converged');
        if (recheck !== 'skip') {
          const again = await fn.check(args, ctx);
          t.equal(again.status, recheck, `re-check is ${recheck}`, { comment: again.comment });
        }
      }
    }
    const cmds = rec.commands();
    for (const want of fx.expect.ran ?? []) {
      t.ok(
        cmds.some((c) => !mismatch(c, want)),
        `ran ${want}`,
        { commands: cmds },
      );
    }
    for (const want of fx.expect.not_ran ?? []) {
      t.notOk(
        cmds.some((c) => !mismatch(c, want)),
        `did not run ${want}`,
        { commands: cmds },
      );
    }
    t.same(rec.unexpected, [], 'no unexpected commands');
    for (const [path, want] of Object.entries(fx.expect.files ?? {})) {
      const got = readOrNull(join(root, path));
      t.notOk(mismatch(got, want), `file ${path}`, { got, want });
    }
  });
}
