// `halite-agent apply --local` end to end: a real process on a temporary state tree.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-agent-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

function agent(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'agent/main.ts', 'apply', '--local', '--states', join(dir, 'states'),
    '--pillar', join(dir, 'pillar'), '--private-pillar', join(dir, 'private'), '--id', 'web1',
    '--lock-file', join(dir, 'agent.lock'), ...args], { cwd: repo, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function site(): string {
  const dir = tree({
    'states/top.sls': "base:\n  'web*':\n    - web\n",
    'states/web/init.sls': `
conf:
  file.managed:
    - name: {{ pillar['out'] }}/app.conf
    - source: salt://web/app.conf.j2
    - template: jinja
    - context:
        port: {{ pillar['port'] }}
stamp:
  cmd.run:
    - name: echo {{ pillar['pw'] }} > {{ pillar['out'] }}/stamp
    - creates: {{ pillar['out'] }}/stamp
    - require:
      - file: conf
`,
    'states/web/app.conf.j2': 'port={{ port }}\nhost={{ grains["id"] }}\n',
    'states/broken.sls': 'x:\n  test.nop:\n    - require:\n      - test: missing\n',
    'states/badyaml.sls': 'x: [\n',
    'states/fails.sls': 'bad:\n  test.fail_without_changes\nok:\n  test.succeed_without_changes\n',
    'pillar/top.sls': "base:\n  '*':\n    - common\n",
    'private/top.sls': "base:\n  '*':\n    - secret\n",
    'private/secret.sls': 'pw: sup3rsecret\n',
  });
  writeFileSync(join(dir, 'pillar/common.sls'), `port: 8080\nout: ${join(dir, 'out')}\n`);
  mkdirSync(join(dir, 'out'));
  return dir;
}

t.test('--test changes nothing; a real run converges; a second run is clean', async (t) => {
  const dir = site();
  const dry = agent(dir, '--test');
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^web1:\n----------\n {10}ID: conf\n {4}Function: file\.managed\n/);
  t.match(dry.stdout, /Result: None/);
  t.notOk(existsSync(join(dir, 'out/app.conf')), 'no file written in test mode');
  t.notOk(existsSync(join(dir, 'out/stamp')));

  const real = agent(dir);
  t.equal(real.code, 0, real.stderr);
  t.equal(readFileSync(join(dir, 'out/app.conf'), 'utf8'), 'port=8080\nhost=web1\n');
  t.equal(readFileSync(join(dir, 'out/stamp'), 'utf8'), 'sup3rsecret\n');
  t.match(real.stdout, /Summary for web1\n-+\nSucceeded: 2 \(changed=2\)\nFailed: +0\n/);
  t.notMatch(real.stdout, /sup3rsecret/, 'the private pillar value is redacted');
  t.match(real.stdout, /Name: echo \*\*REDACTED\*\* > /);

  const again = agent(dir, '--state-output', 'terse');
  t.equal(again.code, 0);
  t.match(again.stdout, /Name: .*\/app\.conf - Function: file\.managed - Result: Clean/);
  t.match(again.stdout, /Succeeded: 2\n/);
  t.notOk(existsSync(join(dir, 'agent.lock')), 'the lock is released');
});

t.test('--out json prints the shape salt-call prints', async (t) => {
  const dir = site();
  const r = agent(dir, '--out', 'json', 'fails');
  t.equal(r.code, 2, 'a failed state exits 2');
  const data = JSON.parse(r.stdout);
  t.same(Object.keys(data), ['web1']);
  t.same(data.web1['test_|-bad_|-bad_|-fail_without_changes'], {
    ...data.web1['test_|-bad_|-bad_|-fail_without_changes'],
    name: 'bad', result: false, changes: {}, comment: 'Failure!', __run_num__: 0, __id__: 'bad', __sls__: 'fails',
  });
  t.match(data.web1['test_|-ok_|-ok_|-succeed_without_changes'], { result: true, __run_num__: 1, start_time: /^\d\d:\d\d:\d\d\.\d{6}$/, duration: Number });
});

t.test('--out events streams NDJSON', async (t) => {
  const dir = site();
  const r = agent(dir, '--out', 'events', '--test');
  t.equal(r.code, 0);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.same(events.map((e) => e.type), ['start', 'result', 'result', 'done']);
  t.match(events[0], { host: 'web1', chunks: 2, test: true, jid: /^\d{20}$/ });
  t.match(events[3].summary, { succeeded: 2, failed: 0, total: 2, test: true, stopped: false });
});

t.test('compile and render errors: listed under the id, exit 1 and 3', async (t) => {
  const dir = site();
  const c = agent(dir, '--out', 'json', 'broken');
  t.equal(c.code, 1);
  const cd = JSON.parse(c.stdout);
  t.ok(Array.isArray(cd.web1) && cd.web1.length >= 1 && cd.web1.every((e: unknown) => typeof e === 'string'), c.stdout);
  t.match(cd.web1[0], /REQUISITE_MISSING/);
  const r = agent(dir, 'badyaml');
  t.equal(r.code, 3);
  t.match(r.stdout, /^web1:\n {4}Data failed to compile:\n----------\n {4}.*RENDER_YAML/);
});

t.test('the host lock: a live holder makes a second run fail; a dead one is taken over', async (t) => {
  const dir = site();
  writeFileSync(join(dir, 'agent.lock'), `${process.pid}\n`);
  const busy = agent(dir, '--test', '--lock-wait', '0.3');
  t.equal(busy.code, 6);
  t.match(busy.stderr, new RegExp(`holds .*agent\\.lock \\(pid ${process.pid}\\); gave up after waiting 0\\.3 s`));
  t.equal(busy.stdout, '');
  writeFileSync(join(dir, 'agent.lock'), '999999999\n');
  const stale = agent(dir, '--test');
  t.equal(stale.code, 0, stale.stderr);
  t.notOk(existsSync(join(dir, 'agent.lock')));
});

t.test('usage errors exit 64', async (t) => {
  const dir = site();
  t.equal(agent(dir, '--out', 'yaml').code, 64);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'agent/main.ts', 'apply', '--states', dir], { cwd: repo, encoding: 'utf8' });
  t.equal(r.status, 64);
  t.match(r.stderr, /pass --local/);
});

t.test('a multi-line private pillar value in a managed file: no line of it in any output, no diff', async (t) => {
  const pem = (tag: string) => `-----BEGIN ${tag} KEY-----\nMIIB${tag}Q2FuYXJ5TGluZU9uZQ\nAoGB${tag}Q2FuYXJ5TGluZVR3bw\n${tag}==\n-----END ${tag} KEY-----\n`;
  const dir = tree({
    'states/top.sls': "base:\n  '*':\n    - tls\n",
    'states/tls.sls': `
key:
  file.managed:
    - name: {{ pillar['out'] }}/key.pem
    - contents_pillar: tls:key
keyconf:
  file.managed:
    - name: {{ pillar['out'] }}/key.conf
    - source: salt://key.conf.j2
    - template: jinja
`,
    'states/key.conf.j2': "# key\n{{ pillar['tls']['key'] }}",
    'pillar/top.sls': "base:\n  '*':\n    - common\n",
    'private/top.sls': "base:\n  '*':\n    - tls\n",
  });
  writeFileSync(join(dir, 'pillar/common.sls'), `out: ${join(dir, 'out')}\n`);
  mkdirSync(join(dir, 'out'));
  const setKey = (tag: string) => writeFileSync(join(dir, 'private/tls.sls'), `tls:\n  key: |\n${pem(tag).split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n')}\n`);
  const pieces = (tag: string) => pem(tag).split('\n').filter(Boolean).filter((l) => !l.startsWith('-----'));
  setKey('AAAA');
  const first = agent(dir, '--out', 'events');
  t.equal(first.code, 0, first.stderr);
  t.equal(readFileSync(join(dir, 'out/key.pem'), 'utf8'), pem('AAAA'));
  setKey('BBBB');
  for (const args of [['--test'], ['--test', '--out', 'json'], ['--test', '--out', 'events'], ['--test', '--state-output', 'changes'], ['--out', 'events']]) {
    const r = agent(dir, ...args);
    t.equal(r.code, 0, r.stderr);
    for (const p of [...pieces('AAAA'), ...pieces('BBBB')]) t.notMatch(r.stdout + r.stderr, p, `${args.join(' ')}: no trace of ${p}`);
    t.match(r.stdout, 'content changed: holds private pillar values', `${args.join(' ')}: the diff is replaced`);
  }
  t.equal(readFileSync(join(dir, 'out/key.pem'), 'utf8'), pem('BBBB'));
});
