// Canary secrets: unique values in the private pillar, used in managed files (contents and
// templates), in commands (one that echoes them, one that fails), in failing templates and in diffs
// (the secrets change between runs), on a fleet host through every output of the command line. Then
// every place they could leak is searched for each of them and for every line of the multi-line one:
// what the commands printed, the job store with its WAL, every file under the workspace's var/, the
// VM's caches and temporary directories, and the VM's process list sampled during the runs.
import t from 'tap';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { openDatabase } from '../../master/jobs/sqlite.ts';
import { REPO } from './support.ts';
import { type CliResult, cliFor, fleetSuite } from './workspace.ts';

const HOST = 'canary1';
const TAG = randomBytes(5).toString('hex');
const b64 = (n: number): string => randomBytes(n).toString('base64').replace(/[+/=]/g, 'x');

/** The canaries of one generation (the secrets change between runs, so diffs are produced). */
function canaries(gen: string) {
  const pemLines = [
    `-----BEGIN CANARY${gen}${TAG} PRIVATE KEY-----`,
    ...[1, 2, 3, 4].map((i) => `MII${gen}${i}${TAG}${b64(30)}`),
    `-----END CANARY${gen}${TAG} PRIVATE KEY-----`,
  ];
  const quoted = `q"Qa${gen}${TAG}x': #c & *r [s] {m} % @ !t |> Qb${gen}${TAG}y`;
  return {
    single: `CanarySingle${gen}${TAG}`,
    pem: `${pemLines.join('\n')}\n`,
    quoted,
    /** What must never be found: each canary, each line of the PEM, the quoted one's distinctive parts. */
    needles: [
      `CanarySingle${gen}${TAG}`,
      ...pemLines,
      quoted,
      JSON.stringify(quoted).slice(1, -1),
      `Qa${gen}${TAG}x`,
      `Qb${gen}${TAG}y`,
    ],
  };
}
const GEN = { one: canaries('One'), two: canaries('Two') };
const NEEDLES = [...GEN.one.needles, ...GEN.two.needles];

const STATES: Record<string, string> = {
  'top.sls': "base:\n  '*':\n    - canary\n",
  'canary/init.sls': `
single_file:
  file.managed:
    - name: /srv/canary/single.conf
    - makedirs: true
    - contents: {{ pillar['canary']['single'] | json }}
pem_file:
  file.managed:
    - name: /srv/canary/key.pem
    - makedirs: true
    - contents_pillar: canary:pem
    - mode: '0600'
templated:
  file.managed:
    - name: /srv/canary/app.conf
    - makedirs: true
    - source: salt://canary/app.conf.j2
    - template: jinja
echo_secret:
  cmd.run:
    - name: |
        echo {{ pillar['canary']['single'] }}; printf '%s\\n' {{ pillar['canary']['quoted'] | quote }}; cat /srv/canary/key.pem; sleep 2
    - require:
      - file: pem_file
fail_secret:
  cmd.run:
    - name: |
        echo {{ pillar['canary']['single'] }} >&2; cat /srv/canary/key.pem >&2; sleep 2; exit 3
    - require:
      - file: pem_file
failing_template:
  file.managed:
    - name: /srv/canary/broken.conf
    - makedirs: true
    - source: salt://canary/broken.conf.j2
    - template: jinja
`,
  'canary/app.conf.j2':
    "# app\npassword = {{ pillar['canary']['single'] }}\nlabel = {{ pillar['canary']['quoted'] | json }}\n{{ pillar['canary']['pem'] }}",
  'canary/broken.conf.j2':
    "{{ raise('cannot use ' ~ pillar['canary']['single'] ~ ' with ' ~ pillar['canary']['pem'] ~ pillar['canary']['quoted']) }}\n",
  'canary/render_error.sls': "{{ raise('bad ' ~ pillar['canary']['quoted'] ~ pillar['canary']['pem']) }}\n",
};

interface Paths {
  config: string;
  varDir: string;
  jobsDb: string;
  privateSls: string;
}

let paths: Paths | undefined;
const suite = fleetSuite('secrets-canary', [{ id: HOST, roles: ['app'], level: 'staging' }], async (s) => {
  const dir = s.ws.dir;
  const tree = (root: string, files: Record<string, string>): void => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
  };
  tree(join(dir, 'states'), STATES);
  tree(join(dir, 'pillar'), { 'top.sls': "base:\n  '*':\n    - common\n", 'common.sls': 'plain: value\n' });
  tree(join(dir, 'pillar-private'), { 'top.sls': "base:\n  '*':\n    - canary\n" });
  const config = join(dir, 'halite-canary.yaml');
  const varDir = join(dir, 'var');
  const base = parse(readFileSync(s.ws.config, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    config,
    stringify({
      ...base,
      states: join(dir, 'states'),
      pillar: join(dir, 'pillar'),
      private_pillar: join(dir, 'pillar-private'),
      roles: join(REPO, 'roles'),
      jobs_db: join(varDir, 'jobs.sqlite'),
    }),
  );
  paths = { config, varDir, jobsDb: join(varDir, 'jobs.sqlite'), privateSls: join(dir, 'pillar-private/canary.sls') };
});

function setSecrets(gen: ReturnType<typeof canaries>): void {
  // no Jinja: the values are taken as they are
  writeFileSync(
    paths!.privateSls,
    `#!yaml\n${stringify({ canary: { single: gen.single, pem: gen.pem, quoted: gen.quoted } })}`,
  );
}

/** Occurrences of every needle in `text`, the ones found only. */
function hits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of NEEDLES) {
    const c = text.split(n).length - 1;
    if (c) out[n] = c;
  }
  return out;
}

const printed: Array<{ args: string[]; r: CliResult }> = [];
async function halite(...args: string[]): Promise<CliResult> {
  const r = await cliFor(suite.ws, paths!.config)(...args);
  printed.push({ args, r });
  return r;
}

/** Samples every process's command line on the VM until stopped; returns what was seen. */
function sampleProcesses(): { stop(): Promise<string> } {
  const flag = `/run/canary-sampler-${TAG}`;
  const script = `while [ ! -e ${flag} ]; do for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | sort -u; sleep 0.05; done; rm -f ${flag}`;
  const running = suite.fleet.exec(HOST, ['sh', '-c', script], { reject: false, timeoutMs: 900_000 });
  return {
    async stop() {
      await suite.fleet.exec(HOST, ['touch', flag]);
      const r = await running;
      return r.stdout;
    },
  };
}

let processLists = '';
let store: ReturnType<typeof openDatabase> | undefined;
t.teardown(() => store?.close());

t.test('runs that use the canaries in files, commands, failing templates and diffs', async (t) => {
  setSecrets(GEN.one);
  const sampler = sampleProcesses();
  const first = await halite('highstate', '--host', HOST, '--out', 'highstate');
  // a second connection keeps the WAL file from being checkpointed away when the master closes the store
  store = openDatabase(paths!.jobsDb);
  store.prepare('SELECT count(*) FROM jobs').get();
  t.match(first.out, /Failed: +2\b/, `${first.out}\n${first.err}`);
  t.equal(
    (await suite.fleet.exec(HOST, ['cat', '/srv/canary/key.pem'])).stdout,
    GEN.one.pem,
    'the secret reached the managed file',
  );

  setSecrets(GEN.two);
  const runs: string[][] = [
    ['highstate', '--host', HOST, '--test', '--out', 'json'],
    ['highstate', '--host', HOST, '--test', '--out', 'highstate', '--state-output', 'changes'],
    ['highstate', '--host', HOST, '--out', 'json'],
    ['highstate', '--host', HOST, '--out', 'highstate', '--state-output', 'terse'],
    ['highstate', '--host', HOST, '--out', 'highstate', '--state-output', 'mixed'],
    ['highstate', '--host', HOST, '--out', 'highstate', '--state-output', 'full'],
    ['sls', 'canary.render_error', '--host', HOST, '--out', 'json'],
    ['sls', 'canary.render_error', '--host', HOST, '--out', 'highstate'],
  ];
  for (const args of runs) await halite(...args);
  processLists = await sampler.stop();
  // a private pillar that fails to render: its errors must not quote it
  writeFileSync(
    paths!.privateSls,
    `canary:\n  single: ${GEN.two.single}: {{ ${GEN.two.single} }}\n  broken: ${GEN.two.quoted}\n`,
  );
  const broken = await halite('highstate', '--host', HOST, '--out', 'json');
  t.match(broken.out + broken.err, /Jinja variable '…' is undefined/, 'the broken private pillar is reported');
  await halite('show', 'highstate', '--host', HOST);
  setSecrets(GEN.two);
  for (const args of [
    ['show', 'highstate', '--host', HOST, '--out', 'yaml'],
    ['show', 'highstate', '--host', HOST, '--out', 'json'],
    ['show', 'lowstate', '--host', HOST, '--out', 'yaml'],
    ['show', 'sls', 'canary.render_error', '--host', HOST, '--out', 'json'],
    ['show', 'top', '--host', HOST],
    ['lint'],
    ['hosts'],
  ]) {
    await halite(...args);
  }
  t.equal(
    (await suite.fleet.exec(HOST, ['cat', '/srv/canary/key.pem'])).stdout,
    GEN.two.pem,
    'the changed secret reached the managed file',
  );
  const json = JSON.parse(printed[3].r.out) as Record<
    string,
    Record<string, { changes: Record<string, unknown>; comment: string }>
  >;
  t.equal(
    json[HOST]['file_|-pem_file_|-/srv/canary/key.pem_|-managed'].changes.diff,
    'content changed: holds private pillar values',
    'the diff is replaced',
  );
  t.match(
    json[HOST]['file_|-failing_template_|-/srv/canary/broken.conf_|-managed'].comment,
    /cannot use \*\*REDACTED\*\*/,
    'the template error is redacted',
  );
  t.ok(processLists.includes('sleep 2'), 'the sampler saw the commands run');
});

t.test('no canary in what any command printed (stdout and stderr, every output format)', async (t) => {
  t.ok(printed.length >= 17);
  for (const { args, r } of printed) t.same(hits(`${r.out}\n${r.err}`), {}, args.join(' '));
});

t.test('no canary in the job store, its WAL and SHM, or any file under var/', async (t) => {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      (e.isDirectory() ? walk : (f: string) => files.push(f))(join(d, e.name));
  };
  walk(paths!.varDir);
  t.ok(
    files.includes(paths!.jobsDb) && files.includes(`${paths!.jobsDb}-wal`),
    `the store and its WAL are there: ${files.join(' ')}`,
  );
  t.ok(statSync(paths!.jobsDb).size + statSync(`${paths!.jobsDb}-wal`).size > 0);
  const rows = store!.prepare<unknown[], { n: number }>('SELECT count(*) AS n FROM state_results').get();
  t.ok(rows && rows.n > 0, 'results were recorded');
  for (const f of files) t.same(hits(readFileSync(f).toString('latin1')), {}, f);
});

t.test("no canary in the VM's caches and temporary directories", async (t) => {
  // the managed files hold the secrets by design; the backups of what they replaced are copies of them
  const dirs = '/var/cache/halite* /run/halite /tmp /var/tmp /var/lib/halite';
  const script = `for d in ${dirs}; do [ -e "$d" ] && echo "$d"; done; echo ==; grep -rlaF --exclude-dir=backup -f - $(for d in ${dirs}; do [ -e "$d" ] && echo "$d"; done) || true`;
  const r = await suite.fleet.exec(HOST, ['sh', '-c', script], { input: `${NEEDLES.join('\n')}\n` });
  const [searched, found] = r.stdout.split('==\n');
  t.match(searched, /\/run\/halite/, 'the directories were there to search');
  t.equal(found.trim(), '', 'files holding a canary');
});

t.test("no canary in the VM's process list during the runs", async (t) => {
  t.same(hits(processLists), {});
});
