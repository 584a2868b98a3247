// A resident agent runs each connection to its socket as one job, like `serve` over stdin/stdout,
// and goes away when its linger time is over.
import t from 'tap';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader } from '../../../agent/util/line-reader.ts';
import type { JobEnvelope } from '../../../agent/protocol.ts';
import { setProcessPriority } from '../../../agent/runtime/priority.ts';
import { runResident } from '../../../agent/runtime/resident.ts';
import { residentSocketPath, socketAlive } from '../../../agent/runtime/resident-start.ts';
import type { Logger } from '../../../agent/backends/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-resident-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const files: Record<string, string> = {
  'top.sls': "base:\n  '*':\n    - app\n",
  'app.sls': `stamp:\n  file.managed:\n    - name: ${dir}/stamp\n    - contents: {{ pillar['n'] }}\n`,
};
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const manifest = Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha(c)]));
const byHash = Object.fromEntries(Object.values(files).map((c) => [sha(c), c]));
const envelope = (n: number, linger: number): JobEnvelope => ({
  jid: `2026112200000000000${n}`,
  id: 'app1',
  grains: {},
  pillar: { n },
  secrets: [],
  mine: {},
  saltenv: 'base',
  test: false,
  manifest,
  linger,
});

/** Plays the master over the socket; returns every message the resident sent. */
async function job(socket: string, env: JobEnvelope): Promise<Array<Record<string, unknown>>> {
  const s = connect(socket);
  const lines = new LineReader(s);
  const got: Array<Record<string, unknown>> = [];
  for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
    const m = JSON.parse(line) as Record<string, unknown>;
    got.push(m);
    if (m.type === 'hello') s.write(`${JSON.stringify({ type: 'job', ...env })}\n`);
    if (m.type === 'need-files')
      s.write(
        `${JSON.stringify({ type: 'files', files: Object.fromEntries((m.hashes as string[]).map((h) => [h, Buffer.from(byHash[h]).toString('base64')])) })}\n`,
      );
  }
  s.destroy();
  return got;
}

const serveOpts = {
  log: quiet,
  casRoot: join(dir, 'cas'),
  lockFile: join(dir, 'agent.lock'),
  detectGrains: () => ({ os: 'Debian' }),
};

t.test('jobs over the socket, one process, until a job says linger 0', async (t) => {
  const socket = join(dir, 'run', 'a.sock');
  const running = runResident({ socket, lingerSec: 30, serve: serveOpts });
  while (!(await socketAlive(socket))) await new Promise((r) => setTimeout(r, 20));
  t.equal(statSync(socket).mode & 0o777, 0o600, 'only the owner may connect');
  t.equal(statSync(join(dir, 'run')).mode & 0o777, 0o700);
  const first = await job(socket, envelope(1, 30));
  t.equal(readFileSync(join(dir, 'stamp'), 'utf8').trim(), '1');
  t.match(first.at(-1), { type: 'done', summary: { changed: 1 } });
  const second = await job(socket, envelope(2, 0));
  t.equal(readFileSync(join(dir, 'stamp'), 'utf8').trim(), '2');
  t.notOk(
    second.some((m) => m.type === 'need-files'),
    'files already cached',
  );
  t.equal(first[0].pid, second[0].pid, 'the same process answered');
  t.equal(await running, 0, 'linger 0: the resident is gone');
  t.notOk(await socketAlive(socket));
});

t.test('the linger time runs out', async (t) => {
  const socket = join(dir, 'run', 'b.sock');
  const started = Date.now();
  t.equal(await runResident({ socket, lingerSec: 0.2, serve: serveOpts }), 0);
  t.ok(Date.now() - started >= 180, 'waited for the linger time');
});

t.test('a stale socket file is taken over; a live resident is left alone', async (t) => {
  const socket = join(dir, 'run', 'c.sock');
  writeFileSync(socket, '');
  const live = runResident({ socket, lingerSec: 30, serve: serveOpts });
  while (!(await socketAlive(socket))) await new Promise((r) => setTimeout(r, 20));
  t.equal(await runResident({ socket, lingerSec: 30, serve: serveOpts }), 0, 'a second resident stands down at once');
  t.ok(await socketAlive(socket), 'the first still listens');
  await job(socket, envelope(3, 0));
  t.equal(await live, 0);
  t.notOk(existsSync(socket) && (await socketAlive(socket)));
});

t.test('socket names tell bundles and serve options apart', async (t) => {
  const a = residentSocketPath('agent-abc', []);
  t.match(a, /^\/run\/halite\/agent-abc-[0-9a-f]{12}\.sock$/);
  t.not(a, residentSocketPath('agent-abd', []));
  t.not(a, residentSocketPath('agent-abc', ['--cas-root', '/x']));
  t.ok(
    residentSocketPath('agent-' + 'f'.repeat(64), ['--lock-file', '/tmp/x']).length < 108,
    'fits a unix socket address',
  );
});

t.test(
  'started lowered with --priority, it takes that priority back once it listens',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async (t) => {
    const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threadNices = (): number[] =>
      readdirSync('/proc/self/task').map((tid) => niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    const socket = join(dir, 'run', 'p.sock');
    const before = getPriority();
    setProcessPriority(19);
    try {
      const running = runResident({ socket, lingerSec: 30, priority: before, serve: serveOpts });
      while (!(await socketAlive(socket))) await new Promise((r) => setTimeout(r, 20));
      t.same([...new Set(threadNices())], [before], 'every thread at the priority it was given');
      await job(socket, envelope(4, 0));
      t.equal(await running, 0);
    } finally {
      setProcessPriority(before);
    }
  },
);
