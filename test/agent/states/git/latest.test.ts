// git.latest against a real bare repository in a temporary directory.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { latest } from '../../../../agent/states/git.ts';
import { parseLsRemote, parseSymref, resolveRemoteRev } from '../../../../agent/facts/git.ts';
import type { StateArgs } from '../../../../agent/states/types.ts';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@x',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@x',
};
const sh = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function repo(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'halite-git-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const origin = join(dir, 'origin.git');
  const work = join(dir, 'work');
  sh(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  sh(dir, 'clone', '-q', origin, work);
  sh(work, 'checkout', '-q', '-b', 'main');
  const commit = (file: string, text: string): string => {
    writeFileSync(join(work, file), text);
    sh(work, 'add', file);
    sh(work, 'commit', '-q', '-m', `${file}: ${text}`);
    return sh(work, 'rev-parse', 'HEAD');
  };
  return {
    dir,
    origin,
    work,
    commit,
    push: (...refs: string[]) => sh(work, 'push', '-q', '--force', 'origin', ...(refs.length ? refs : ['main'])),
  };
}

const ctx = (test = false) => makeContext({ log: silentLogger, test });

async function converge(args: StateArgs) {
  const plan = await latest.check(args, ctx());
  const out = plan.status === 'pending' ? await latest.apply(plan, ctx()) : undefined;
  return { plan, out, again: await latest.check(args, ctx()) };
}

t.test('ls-remote parsing and revision resolution', async (t) => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const refs = parseLsRemote(
    `ref: refs/heads/main\tHEAD\n${a}\tHEAD\n${a}\trefs/heads/main\n${b}\trefs/tags/v1\n${a}\trefs/tags/v1^{}\n`,
  );
  t.same(resolveRemoteRev(refs, 'HEAD'), { sha: a, type: 'head' });
  t.same(resolveRemoteRev(refs, 'main'), { sha: a, type: 'branch' });
  t.same(resolveRemoteRev(refs, 'v1'), { sha: a, type: 'tag' }, 'annotated tags resolve to their commit');
  t.same(resolveRemoteRev(refs, 'c'.repeat(40)), { sha: 'c'.repeat(40), type: 'sha1' });
  t.equal(resolveRemoteRev(refs, 'nope'), undefined);
  t.equal(parseSymref('ref: refs/heads/main\tHEAD\n'), 'main');
});

t.test('clone, up-to-date, fast-forward', async (t) => {
  const r = repo(t);
  const first = r.commit('a.txt', 'one');
  r.push();
  const target = join(r.dir, 'checkout');
  const args = { name: r.origin, target };
  const test = await latest.check(args, ctx(true));
  t.match(test, {
    status: 'pending',
    changes: { new: `${r.origin} => ${target}` },
    comment: `Repository ${r.origin} would be cloned to ${target}`,
  });
  const cloned = await converge(args);
  t.same(cloned.out, {
    changes: { new: `${r.origin} => ${target}`, revision: { old: null, new: first } },
    comment: `${r.origin} cloned to ${target}`,
  });
  t.match(cloned.again, { status: 'converged', comment: `Repository ${target} is up-to-date` });
  t.equal(readFileSync(join(target, 'a.txt'), 'utf8'), 'one');

  const second = r.commit('a.txt', 'two');
  r.push();
  t.match(await latest.check(args, ctx(true)), {
    status: 'pending',
    changes: { revision: { old: first, new: second } },
    comment: `Remote 'origin' would be fetched. Repository would be updated from ${first.slice(0, 7)} to ${second.slice(0, 7)}.`,
  });
  const ff = await converge(args);
  t.same(ff.out, {
    changes: { revision: { old: first, new: second } },
    comment: `Repository was fast-forwarded to ${second.slice(0, 7)}`,
  });
  t.equal(ff.again.status, 'converged');
  t.equal(readFileSync(join(target, 'a.txt'), 'utf8'), 'two');
});

t.test('a rewritten remote needs force_reset; then it is hard-reset', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  r.push();
  const target = join(r.dir, 'checkout');
  await converge({ name: r.origin, target, rev: 'main' });
  sh(r.work, 'commit', '-q', '--amend', '-m', 'rewritten');
  const rewritten = sh(r.work, 'rev-parse', 'HEAD');
  r.push();
  const plan = await latest.check({ name: r.origin, target, rev: 'main' }, ctx());
  t.equal(plan.status, 'pending', 'not known locally yet: fetched in apply');
  const refused = await latest.apply(plan, ctx());
  t.equal(refused.result, false);
  t.match(refused.comment, /not a fast-forward update\. Set 'force_reset' to True/);
  const again = await latest.check({ name: r.origin, target, rev: 'main' }, ctx());
  t.match(again, { status: 'failed', comment: /not a fast-forward update/ }, 'once fetched, check itself refuses');
  const forced = await converge({ name: r.origin, target, rev: 'main', force_reset: true });
  t.match(forced.out, {
    changes: { revision: { new: rewritten } },
    comment: `Repository was hard-reset to ${rewritten.slice(0, 7)}`,
  });
  t.equal(forced.again.status, 'converged');
});

t.test('local uncommitted changes block an update unless force_reset', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  r.push();
  const target = join(r.dir, 'checkout');
  await converge({ name: r.origin, target });
  r.commit('a.txt', 'two');
  r.push();
  sh(target, 'fetch', '-q');
  writeFileSync(join(target, 'a.txt'), 'local edit');
  t.match(await latest.check({ name: r.origin, target }, ctx()), { status: 'failed', comment: /uncommitted changes/ });
  const forced = await converge({ name: r.origin, target, force_reset: true });
  t.equal(forced.out?.result, undefined);
  t.equal(readFileSync(join(target, 'a.txt'), 'utf8'), 'two');
});

t.test('tags, missing revisions, and a non-repository target', async (t) => {
  const r = repo(t);
  const one = r.commit('a.txt', 'one');
  sh(r.work, 'tag', '-a', 'v1', '-m', 'v1');
  r.commit('a.txt', 'two');
  r.push('main', 'v1');
  const target = join(r.dir, 'checkout');
  const tagged = await converge({ name: r.origin, target, rev: 'v1' });
  t.match(tagged.out, { changes: { revision: { new: one } } });
  t.equal(tagged.again.status, 'converged');
  t.match(await latest.check({ name: r.origin, target, rev: 'v9' }, ctx()), {
    status: 'failed',
    comment: "No revision matching 'v9' exists in the remote repository",
  });
  const other = join(r.dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'x'), '');
  t.match(await latest.check({ name: r.origin, target: other }, ctx()), {
    status: 'failed',
    comment: /exists, is non-empty and is not a git repository/,
  });
  const forced = await converge({ name: r.origin, target: other, force_clone: true });
  t.equal(forced.again.status, 'converged');
  t.match(await latest.check({ name: join(r.dir, 'missing.git'), target }, ctx()), {
    status: 'failed',
    comment: /^Failed to check remote refs/,
  });
});
