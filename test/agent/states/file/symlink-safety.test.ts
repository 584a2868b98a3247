// The file states and a symlink planted by someone else: a link owned by another user, or in a
// directory others can write, is never followed (the state fails and says why, the target is
// neither written nor read into a diff); a safe link is followed as Salt does, and whatever is
// replaced, a file or a link, is kept in the backups.
import t from 'tap';
import {
  chmodSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../execute/harness.ts';
import { listBackups, restoreBackup } from '../../../../agent/store/backup.ts';
import { DEFAULT_BACKUP_DIR } from '../../../../agent/store/backup.ts';
import { contentFact } from '../../../../agent/facts/content.ts';
import { run as runCommand } from '../../../../agent/process/run.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { touch } from '../../../../agent/states/file/exists.ts';

const SHADOW = 'root:$6$canary-old-hash:19000:0:99999:7:::\n';

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-symsafe-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/fake-shadow'), SHADOW, { mode: 0o600 });
  return root;
}

/** A directory under root with `mode`, holding `link` -> /etc/fake-shadow owned by `uid`. */
function plant(root: string, dir: string, mode: number, uid: number, dirUid = 0): string {
  mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, dir), mode);
  lchownSync(join(root, dir), dirUid, 0);
  const link = `/${dir}/app.conf`;
  symlinkSync('/etc/fake-shadow', join(root, link));
  lchownSync(join(root, link), uid, uid);
  return link;
}

const managedSls = (name: string, extra = ''): string => `
app:
  file.managed:
    - name: ${name}
    - contents: 'owned: yes'${extra}
`;

const asRoot = process.getuid?.() === 0;
const unsafe: Array<[string, string, number, number, number, RegExp]> = [
  ['a link owned by another user', 'srv/app', 0o755, 1000, 0, /it is owned by uid 1000, not root/],
  [
    'a root link in a sticky world-writable directory',
    'tmp',
    0o1777,
    0,
    0,
    /its directory \/tmp can be written by others \(mode 1777\)/,
  ],
  [
    'a root link in a group-writable directory',
    'srv/shared',
    0o775,
    0,
    0,
    /its directory \/srv\/shared can be written by others \(mode 0775\)/,
  ],
  [
    'a root link in a directory another user owns',
    'home/alice',
    0o755,
    0,
    1000,
    /its directory \/home\/alice is owned by uid 1000/,
  ],
];

for (const [what, dir, mode, uid, dirUid, why] of unsafe) {
  t.test(`file.managed refuses to follow ${what}`, { skip: !asRoot && 'needs root (lchown)' }, async (t) => {
    const root = rooted(t);
    const link = plant(root, dir, mode, uid, dirUid);
    for (const test of [true, false]) {
      const r = (await run(managedSls(link), { test, context: { root } })).byId('app');
      t.equal(r.result, false, `fails (test=${test})`);
      t.match(r.comment, new RegExp(`^Refusing to follow symlink ${link}: ${why.source}`));
      t.notMatch(JSON.stringify(r), /canary/, 'the target is not read into the result');
    }
    t.equal(readFileSync(join(root, 'etc/fake-shadow'), 'utf8'), SHADOW, 'the target is untouched');
    t.equal(readlinkSync(join(root, link)), '/etc/fake-shadow', 'the link is left as it is');
  });
}

t.test('the edit states refuse the same links', { skip: !asRoot && 'needs root (lchown)' }, async (t) => {
  const root = rooted(t);
  const link = plant(root, 'tmp', 0o1777, 1000);
  const sls = `
line:
  file.line:
    - name: ${link}
    - content: 'x'
    - mode: ensure
    - after: 'root:.*'
replace:
  file.replace:
    - name: ${link}
    - pattern: canary
    - repl: gone
append:
  file.append:
    - name: ${link}
    - text: more
`;
  const out = await run(sls, { context: { root } });
  for (const id of ['line', 'replace', 'append']) {
    t.equal(out.byId(id).result, false, id);
    t.match(out.byId(id).comment, /^Refusing to follow symlink \/tmp\/app.conf/, id);
  }
  t.notMatch(JSON.stringify(out.results), /canary/);
  t.equal(readFileSync(join(root, 'etc/fake-shadow'), 'utf8'), SHADOW);
});

t.test('a safe link (root-owned, root-only directory) is followed; the target is backed up first', async (t) => {
  const root = rooted(t);
  const link = plant(root, 'etc/app', 0o755, process.getuid?.() ?? 0, process.getuid?.() ?? 0);
  const r = (await run(managedSls(link), { context: { root } })).byId('app');
  t.equal(r.result, true, r.comment);
  t.equal(readFileSync(join(root, 'etc/fake-shadow'), 'utf8'), 'owned: yes\n');
  t.ok(lstatSync(join(root, link)).isSymbolicLink(), 'the link stays');
  const backups = await listBackups('/etc/fake-shadow', { root, dir: DEFAULT_BACKUP_DIR });
  t.equal(backups.length, 1, 'the replaced target is kept');
  t.equal(readFileSync(backups[0].location, 'utf8'), SHADOW);
});

t.test('follow_symlinks: False replaces the link by a file and keeps the link in the backups', async (t) => {
  const root = rooted(t);
  const link = plant(root, 'etc/app', 0o755, process.getuid?.() ?? 0, process.getuid?.() ?? 0);
  const r = (await run(managedSls(link, '\n    - follow_symlinks: False'), { context: { root } })).byId('app');
  t.equal(r.result, true, r.comment);
  t.ok(lstatSync(join(root, link)).isFile());
  t.equal(readFileSync(join(root, 'etc/fake-shadow'), 'utf8'), SHADOW, 'the old target is untouched');
  const [b] = await listBackups(link, { root, dir: DEFAULT_BACKUP_DIR });
  t.ok(b, 'the replaced link has a backup');
  t.equal(readlinkSync(b.location), '/etc/fake-shadow', 'kept as a link');
  await restoreBackup(link, b.id, { root, dir: DEFAULT_BACKUP_DIR });
  t.equal(readlinkSync(join(root, link)), '/etc/fake-shadow', 'restore puts the link back');
  const again = await listBackups(link, { root, dir: DEFAULT_BACKUP_DIR });
  t.equal(again.length, 2, 'the file the restore replaced is kept too');
});

t.test('file contents are read without following a link', async (t) => {
  const root = rooted(t);
  symlinkSync('/etc/fake-shadow', join(root, 'etc/link'));
  const env = { root, run: runCommand };
  t.equal(await contentFact.gather('/etc/link', env as never), null, 'a link reads as no file');
  t.equal(String(await contentFact.gather('/etc/fake-shadow', env as never)), SHADOW);
});

t.test('file.touch: a link planted between the check and the apply is not followed', async (t) => {
  const root = rooted(t);
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await touch.check({ name: '/tmp/stamp' }, ctx);
  t.equal(plan.status, 'pending', 'nothing there yet: it would be created');
  symlinkSync('/etc/fake-shadow', join(root, 'tmp/stamp'));
  const before = lstatSync(join(root, 'etc/fake-shadow')).mtimeMs;
  await t.rejects(touch.apply(plan, ctx), { code: 'ELOOP' });
  t.equal(lstatSync(join(root, 'etc/fake-shadow')).mtimeMs, before, 'the target is not touched');
  const refused = await run(`stamp:\n  file.touch:\n    - name: /tmp/stamp\n`, { context: { root } });
  t.match(
    refused.byId('stamp').comment,
    /^Refusing to follow symlink \/tmp\/stamp: its directory \/tmp can be written by others/,
  );
});
