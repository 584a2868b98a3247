// The agent's side of the exchange, driven in-process: hello, job, need-files, files, events.
import t from 'tap';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseEvent } from '../../../agent/output/emit.ts';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { serve, type ServeOptions } from '../../../agent/runtime/serve.ts';
import { LineReader } from '../../../agent/util/line-reader.ts';
import type { Logger } from '../../../agent/backends/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-serve-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'out');
mkdirSync(out);
const SECRET = 'hunter2-very-secret';

const files: Record<string, string> = {
  'top.sls': "base:\n  '*':\n    - app\n",
  'app/init.sls': [
    'greeting:',
    '  file.managed:',
    `    - name: ${out}/greeting`,
    '    - source: salt://app/files/greeting.j2',
    '    - template: jinja',
    'noted:',
    '  test.succeed_with_changes:',
    "    - name: role {{ grains['roles'] | join(',') }} on {{ grains['id'] }} at {{ salt['mine.get']('*', 'addr')['db1'] }}",
    'password:',
    '  test.succeed_without_changes:',
    "    - name: pw={{ pillar['db']['password'] }}",
    '',
  ].join('\n'),
  'app/files/greeting.j2': 'hello {{ pillar["who"] }}\n',
  'probe/init.sls': "probe:\n  test.succeed_without_changes:\n    - name: {{ salt['cmd.run']('echo probed') }}\n",
};
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const manifest = Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha(c)]));
const byHash = Object.fromEntries(Object.values(files).map((c) => [sha(c), c]));

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function envelope(extra: Partial<JobEnvelope> = {}): JobEnvelope {
  return {
    jid: '20261122000000000000',
    id: 'app1',
    grains: { roles: ['web', 'api'], os: 'Roster' },
    pillar: { who: 'world', db: { password: SECRET } },
    secrets: [SECRET],
    mine: { db1: { addr: '10.0.0.9' } },
    saltenv: 'base',
    test: false,
    manifest,
    ...extra,
  };
}

interface Session {
  messages: Array<Record<string, unknown>>;
  events: AgentEvent[];
  code: number;
}

/** Plays the master: job after hello, the requested files (through `answer`) after need-files. */
async function session(
  env: JobEnvelope,
  o: Partial<ServeOptions> = {},
  answer = (hashes: string[]) => Object.fromEntries(hashes.map((h) => [h, Buffer.from(byHash[h]).toString('base64')])),
): Promise<Session> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const messages: Array<Record<string, unknown>> = [];
  const events: AgentEvent[] = [];
  const lines = new LineReader(stdout);
  const reading = (async () => {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      const m = JSON.parse(line) as Record<string, unknown>;
      messages.push(m);
      const ev = parseEvent(line);
      if (ev) events.push(ev);
      if (m.type === 'hello') stdin.write(`${JSON.stringify({ type: 'job', ...env })}\n`);
      if (m.type === 'need-files')
        stdin.end(`${JSON.stringify({ type: 'files', files: answer(m.hashes as string[]) })}\n`);
    }
  })();
  const code = await serve({
    stdin,
    out: (l) => void stdout.write(l),
    log: quiet,
    casRoot: join(dir, 'cas'),
    lockFile: join(dir, 'agent.lock'),
    detectGrains: () => ({ id: 'detected', os: 'Debian', roles: ['spoofed'], kernel: 'Linux' }),
    ...o,
  });
  stdout.end();
  await reading;
  return { messages, events, code };
}

t.test('first job: hello, need-files for every file, results streamed, files stored by sha256', async (t) => {
  const record = join(dir, 'envelope.json');
  const s = await session(envelope(), { recordEnvelope: record });
  t.equal(s.code, 0);
  t.equal(s.messages[0].type, 'hello');
  t.equal(s.messages[0].node, process.versions.node);
  t.equal(s.messages[1].type, 'need-files');
  t.same([...(s.messages[1].hashes as string[])].sort(), Object.values(manifest).sort());
  t.same(
    s.events.map((e) => e.type),
    ['start', 'result', 'result', 'result', 'done'],
  );
  t.equal(readFileSync(join(out, 'greeting'), 'utf8'), 'hello world\n');
  t.same(readdirSync(join(dir, 'cas')).sort(), Object.values(manifest).sort());
  const noted = s.events.find((e) => e.type === 'result' && e.tag.startsWith('test_|-noted')) as AgentEvent & {
    name: string;
  };
  t.equal(
    noted.name,
    'role web,api on app1 at 10.0.0.9',
    'roster grains win over detected ones; mine data reaches templates',
  );
  const done = s.events.at(-1) as Extract<AgentEvent, { type: 'done' }>;
  t.match(done.summary, { total: 3, failed: 0, changed: 2, test: false });
  t.equal(done.host, 'app1');
  t.same(JSON.parse(readFileSync(record, 'utf8')), envelope(), 'the recorded envelope is the one received');
  t.equal(statSync(record).mode & 0o777, 0o600);
});

t.test('secrets are redacted in every event', async (t) => {
  const s = await session(envelope());
  const text = JSON.stringify(s.messages);
  t.notMatch(text, SECRET);
  t.match(text, 'pw=**REDACTED**');
});

t.test('second job: nothing requested, nothing changes', async (t) => {
  const s = await session(envelope());
  t.notOk(
    s.messages.some((m) => m.type === 'need-files'),
    'no need-files',
  );
  const done = s.events.at(-1) as Extract<AgentEvent, { type: 'done' }>;
  t.equal(done.summary.changed, 1, 'only the state that always reports changes');
});

t.test('test mode and a named SLS', async (t) => {
  rmSync(join(out, 'greeting'));
  const s = await session(envelope({ test: true, sls: ['app'] }));
  t.equal(s.code, 0);
  const greeting = s.events.find((e) => e.type === 'result' && e.tag.startsWith('file_|-greeting')) as Extract<
    AgentEvent,
    { type: 'result' }
  >;
  t.equal(greeting.result, null);
  t.notOk(existsSync(join(out, 'greeting')), 'nothing written in test mode');
});

t.test('a file that does not match its hash is refused', async (t) => {
  const env = envelope({ manifest: { ...manifest, 'app/extra.sls': sha('extra') } });
  const s = await session(env, {}, (hashes) =>
    Object.fromEntries(hashes.map((h) => [h, Buffer.from('tampered').toString('base64')])),
  );
  t.equal(s.code, 70);
  const err = s.events.find((e) => e.type === 'error') as Extract<AgentEvent, { type: 'error' }>;
  t.match(err.error.message, /arrived with sha256/);
  t.notOk(existsSync(join(dir, 'cas', sha('extra'))));
});

t.test('render errors are error events (redacted) and nothing runs', async (t) => {
  const broken = `{{ pillar['db']['password'] }}: [\n`;
  const cas = join(dir, 'cas2');
  const env = envelope({ manifest: { 'top.sls': sha(files['top.sls']), 'app/init.sls': sha(broken) } });
  const s = await session(env, { casRoot: cas }, (hashes) =>
    Object.fromEntries(
      hashes.map((h) => [h, Buffer.from(h === sha(broken) ? broken : files['top.sls']).toString('base64')]),
    ),
  );
  t.equal(s.code, 3, 'render error exit code');
  t.notOk(s.events.some((e) => e.type === 'start' || e.type === 'done'));
  t.ok(s.events.some((e) => e.type === 'error'));
  t.notMatch(JSON.stringify(s.events), SECRET);
});

t.test('the host lock held by a live process: LOCKED error', async (t) => {
  const lock = join(dir, 'held.lock');
  writeFileSync(lock, `${process.ppid}\n`);
  const s = await session(envelope(), { lockFile: lock });
  t.equal(s.code, 6);
  const err = s.events.find((e) => e.type === 'error') as Extract<AgentEvent, { type: 'error' }>;
  t.equal(err.error.code, 'LOCKED');
});

t.test('the master goes away before sending the job', async (t) => {
  const stdin = new PassThrough();
  const lines: string[] = [];
  const p = serve({ stdin, out: (l) => void lines.push(l), log: quiet, casRoot: join(dir, 'cas') });
  stdin.end();
  t.equal(await p, 70);
  t.equal(JSON.parse(lines[0]).type, 'hello');
  t.match(JSON.parse(lines[1]), { type: 'error', error: { message: /closed the exchange before sending job/ } });
});

t.test('compiled highstates are reused while the inputs are the same', async (t) => {
  const cacheDir = join(dir, 'compiled');
  const tag = (s: Session) => s.events.filter((e) => e.type === 'result').map((e) => e.name);
  const first = await session(envelope(), { compileCache: cacheDir });
  t.equal(first.code, 0);
  t.equal(readdirSync(cacheDir).length, 1, 'one compiled highstate kept');
  // Change what the tree holds under the SLS's hash: only a fresh compile would see it.
  const sls = join(dir, 'cas', manifest['app/init.sls']);
  const original = readFileSync(sls, 'utf8');
  writeFileSync(sls, original.replace('test.succeed_without_changes', 'test.fail_without_changes'));
  t.teardown(() => writeFileSync(sls, original));
  const again = await session(envelope(), { compileCache: cacheDir });
  t.equal(again.code, 0, 'the cached compile ran');
  t.same(tag(again), tag(first));
  const other = await session(envelope({ pillar: { who: 'other', db: { password: SECRET } } }), {
    compileCache: cacheDir,
  });
  t.equal(other.code, 2, 'new inputs: compiled afresh from the tree');
  t.equal(readdirSync(cacheDir).length, 2);
  t.notOk(
    readdirSync(cacheDir).some((f) => readFileSync(join(cacheDir, f)).includes(SECRET)),
    'no secret at rest',
  );
});

t.test("a compile that asked the host itself (salt['cmd.run']) is not kept", async (t) => {
  const cacheDir = join(dir, 'compiled-probe');
  const s = await session(envelope({ sls: ['probe'] }), { compileCache: cacheDir });
  t.equal(s.code, 0);
  t.ok(
    s.events.some((e) => e.type === 'result' && e.name === 'probed'),
    'the template ran the command on the host',
  );
  t.same(existsSync(cacheDir) ? readdirSync(cacheDir) : [], [], 'nothing cached: the next run asks the host again');
});

// Salt's state_auto_order: False reaches the compile through the envelope, and a cached compile made
// with the automatic order is not reused for it.
t.test('stateAutoOrder false: states without order run by state, name and function', async (t) => {
  const cacheDir = join(dir, 'auto-order-cache');
  const ids = (s: Session) =>
    s.events.flatMap((e) => (e.type === 'result' ? [(e as unknown as { id: string }).id] : []));
  const written = await session(envelope({ test: true }), { compileCache: cacheDir });
  t.same(ids(written), ['greeting', 'noted', 'password']);
  const sorted = await session(envelope({ test: true, stateAutoOrder: false }), { compileCache: cacheDir });
  t.same(ids(sorted), ['greeting', 'password', 'noted'], 'file before test; "pw=…" before "role …"');
});
