// archive.extracted on real archives: each case builds its tar or zip with the host's tools in a
// temporary state tree, lays out the target under a temporary root, and runs check (and apply,
// then check again) with the real tar and unzip. Each case names the Salt test or doc it follows.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FsTree } from '../../../agent/store/tree.ts';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { extracted } from '../../../agent/states/archive.ts';
import { HASH_RECORDS } from '../../../agent/states/archive-fs.ts';

const has = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The app-1.0 archive: one top-level directory holding a file, a subdirectory and a link. */
const APP: Record<string, string> = {
  'app-1.0/README': 'read me\n',
  'app-1.0/bin/run': '#!/bin/sh\necho run\n',
};

interface Case {
  desc: string;
  /** Members of the archive (path → text); a value '@link:target' makes a symlink. */
  archive?: Record<string, string>;
  /** File name of the archive in the state tree: its extension picks the format. */
  file?: string;
  args: Record<string, unknown>;
  /** Paths under the root before the call: text, or null for a directory. */
  before?: Record<string, string | null>;
  test?: boolean;
  /** A second call of the same state first (so the case sees the state after it). */
  twice?: boolean;
  plan: { status: string; comment?: string | RegExp; changes?: Record<string, unknown> };
  apply?: { result?: boolean; comment?: string | RegExp; changes?: Record<string, unknown> };
  /** After apply: path → text, null for a directory, false for absent. */
  after?: Record<string, string | null | false>;
  needs?: string;
}

const cases: Case[] = [
  {
    desc: 'a fresh target: extracted, the new directory and the members reported (Salt: tests/pytests/functional/states/test_archive.py test_archive_extracted; salt/states/archive.py "extracted to")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    plan: {
      status: 'pending',
      comment: 'Archive salt://app.tar.gz would be extracted to /srv/app/, due to absence of one or more files/dirs',
    },
    apply: {
      comment: 'salt://app.tar.gz extracted to /srv/app/, due to absence of one or more files/dirs',
      changes: {
        directories_created: ['/srv/app/'],
        extracted_files: ['app-1.0/', 'app-1.0/README', 'app-1.0/bin/', 'app-1.0/bin/run'],
      },
    },
    after: { '/srv/app/app-1.0/README': 'read me\n', '/srv/app/app-1.0/bin/run': '#!/bin/sh\necho run\n' },
  },
  {
    desc: 'every member present: nothing to do, whatever their contents (archive.py "All files in archive are already present")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    before: { '/srv/app/app-1.0/README': 'edited\n', '/srv/app/app-1.0/bin/run': 'x' },
    plan: { status: 'converged', comment: 'All files in archive are already present' },
  },
  {
    desc: 'one member missing: extracted again (archive.py _add_explanation "due to absence of one or more files/dirs")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    before: { '/srv/app/app-1.0/README': 'read me\n' },
    plan: { status: 'pending', comment: /due to absence of one or more files\/dirs$/ },
    apply: { comment: 'salt://app.tar.gz extracted to /srv/app/, due to absence of one or more files/dirs' },
    after: { '/srv/app/app-1.0/bin/run': '#!/bin/sh\necho run\n' },
  },
  {
    desc: 'test mode reports the extraction and writes nothing (test_archive.py test_extracted with test=True)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    test: true,
    plan: { status: 'pending', comment: /^Archive salt:\/\/app.tar.gz would be extracted to \/srv\/app\// },
    after: { '/srv/app': false },
  },
  {
    desc: 'a tar-bomb is refused unless enforce_toplevel is false (archive.py enforce_toplevel)',
    archive: { 'a.txt': 'a', 'b/c.txt': 'c' },
    args: { name: '/srv/bomb', source: 'salt://bomb.tar' },
    file: 'bomb.tar',
    plan: { status: 'failed', comment: /^Archive does not have a single top-level directory\. .*'tar-bomb'/ },
  },
  {
    desc: 'enforce_toplevel false extracts an archive with several top-level members (archive.py enforce_toplevel)',
    archive: { 'a.txt': 'a', 'b/c.txt': 'c' },
    file: 'bomb.tar',
    args: { name: '/srv/bomb', source: 'salt://bomb.tar', enforce_toplevel: false },
    plan: { status: 'pending' },
    apply: { comment: /^salt:\/\/bomb.tar extracted to \/srv\/bomb\// },
    after: { '/srv/bomb/a.txt': 'a', '/srv/bomb/b/c.txt': 'c' },
  },
  {
    desc: '--strip-components in options: the listing is compared stripped, as Salt reads it from options (test_archive.py test_extracted_tar strip_components)',
    archive: APP,
    args: { name: '/srv/flat', source: 'salt://app.tar.gz', options: '--strip-components=1', enforce_toplevel: false },
    before: { '/srv/flat/README': 'x', '/srv/flat/bin/run': 'y' },
    plan: { status: 'converged', comment: 'All files in archive are already present' },
  },
  {
    desc: 'if_missing present: not extracted (archive.py "{if_missing} exists")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', if_missing: '/srv/app/.done' },
    before: { '/srv/app/.done': '' },
    plan: { status: 'converged', comment: '/srv/app/.done exists' },
  },
  {
    desc: 'a source_hash that does not match fails before anything is extracted (file.managed: "does not match real sum")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', source_hash: `sha256=${'0'.repeat(64)}` },
    plan: {
      status: 'failed',
      comment: /^File sum set for file salt:\/\/app.tar.gz of 0{64} does not match real sum of [0-9a-f]{64}$/,
    },
  },
  {
    desc: 'a hash file in the tree names the archive (archive.py source_hash as a hash-file URI; source_hash_name)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', source_hash: 'salt://SHA256SUMS' },
    plan: { status: 'pending' },
    apply: { comment: /extracted to \/srv\/app\// },
  },
  {
    desc: 'source_hash_update: a changed hash extracts again though every file is present (archive.py "due to source_hash update")',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', source_hash: 'salt://SHA256SUMS', source_hash_update: true },
    before: { '/srv/app/app-1.0/README': 'old\n', '/srv/app/app-1.0/bin/run': 'old' },
    plan: {
      status: 'pending',
      comment: 'Archive salt://app.tar.gz would be extracted to /srv/app/, due to source_hash update',
    },
    apply: { comment: 'salt://app.tar.gz extracted to /srv/app/, due to source_hash update' },
    after: { '/srv/app/app-1.0/README': 'read me\n' },
  },
  {
    desc: 'a file where the archive has a directory fails without force (archive.py incorrect type)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    before: { '/srv/app/app-1.0/bin': 'not a dir' },
    plan: {
      status: 'failed',
      comment: /exist, but are the incorrect type .* set 'force' to True.*\n\n- app-1.0\/bin$/s,
    },
  },
  {
    desc: 'force removes the path of the wrong type, then extracts (archive.py force)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', force: true },
    before: { '/srv/app/app-1.0/bin': 'not a dir' },
    plan: { status: 'pending' },
    apply: { changes: { removed: ['/srv/app/app-1.0/bin'] } },
    after: { '/srv/app/app-1.0/bin/run': '#!/bin/sh\necho run\n' },
  },
  {
    desc: "clean removes the archive's top-level paths first, files the archive lacks with them (archive.py clean)",
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', clean: true, overwrite: true },
    before: {
      '/srv/app/app-1.0/README': 'x',
      '/srv/app/app-1.0/bin/run': 'y',
      '/srv/app/app-1.0/stale': 'z',
      '/srv/app/other': 'kept',
    },
    plan: {
      status: 'pending',
      comment: 'Archive salt://app.tar.gz would be extracted to /srv/app/, after cleaning destination path(s)',
    },
    apply: { changes: { removed: ['/srv/app/app-1.0'] } },
    after: { '/srv/app/app-1.0/stale': false, '/srv/app/other': 'kept', '/srv/app/app-1.0/README': 'read me\n' },
  },
  {
    desc: 'a local source on the host, format given (archive.py archive_format; local sources are not cached)',
    archive: APP,
    args: { name: '/srv/local', source: '/var/tmp/app.bin', archive_format: 'tar' },
    plan: { status: 'pending' },
    apply: { comment: /^\/var\/tmp\/app.bin extracted to \/srv\/local\// },
    after: { '/srv/local/app-1.0/README': 'read me\n' },
  },
  {
    desc: 'a format that cannot be guessed fails in Salt\'s words (archive.py "Could not guess archive_format")',
    archive: APP,
    args: { name: '/srv/local', source: '/var/tmp/app.bin' },
    plan: { status: 'failed', comment: /^Could not guess archive_format/ },
  },
  {
    desc: 'a missing source fails (file.source_list)',
    args: { name: '/srv/app', source: 'salt://nope.tar.gz' },
    plan: { status: 'failed', comment: "Source file 'salt://nope.tar.gz' not found" },
  },
  {
    desc: 'a download is refused: sources here are salt:// or local',
    args: { name: '/srv/app', source: 'https://example.invalid/app.tar.gz' },
    plan: { status: 'failed', comment: /only salt:\/\/ and local sources are supported here/ },
  },
  {
    desc: 'a member with .. is refused before extraction',
    archive: { '../escape.txt': 'x' },
    file: 'evil.tar',
    args: { name: '/srv/app', source: 'salt://evil.tar', enforce_toplevel: false },
    plan: { status: 'failed', comment: /points outside the target directory/ },
  },
  {
    desc: 'a signature argument fails the state rather than extract unverified',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', signature: 'salt://app.tar.gz.asc' },
    plan: { status: 'failed', comment: /^Signature verification is not supported here/ },
  },
  {
    desc: 'trim_output keeps the first N extracted names (archive.py trim_output)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz', trim_output: 2 },
    plan: { status: 'pending' },
    apply: { changes: { directories_created: ['/srv/app/'], extracted_files: ['app-1.0/', 'app-1.0/README'] } },
  },
  {
    desc: 'a second run after extraction changes nothing (Salt: tests/pytests/functional/states/test_archive.py, idempotence by listing)',
    archive: APP,
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    twice: true,
    plan: { status: 'converged', comment: 'All files in archive are already present' },
  },
  {
    desc: 'names tar lists escaped (UTF-8, spaces) are found in the target: a second run changes nothing',
    archive: { ...APP, 'app-1.0/café au lait.txt': 'x', 'app-1.0/back\\slash': 'y' },
    args: { name: '/srv/app', source: 'salt://app.tar.gz' },
    twice: true,
    plan: { status: 'converged', comment: 'All files in archive are already present' },
  },
  {
    desc: 'a zip archive through unzip, links included (archive.py ZIP handling: cmd_unzip)',
    archive: { ...APP, 'app-1.0/latest': '@link:README', 'app-1.0/café.txt': 'c' },
    file: 'app.zip',
    needs: 'zip',
    args: { name: '/srv/zip', source: 'salt://app.zip' },
    plan: { status: 'pending' },
    apply: { comment: 'salt://app.zip extracted to /srv/zip/, due to absence of one or more files/dirs' },
    after: { '/srv/zip/app-1.0/README': 'read me\n', '/srv/zip/app-1.0/bin/run': '#!/bin/sh\necho run\n' },
  },
];

function build(dir: string, members: Record<string, string>, file: string): void {
  const src = mkdtempSync(join(tmpdir(), 'halite-arc-src-'));
  try {
    for (const [p, v] of Object.entries(members)) {
      const abs = join(src, p.replace(/^\.\.\//, ''));
      mkdirSync(dirname(abs), { recursive: true });
      if (v.startsWith('@link:')) symlinkSync(v.slice(6), abs);
      else writeFileSync(abs, v);
    }
    const out = join(dir, file);
    const tops = [...new Set(Object.keys(members).map((p) => p.replace(/^\.\.\//, '').split('/')[0]))].sort();
    if (file.endsWith('.zip')) execFileSync('zip', ['-qry', out, ...tops], { cwd: src });
    else if (Object.keys(members).some((p) => p.startsWith('../')))
      execFileSync('tar', ['-cf', out, '--transform', 's,^,../,', ...tops], { cwd: src });
    else execFileSync('tar', [file.endsWith('.gz') ? '-czf' : '-cf', out, ...tops], { cwd: src });
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

function matches(got: unknown, want: string | RegExp | undefined): boolean {
  return want === undefined || (want instanceof RegExp ? want.test(String(got)) : got === want);
}

for (const c of cases) {
  t.test(c.desc, { skip: c.needs && !has(c.needs) ? `needs ${c.needs}` : false }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'halite-arc-root-'));
    const states = mkdtempSync(join(tmpdir(), 'halite-arc-tree-'));
    t.teardown(() => {
      rmSync(root, { recursive: true, force: true });
      rmSync(states, { recursive: true, force: true });
    });
    const file = c.file ?? 'app.tar.gz';
    if (c.archive) {
      build(states, c.archive, file);
      const sum = createHash('sha256')
        .update(readFileSync(join(states, file)))
        .digest('hex');
      writeFileSync(join(states, 'SHA256SUMS'), `${'1'.repeat(64)}  other.tar.gz\n${sum}  ./dist/${file}\n`);
      mkdirSync(join(root, 'var/tmp'), { recursive: true });
      writeFileSync(join(root, 'var/tmp/app.bin'), readFileSync(join(states, file)));
    }
    for (const [p, v] of Object.entries(c.before ?? {})) {
      const abs = join(root, p);
      if (v === null) mkdirSync(abs, { recursive: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, v);
      }
    }
    if (c.args.source_hash_update) {
      // an extraction of an earlier archive was recorded
      const records = join(root, HASH_RECORDS);
      mkdirSync(records, { recursive: true });
      const probe = makeContext({ root, tree: new FsTree(states), log: silentLogger });
      const first = await extracted.check({ ...c.args, name: String(c.args.name), overwrite: true }, probe);
      await extracted.apply(first, probe);
      for (const f of readdirSync(records)) writeFileSync(join(records, f), `sha256:${'2'.repeat(64)}\n`);
      writeFileSync(join(root, 'srv/app/app-1.0/README'), 'old\n');
    }
    const ctx = makeContext({ root, tree: new FsTree(states), log: silentLogger, test: c.test ?? false });
    const args = { ...c.args, name: String(c.args.name) };
    if (c.twice) await extracted.apply(await extracted.check(args, ctx), ctx);
    const plan = await extracted.check(args, ctx);
    t.equal(plan.status, c.plan.status, 'plan status', { comment: plan.comment });
    t.ok(matches(plan.comment, c.plan.comment), 'plan comment', { got: plan.comment, want: String(c.plan.comment) });
    if (c.plan.changes) t.same(plan.changes, c.plan.changes, 'plan changes');
    if (c.apply) {
      const out = await extracted.apply(plan, ctx);
      t.equal(out.result ?? true, c.apply.result ?? true, 'apply result', { comment: out.comment });
      t.ok(matches(out.comment, c.apply.comment), 'apply comment', { got: out.comment, want: String(c.apply.comment) });
      if (c.apply.changes) t.match(out.changes, c.apply.changes, 'apply changes');
      if ((out.result ?? true) && !c.args.overwrite) {
        const again = await extracted.check(args, ctx);
        t.equal(again.status, 'converged', 'a second check finds nothing to do', { comment: again.comment });
      }
    }
    for (const [p, v] of Object.entries(c.after ?? {})) {
      const abs = join(root, p);
      if (v === false) t.notOk(existsSync(abs), `${p} absent`);
      else if (v === null) t.ok(lstatSync(abs).isDirectory(), `${p} is a directory`);
      else t.equal(readFileSync(abs, 'utf8'), v, `${p} contents`);
    }
  });
}

const notRoot = process.getuid?.() !== 0 ? 'chown needs root' : false;
t.test(
  'user and group own what was extracted, recursively; a later ownership drift is repaired alone',
  { skip: notRoot },
  async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'halite-arc-root-'));
    const states = mkdtempSync(join(tmpdir(), 'halite-arc-tree-'));
    t.teardown(() => {
      rmSync(root, { recursive: true, force: true });
      rmSync(states, { recursive: true, force: true });
    });
    build(states, APP, 'app.tar.gz');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/false\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nwww-data:x:33:\n');
    const ctx = makeContext({ root, tree: new FsTree(states), log: silentLogger });
    const args = { name: '/srv/app', source: 'salt://app.tar.gz', user: 'www-data', group: 'www-data' };
    const out = await extracted.apply(await extracted.check(args, ctx), ctx);
    t.equal(out.changes['updated ownership'], true);
    t.equal(lstatSync(join(root, 'srv/app/app-1.0/bin/run')).uid, 33, 'a nested file is owned');
    t.equal(lstatSync(join(root, 'srv/app')).uid, 33, 'the target directory the state created too');
    t.equal((await extracted.check(args, ctx)).status, 'converged');
    execFileSync('chown', ['0:0', join(root, 'srv/app/app-1.0/README')]);
    const drift = await extracted.check(args, ctx);
    t.equal(drift.status, 'pending');
    t.equal(
      drift.comment,
      'All files in archive are already present. Ownership would be updated on one or more files/directories.',
    );
    const fixed = await extracted.apply(drift, ctx);
    t.same(fixed.changes, { 'updated ownership': true });
    t.equal(fixed.comment, 'All files in archive are already present');
    t.equal(lstatSync(join(root, 'srv/app/app-1.0/README')).uid, 33);
  },
);

t.test(
  'test mode without unzip, the package bringing it about to be installed: the extraction is planned',
  async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'halite-arc-root-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const tree = new FsTree(root);
    writeFileSync(join(root, 'app.zip'), 'PK\u0003\u0004');
    const noUnzip = async (argv: string[]) => ({
      argv,
      code: 127,
      stdout: '',
      stderr: 'unzip: not found',
      timedOut: false,
    });
    const args = { name: '/srv/zip', source: 'salt://app.zip' };
    const pendingPkg = makeContext({
      root,
      tree,
      log: silentLogger,
      test: true,
      run: noUnzip,
      pendingRequisites: ['pkg_|-unzip_|-unzip_|-installed'],
    });
    const plan = await extracted.check(args, pendingPkg);
    t.equal(plan.status, 'pending');
    t.equal(plan.comment, 'Archive salt://app.zip would be extracted to /srv/zip/');
    const alone = makeContext({ root, tree, log: silentLogger, test: true, run: noUnzip });
    const fails = await extracted.check(args, alone);
    t.equal(fails.status, 'failed', 'with nothing pending the missing tool fails the state');
    t.match(fails.comment, /^archive.cmd_unzip function not available, unzip might not be installed on minion/);
  },
);
