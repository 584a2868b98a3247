// The command line in-process (main with captured output) on small trees written to a temporary
// directory: what each command prints and its exit code. cli.integration.test.ts starts the real
// entry points.
import t from 'tap';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LowChunk } from '../../agent/protocol.ts';
import { main } from '../../master/cli.ts';
import type { CliIo } from '../../master/output/cli-io.ts';
import { shippedExample } from '../shipped.ts';
import { writeTree } from '../tree.ts';

const SECRET = 'hunter2-cache-secret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `halite ARGS…` with output captured (no terminal), from `cwd`, with only the given environment. */
async function halite(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const run = { code: 0, stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (s) => void (run.stdout += s),
    stderr: (s) => void (run.stderr += s),
    env: { ...opts.env },
    cwd: opts.cwd ?? elsewhere,
  };
  run.code = await main(args, io);
  return run;
}

/** The working directory of commands given their configuration: empty. */
const elsewhere = writeTree({}, 'halite-cli-cwd-');
const tree = (files: Record<string, string>): string => writeTree(files, 'halite-cli-');

const GOOD: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\n',
  'roster.yaml': [
    'web1:',
    '  host: 10.77.1.10',
    '  level: staging',
    '  roles: [web]',
    'cache1:',
    '  host: 10.77.1.11',
    '  level: staging',
    '  roles: [cache]',
    '  grains: {rack: r1}',
    '',
  ].join('\n'),
  'states/top.sls': "base:\n  '*':\n    - common\n  'cache1':\n    - cache\n",
  'states/common.sls': [
    'motd:',
    '  file.managed:',
    '    - name: /etc/motd',
    "    - contents: \"{{ grains['id'] }} {{ grains.get('virtual', 'physical') }} {{ pillar['greeting'] }}\"",
    '',
  ].join('\n'),
  'states/cache.sls': [
    'cache-conf:',
    '  file.managed:',
    '    - name: /etc/cache.conf',
    "    - contents: \"rack {{ grains['rack'] }} password {{ pillar['cache']['password'] }}\"",
    'cache-pkg:',
    '  pkg.installed:',
    '    - name: memcached',
    '',
  ].join('\n'),
  'roles/web.yaml': 'description: web front ends\n',
  'roles/cache.yaml': 'description: caches\n',
  'pillar/top.sls': "base:\n  '*':\n    - common\n",
  'pillar/common.sls': 'greeting: hello\n',
  'pillar-private/top.sls': "base:\n  'cache1':\n    - cache\n",
  'pillar-private/cache.sls': `cache:\n  password: ${SECRET}\n`,
};

const good = tree(GOOD);
const goodConfig = join(good, 'halite.yaml');

t.test('show lowstate prints the chunks as YAML with secrets redacted', async (t) => {
  const r = await halite(['--config', goodConfig, 'show', 'lowstate', '--host', 'cache1']);
  t.equal(r.stderr, '');
  t.equal(r.code, 0);
  t.notMatch(r.stdout, SECRET);
  const chunks = parse(r.stdout) as LowChunk[];
  t.same(chunks.map((c) => c.tag).sort(), [
    'file_|-cache-conf_|-/etc/cache.conf_|-managed',
    'file_|-motd_|-/etc/motd_|-managed',
    'pkg_|-cache-pkg_|-memcached_|-installed',
  ]);
  const conf = chunks.find((c) => c.id === 'cache-conf')!;
  t.equal(conf.args.contents, 'rack r1 password **REDACTED**');
  t.equal(conf.sls, 'cache');
  t.same(Object.keys(conf).slice(0, 4), ['tag', 'state', 'fun', 'id'], 'fields in a fixed order');
  t.equal(chunks.find((c) => c.id === 'motd')!.args.contents, 'cache1 physical hello');
});

t.test('--out json prints the same chunks as JSON', async (t) => {
  const y = await halite(['--config', goodConfig, 'show', 'lowstate', '--host', 'cache1']);
  const j = await halite(['--config', goodConfig, 'show', 'lowstate', '--host', 'cache1', '--out', 'json']);
  t.equal(j.code, 0);
  t.notMatch(j.stdout, SECRET);
  t.same(JSON.parse(j.stdout), parse(y.stdout));
});

t.test("show highstate prints high data as Salt's state.show_highstate does, secrets redacted", async (t) => {
  const y = await halite(['--config', goodConfig, 'show', 'highstate', '--host', 'cache1']);
  t.equal(y.code, 0, y.stderr);
  t.notMatch(y.stdout, SECRET);
  const high = parse(y.stdout) as Record<string, Record<string, unknown>>;
  t.same(Object.keys(high).sort(), ['cache-conf', 'cache-pkg', 'motd']);
  t.match(high['cache-conf'], {
    __sls__: 'cache',
    __env__: 'base',
    file: [{ name: '/etc/cache.conf' }, { contents: 'rack r1 password **REDACTED**' }, 'managed', { order: Number }],
  });
  t.notOk('__file__' in high['cache-conf'], "halite's own locators are not shown");
  const j = await halite(['--config', goodConfig, 'show', 'highstate', '--host', 'cache1', '--out', 'json']);
  t.same(JSON.parse(j.stdout), high);
});

t.test('--grain overrides grains for state rendering', async (t) => {
  const r = await halite([
    '--config',
    goodConfig,
    'show',
    'lowstate',
    '--host',
    'web1',
    '--grain',
    'virtual=kvm',
    '--out',
    'json',
  ]);
  t.equal(r.code, 0);
  const chunks = JSON.parse(r.stdout) as LowChunk[];
  t.same(
    chunks.map((c) => c.args.contents),
    ['web1 kvm hello'],
  );
});

t.test('show top prints the SLS per environment', async (t) => {
  const r = await halite(['--config', goodConfig, 'show', 'top', '--host', 'cache1']);
  t.equal(r.code, 0);
  t.same(parse(r.stdout), { base: ['common', 'cache'] });
  const w = await halite(['--config', goodConfig, 'show', 'top', '--host', 'web1', '--out', 'json']);
  t.same(JSON.parse(w.stdout), { base: ['common'] });
});

t.test('show sls compiles only the named SLS', async (t) => {
  const r = await halite(['--config', goodConfig, 'show', 'sls', 'cache', '--host', 'cache1', '--out', 'json']);
  t.equal(r.code, 0);
  t.same((JSON.parse(r.stdout) as LowChunk[]).map((c) => c.id).sort(), ['cache-conf', 'cache-pkg']);
  t.notMatch(r.stdout, SECRET);
});

t.test('HALITE_CONFIG and ./halite.yaml locate the configuration', async (t) => {
  const viaEnv = await halite(['show', 'top', '--host', 'web1', '--out', 'json'], {
    env: { HALITE_CONFIG: goodConfig },
  });
  t.equal(viaEnv.code, 0);
  t.same(JSON.parse(viaEnv.stdout), { base: ['common'] });
  const viaCwd = await halite(['show', 'top', '--host', 'web1', '--out', 'json'], { cwd: good });
  t.equal(viaCwd.code, 0);
  t.same(JSON.parse(viaCwd.stdout), { base: ['common'] });
});

t.test('lint on a clean tree', async (t) => {
  const r = await halite(['--config', goodConfig, 'lint']);
  t.equal(r.code, 0);
  t.equal(r.stdout, 'lint: 2 hosts, no errors\n');
});

t.test('usage errors exit 64 without a stack trace', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['show', 'highstate', '--host', 'nope'], /unknown host 'nope': not in the roster .*roster\.yaml/],
    [['show', 'highstate'], /required option '--host <id>' not specified/],
    [['show', 'highstate', '--host', 'web1', '--out', 'xml'], /--out.*xml.*invalid/],
    [['show', 'highstate', '--host', 'web1', '--grain', 'roles=[db]'], /grain 'roles' comes from the roster/],
    [['show', 'highstate', '--host', 'web1', '--grain', 'novalue'], /expected key=value/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const r = await halite(['--config', goodConfig, ...args]);
    t.equal(r.code, 64, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const help = await halite(['show', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /highstate/);
  t.match(help.stdout, /lowstate/);
});

const BROKEN: Record<string, string> = {
  ...GOOD,
  'roster.yaml': GOOD['roster.yaml'] + 'db1:\n  host: 10.77.1.12\n  level: staging\n  roles: [db]\n',
  'states/top.sls': "base:\n  '*':\n    - common\n  'cache1':\n    - cache\n  'db1':\n    - db\n    - nosuch\n",
  'states/db.sls': 'db-pkg:\n  pkg.installed:\n    - name: [unclosed\n',
  'roles/db.yaml': 'description: databases\n',
  'states/cache.sls':
    GOOD['states/cache.sls'] +
    `oops:\n  test.fail_without_changes:\n    - name: "{{ pillar['cache']['password'] }}"\n    - require:\n      - pkg: missing-pkg\n`,
};
const broken = tree(BROKEN);
const brokenConfig = join(broken, 'halite.yaml');

t.test('show lowstate with compile errors: errors on stderr, exit 1, secrets redacted', async (t) => {
  const r = await halite(['--config', brokenConfig, 'show', 'lowstate', '--host', 'cache1']);
  t.equal(r.code, 1);
  t.equal(r.stdout, '');
  t.notMatch(r.stderr, SECRET);
  t.match(r.stderr, /^cache1: .*\(REQUISITE_MISSING\)$/m);
  const j = await halite(['--config', brokenConfig, 'show', 'lowstate', '--host', 'cache1', '--out', 'json']);
  t.equal(j.code, 1);
  t.notMatch(j.stdout, SECRET);
  const doc = JSON.parse(j.stdout) as { errors: Array<{ code: string; host: string }> };
  t.ok(doc.errors.some((e) => e.code === 'REQUISITE_MISSING' && e.host === 'cache1'));
});

t.test('a render error exits 3', async (t) => {
  const r = await halite(['--config', brokenConfig, 'show', 'sls', 'db', '--host', 'db1']);
  t.equal(r.code, 3);
  t.match(r.stderr, /^db1: db\.sls:\d+: .*\(RENDER_YAML\)$/m);
});

t.test("lint reports every host's errors, a summary, and the most significant exit code", async (t) => {
  const r = await halite(['--config', brokenConfig, 'lint']);
  t.equal(r.code, 3, 'the render error wins over compile errors');
  t.notMatch(r.stdout, SECRET);
  const lines = r.stdout.trimEnd().split('\n');
  const summary = lines.pop();
  t.match(summary, /^lint: 3 hosts, 2 with errors; \d+ errors in total$/);
  t.ok(lines.length >= 3);
  for (const l of lines) t.match(l, /^(cache1|db1): .*\([A-Z_]+\)$/);
  t.ok(lines.some((l) => /^db1: .*RENDER_YAML/.test(l)));
  t.ok(lines.some((l) => /^db1: .*nosuch.*SLS_NOT_FOUND/.test(l)));
  t.ok(lines.some((l) => /^cache1: .*REQUISITE_MISSING/.test(l)));
  const hosts = lines.map((l) => l.split(':')[0]);
  t.same(
    hosts,
    [...hosts].sort((a, b) => (a === b ? 0 : a === 'cache1' ? -1 : 1)),
    'grouped by host in roster order',
  );
});

t.test('an invalid configuration exits 5 naming file, line and field', async (t) => {
  const dir = tree({ ...GOOD, 'halite.yaml': 'levels:\n  staging: {}\nconcurrency: lots\n' });
  const r = await halite(['--config', join(dir, 'halite.yaml'), 'show', 'top', '--host', 'web1']);
  t.equal(r.code, 5);
  t.equal(
    r.stderr,
    `${join(dir, 'halite.yaml')}:3: concurrency: expected a positive integer, got the string "lots" (CONFIG)\n`,
  );
  const missing = await halite(['--config', join(dir, 'nope.yaml'), 'lint']);
  t.equal(missing.code, 5);
  t.match(missing.stderr, /nope\.yaml: cannot read configuration: no such file \(CONFIG\)/);
});

t.test('an invalid roster entry: show of another host warns, show of it and lint exit 5', async (t) => {
  const dir = tree({
    ...GOOD,
    'roster.yaml': GOOD['roster.yaml'] + 'bad1:\n  host: 10.77.1.12\n  level: staging\n  port: 0\n',
  });
  const cfg = join(dir, 'halite.yaml');
  const expected = `bad1: ${join(dir, 'roster.yaml')}:13: port: expected an integer from 1 to 65535, got the number 0 (ROSTER)\n`;
  const show = await halite(['--config', cfg, 'show', 'top', '--host', 'web1']);
  t.equal(show.code, 0);
  t.equal(show.stderr, `warning: ${expected}`);
  const bad = await halite(['--config', cfg, 'show', 'top', '--host', 'bad1']);
  t.equal(bad.code, 5);
  t.equal(bad.stderr, expected);
  t.equal(bad.stdout, '');
  const lint = await halite(['--config', cfg, 'lint']);
  t.equal(lint.code, 5);
  t.equal(lint.stdout, `${expected}lint: 3 hosts, 1 with errors; 1 error in total\n`);
});

t.test('roster warnings go to stderr and do not change the exit code', async (t) => {
  const dir = tree({ ...GOOD, 'roster.yaml': GOOD['roster.yaml'] + '  thin_dir: /tmp/x\n' });
  const r = await halite(['--config', join(dir, 'halite.yaml'), 'show', 'top', '--host', 'cache1', '--out', 'json']);
  t.equal(r.code, 0);
  t.match(
    r.stderr,
    /^warning: cache1: .*roster\.yaml:10: thin_dir: Salt roster field not used by halite; ignored \(ROSTER\)$/m,
  );
});

t.test('the shipped example compiles for every host', async (t) => {
  const r = await halite(['lint'], { cwd: shippedExample() });
  t.equal(r.code, 0, r.stdout);
  t.match(r.stdout, /^lint: 24 hosts, no errors$/m);
});
