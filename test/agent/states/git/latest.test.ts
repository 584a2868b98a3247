// git.latest against a real bare repository in a temporary directory.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
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

t.test('fetch_tags: false clones and fetches without tags', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  sh(r.work, 'tag', 'v1');
  r.push('main', 'v1');
  const target = join(r.dir, 'checkout');
  await converge({ name: r.origin, target, fetch_tags: false });
  t.equal(sh(target, 'tag', '--list'), '', 'no tags cloned');
  r.commit('a.txt', 'two');
  sh(r.work, 'tag', 'v2');
  r.push('main', 'v2');
  const out = await converge({ name: r.origin, target, fetch_tags: false });
  t.equal(out.again.status, 'converged');
  t.equal(sh(target, 'tag', '--list'), '', 'no tags fetched');
  await converge({ name: r.origin, target: join(r.dir, 'tagged') });
  t.equal(sh(join(r.dir, 'tagged'), 'tag', '--list'), 'v1\nv2', 'tags by default');
});

t.test('force_fetch: a tag moved on the remote is fetched only with it', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  sh(r.work, 'tag', 'v1');
  r.push('main', 'v1');
  const target = join(r.dir, 'checkout');
  await converge({ name: r.origin, target, rev: 'v1' });
  const two = r.commit('a.txt', 'two');
  sh(r.work, 'tag', '-f', 'v1');
  r.push('main', '--tags');
  const refused = await converge({ name: r.origin, target, rev: 'v1' });
  t.match(refused.out, { result: false, comment: /^Fetch failed: .*would clobber existing tag/s });
  const forced = await converge({ name: r.origin, target, rev: 'v1', force_fetch: true });
  t.match(forced.out, { changes: { revision: { new: two } } });
  t.equal(forced.again.status, 'converged');
});

t.test('force_checkout: untracked files in the way of a branch checkout are overwritten', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  r.push('main');
  sh(r.work, 'checkout', '-q', '-b', 'other');
  const other = r.commit('b.txt', 'from the branch');
  r.push('other');
  const target = join(r.dir, 'checkout');
  await converge({ name: r.origin, target });
  writeFileSync(join(target, 'b.txt'), 'untracked here');
  const plain = await latest.apply(await latest.check({ name: r.origin, target, rev: 'other' }, ctx()), ctx());
  t.match(plain, { result: false, comment: /untracked working tree files would be overwritten/ });
  const forced = await converge({ name: r.origin, target, rev: 'other', force_checkout: true });
  t.match(forced.out, { changes: { revision: { new: other } } });
  t.equal(readFileSync(join(target, 'b.txt'), 'utf8'), 'from the branch');
});

t.test('submodules: checked out recursively after the clone and after updates', async (t) => {
  const r = repo(t);
  // a file:// submodule needs git's permission, as a user of local submodules gives it
  const saved = { ...process.env };
  Object.assign(process.env, {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'protocol.file.allow',
    GIT_CONFIG_VALUE_0: 'always',
  });
  t.teardown(() => {
    for (const k of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const sub = repo(t);
  sub.commit('lib.txt', 'lib one');
  sub.push('main');
  r.commit('a.txt', 'one');
  execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', `file://${sub.origin}`, 'lib'], {
    cwd: r.work,
    env: ENV,
  });
  sh(r.work, 'commit', '-q', '-m', 'submodule');
  r.push('main');
  const target = join(r.dir, 'checkout');
  const plainTarget = join(r.dir, 'plain');
  await converge({ name: r.origin, target: plainTarget });
  t.notOk(existsSync(join(plainTarget, 'lib/lib.txt')), 'without submodules, none is checked out');
  const out = await converge({ name: r.origin, target, submodules: true });
  t.equal(out.out?.result, undefined);
  t.equal(readFileSync(join(target, 'lib/lib.txt'), 'utf8'), 'lib one');
  sub.commit('lib.txt', 'lib two');
  sub.push('main');
  execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--remote', 'lib'], {
    cwd: r.work,
    env: ENV,
  });
  sh(r.work, 'commit', '-q', '-am', 'newer lib');
  r.push('main');
  await converge({ name: r.origin, target, submodules: true });
  t.equal(readFileSync(join(target, 'lib/lib.txt'), 'utf8'), 'lib two');
});

t.test('identity: ssh offers only the key files given', async (t) => {
  const r = repo(t);
  r.commit('a.txt', 'one');
  r.push('main');
  // an ssh stand-in earlier in PATH: it logs its arguments and runs the remote command locally
  const bin = join(r.dir, 'bin');
  mkdirSync(bin);
  const log = join(r.dir, 'ssh.log');
  writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "$@" >> ${log}\nfor last; do :; done\nexec sh -c "$last"\n`, {
    mode: 0o755,
  });
  const key = join(r.dir, "my key's");
  writeFileSync(key, 'not a real key\n', { mode: 0o600 });
  const savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath}`;
  t.teardown(() => void (process.env.PATH = savedPath));
  const target = join(r.dir, 'checkout');
  const out = await converge({ name: `ssh://git.example/${r.origin}`, target, identity: key });
  t.match(out.out, { changes: { new: `ssh://git.example/${r.origin} => ${target}` } });
  t.equal(out.again.status, 'converged');
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  t.ok(lines.length >= 2, 'ls-remote and clone went through ssh');
  for (const l of lines) t.match(l, `-o IdentitiesOnly=yes -o BatchMode=yes -i ${key} `);
  t.match(await latest.check({ name: r.origin, target, identity: '/nonexistent/key' }, ctx()), {
    status: 'failed',
    comment: 'Identity file /nonexistent/key does not exist',
  });
});

t.test('https_user/https_pass: sent as basic auth, never shown nor stored', async (t) => {
  const r = repo(t);
  const one = r.commit('a.txt', 'one');
  r.push('main');
  sh(r.origin, 'update-server-info');
  const pass = 'pa:ss/wörd';
  const expected = `Basic ${Buffer.from(`deploy:${pass}`).toString('base64')}`;
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-keyout', join(r.dir, 'key.pem'), '-out', join(r.dir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  // a dumb-HTTP git server on loopback that wants the credentials
  const server = createServer(
    { key: readFileSync(join(r.dir, 'key.pem')), cert: readFileSync(join(r.dir, 'cert.pem')) },
    (req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
        return;
      }
      const path = join(r.origin, decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname));
      try {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(readFileSync(path));
      } catch {
        res.writeHead(404).end();
      }
    },
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.teardown(() => server.close());
  const savedNoVerify = process.env.GIT_SSL_NO_VERIFY;
  process.env.GIT_SSL_NO_VERIFY = '1';
  t.teardown(() => {
    if (savedNoVerify === undefined) delete process.env.GIT_SSL_NO_VERIFY;
    else process.env.GIT_SSL_NO_VERIFY = savedNoVerify;
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const target = join(r.dir, 'checkout');
  const denied = await latest.check({ name: url, target }, ctx());
  t.match(denied, { status: 'failed', comment: /^Failed to check remote refs/ });
  const args = { name: url, target, https_user: 'deploy', https_pass: pass };
  const out = await converge(args);
  t.match(out.out, { changes: { new: `${url} => ${target}`, revision: { new: one } } });
  t.equal(out.again.status, 'converged');
  const stored = readFileSync(join(target, '.git/config'), 'utf8');
  t.notMatch(stored, 'deploy', 'no credentials in the stored remote');
  const shown = JSON.stringify([out.out, out.plan.changes, out.plan.comment, out.again.comment]);
  t.notMatch(shown, pass);
  t.notMatch(shown, expected.slice(6), 'nor the header');
  t.match(await latest.check({ name: r.origin, target, https_user: 'u', https_pass: 'p' }, ctx()), {
    status: 'failed',
    comment: 'Basic Auth only supported for HTTPS',
  });
});
