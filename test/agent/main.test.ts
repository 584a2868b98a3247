// `halite-agent apply --local` in-process (main with captured output) on a temporary state tree;
// main.integration.test.ts runs it as a real process.
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../agent/main.ts';
import { writeTree } from '../tree.ts';

const tree = (files: Record<string, string>): string => writeTree(files, 'halite-agent-');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `halite-agent ARGS…` with output captured: no terminal, and only the environment given. */
async function run(args: string[], env: Record<string, string> = {}, terminal = false): Promise<Run> {
  const r = { code: 0, stdout: '', stderr: '' };
  r.code = await main(args, { out: (s) => void (r.stdout += s), err: (s) => void (r.stderr += s), env, terminal });
  return r;
}

/** `apply --local` of the site below as host web1. */
function agent(dir: string, ...args: string[]): Promise<Run> {
  return run([
    'apply',
    '--local',
    '--states',
    join(dir, 'states'),
    '--pillar',
    join(dir, 'pillar'),
    '--private-pillar',
    join(dir, 'private'),
    '--id',
    'web1',
    '--lock-file',
    join(dir, 'agent.lock'),
    ...args,
  ]);
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
  const dry = await agent(dir, '--test');
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^web1:\n----------\n {10}ID: conf\n {4}Function: file\.managed\n/);
  t.match(dry.stdout, /Result: None/);
  t.notOk(existsSync(join(dir, 'out/app.conf')), 'no file written in test mode');
  t.notOk(existsSync(join(dir, 'out/stamp')));

  const real = await agent(dir);
  t.equal(real.code, 0, real.stderr);
  t.equal(readFileSync(join(dir, 'out/app.conf'), 'utf8'), 'port=8080\nhost=web1\n');
  t.equal(readFileSync(join(dir, 'out/stamp'), 'utf8'), 'sup3rsecret\n');
  t.match(real.stdout, /Summary for web1\n-+\nSucceeded: 2 \(changed=2\)\nFailed: +0\n/);
  t.notMatch(real.stdout, /sup3rsecret/, 'the private pillar value is redacted');
  t.match(real.stdout, /Name: echo \*\*REDACTED\*\* > /);

  const again = await agent(dir, '--state-output', 'terse');
  t.equal(again.code, 0);
  t.match(again.stdout, /Name: .*\/app\.conf - Function: file\.managed - Result: Clean/);
  t.match(again.stdout, /Succeeded: 2\n/);
  t.notOk(existsSync(join(dir, 'agent.lock')), 'the lock is released');
});

t.test('--out json prints the shape salt-call prints', async (t) => {
  const dir = site();
  const r = await agent(dir, '--out', 'json', 'fails');
  t.equal(r.code, 2, 'a failed state exits 2');
  const data = JSON.parse(r.stdout);
  t.same(Object.keys(data), ['web1']);
  t.same(data.web1['test_|-bad_|-bad_|-fail_without_changes'], {
    ...data.web1['test_|-bad_|-bad_|-fail_without_changes'],
    name: 'bad',
    result: false,
    changes: {},
    comment: 'Failure!',
    __run_num__: 0,
    __id__: 'bad',
    __sls__: 'fails',
  });
  t.match(data.web1['test_|-ok_|-ok_|-succeed_without_changes'], {
    result: true,
    __run_num__: 1,
    start_time: /^\d\d:\d\d:\d\d\.\d{6}$/,
    duration: Number,
  });
});

t.test('--out events streams NDJSON', async (t) => {
  const dir = site();
  const r = await agent(dir, '--out', 'events', '--test');
  t.equal(r.code, 0);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.same(
    events.map((e) => e.type),
    ['start', 'result', 'result', 'done'],
  );
  t.match(events[0], { host: 'web1', chunks: 2, test: true, jid: /^\d{20}$/ });
  t.match(events[3].summary, { succeeded: 2, failed: 0, total: 2, test: true, stopped: false });
});

t.test('compile and render errors: listed under the id, exit 1 and 3', async (t) => {
  const dir = site();
  const c = await agent(dir, '--out', 'json', 'broken');
  t.equal(c.code, 1);
  const cd = JSON.parse(c.stdout);
  t.ok(Array.isArray(cd.web1) && cd.web1.length >= 1 && cd.web1.every((e: unknown) => typeof e === 'string'), c.stdout);
  t.match(cd.web1[0], /REQUISITE_MISSING/);
  const r = await agent(dir, 'badyaml');
  t.equal(r.code, 3);
  t.match(r.stdout, /^web1:\n {4}Data failed to compile:\n----------\n {4}.*RENDER_YAML/);
});

t.test('the host lock: a live holder makes a second run fail; a dead one is taken over', async (t) => {
  const dir = site();
  writeFileSync(join(dir, 'agent.lock'), `${process.pid}\n`);
  const busy = await agent(dir, '--test', '--lock-wait', '0.3');
  t.equal(busy.code, 6);
  t.match(busy.stderr, new RegExp(`holds .*agent\\.lock \\(pid ${process.pid}\\); gave up after waiting 0\\.3 s`));
  t.equal(busy.stdout, '');
  writeFileSync(join(dir, 'agent.lock'), '999999999\n');
  const stale = await agent(dir, '--test');
  t.equal(stale.code, 0, stale.stderr);
  t.notOk(existsSync(join(dir, 'agent.lock')));
});

t.test('usage errors exit 64', async (t) => {
  const dir = site();
  t.equal((await agent(dir, '--out', 'yaml')).code, 64);
  const r = await run(['apply', '--states', dir]);
  t.equal(r.code, 64);
  t.match(r.stderr, /pass --local/);
});

const SGR = /\x1b\[[0-9;]*m/;

t.test(
  'highstate output: coloured on a terminal, unless --no-color or NO_COLOR; FORCE_COLOR colours a pipe',
  async (t) => {
    const dir = site();
    const apply = (env: Record<string, string>, terminal: boolean, ...extra: string[]) =>
      run(
        [
          'apply',
          '--local',
          '--states',
          join(dir, 'states'),
          '--id',
          'web1',
          '--lock-file',
          join(dir, 'agent.lock'),
          ...extra,
          'fails',
        ],
        env,
        terminal,
      );
    const term = await apply({}, true);
    t.equal(term.code, 2);
    t.match(term.stdout, '\x1b[31m          ID: bad\x1b[39m', 'a failed state is red');
    t.match(term.stdout, '\x1b[32m          ID: ok\x1b[39m', 'a state that succeeded is green');
    const plain: Array<[string, Record<string, string>, boolean, string[]]> = [
      ['into a pipe', {}, false, []],
      ['NO_COLOR on a terminal', { NO_COLOR: '1' }, true, []],
      ['--no-color on a terminal', {}, true, ['--no-color']],
      ['--no-color wins over FORCE_COLOR', { FORCE_COLOR: '1' }, true, ['--no-color']],
      ['FORCE_COLOR=0 on a terminal', { FORCE_COLOR: '0' }, true, []],
      ['TERM=dumb', { TERM: 'dumb' }, true, []],
    ];
    for (const [what, env, terminal, extra] of plain) {
      const r = await apply(env, terminal, ...extra);
      t.equal(r.code, 2, what);
      t.match(r.stdout, /^ {10}ID: bad$/m, `${what}: the same output`);
      t.notMatch(r.stdout, SGR, `${what}: no colour`);
    }
    const forced = await apply({ FORCE_COLOR: '1', NO_COLOR: '1' }, false);
    t.match(forced.stdout, '\x1b[31m          ID: bad\x1b[39m', 'FORCE_COLOR into a pipe, winning over NO_COLOR');
    for (const out of ['json', 'events']) {
      const r = await apply({ FORCE_COLOR: '1' }, true, '--out', out);
      t.notMatch(r.stdout, SGR, `--out ${out} is never coloured`);
    }
  },
);
