// Where progress is redrawn and where output is coloured: the decision, and a job's output as a
// terminal, a pipe and a CI log see it.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliIo, CommandContext } from '../../../master/output/cli-io.ts';
import { registerHighstate } from '../../../master/commands/highstate.ts';
import type { PushResult } from '../../../master/push/orchestrate.ts';
import { colorWanted, liveProgress } from '../../../master/output/terminal.ts';

const term = { stdout: true, stderr: true };

t.test('progress is redrawn only on a terminal that can, outside CI', async (t) => {
  t.ok(liveProgress({ env: {}, tty: term }));
  t.notOk(liveProgress({ env: {}, tty: { stdout: true } }), 'stderr piped');
  t.notOk(liveProgress({ env: {} }), 'captured output');
  t.notOk(liveProgress({ env: { TERM: 'dumb' }, tty: term }));
  t.notOk(liveProgress({ env: { CI: 'true' }, tty: term }), 'a CI job running under a pseudo-terminal');
  t.ok(liveProgress({ env: { CI: 'false' }, tty: term }));
});

t.test('colour: --no-color, FORCE_COLOR, NO_COLOR, then whether the stream is a terminal', async (t) => {
  t.ok(colorWanted({ env: {}, tty: term }, 'stderr'));
  t.notOk(colorWanted({ env: {}, tty: { stdout: true } }, 'stderr'));
  t.ok(colorWanted({ env: {}, tty: { stdout: true } }, 'stdout'));
  t.notOk(colorWanted({ env: {}, tty: term }, 'stdout', false), '--no-color');
  t.notOk(colorWanted({ env: { FORCE_COLOR: '1' }, tty: term }, 'stdout', false), '--no-color wins over FORCE_COLOR');
  t.notOk(colorWanted({ env: { NO_COLOR: '1' }, tty: term }, 'stderr'), 'NO_COLOR on a terminal');
  t.ok(colorWanted({ env: { NO_COLOR: '' }, tty: term }, 'stderr'), 'an empty NO_COLOR is not set');
  t.ok(colorWanted({ env: { FORCE_COLOR: '1' } }, 'stderr'), 'FORCE_COLOR into a pipe');
  t.ok(colorWanted({ env: { FORCE_COLOR: 'true', NO_COLOR: '1' } }, 'stderr'), 'FORCE_COLOR wins over NO_COLOR');
  t.notOk(colorWanted({ env: { FORCE_COLOR: '0' }, tty: term }, 'stderr'), 'FORCE_COLOR=0 on a terminal');
  t.notOk(colorWanted({ env: { TERM: 'dumb' }, tty: term }, 'stderr'));
});

const dir = mkdtempSync(join(tmpdir(), 'halite-terminal-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'states'));
mkdirSync(join(dir, 'roles'));
writeFileSync(join(dir, 'halite.yaml'), 'levels:\n  staging: {jump: false}\n');
writeFileSync(
  join(dir, 'roster.yaml'),
  'web1:\n  host: 10.9.0.1\n  level: staging\ndb1:\n  host: 10.9.0.2\n  level: staging\n',
);
writeFileSync(join(dir, 'states/top.sls'), "base:\n  '*': []\n");

const result = (host: string): PushResult =>
  host === 'db1'
    ? {
        host,
        status: 'unreachable',
        results: [],
        errors: [{ code: 'TRANSPORT', message: 'root@10.9.0.2:22: connection refused', host }],
        durationMs: 2,
      }
    : {
        host,
        status: 'ok',
        durationMs: 5,
        errors: [],
        results: [
          {
            tag: 'test_|-t_|-t_|-nop',
            id: 't',
            name: 't',
            sls: 'x',
            result: true,
            changes: {},
            comment: '',
            start_time: '08:00:00.000000',
            duration_ms: 1,
            run_num: 0,
          },
        ],
      };

/** `halite highstate` with hosts answering from memory; the streams' terminal-ness and environment as given. */
async function highstate(io: Pick<CliIo, 'env' | 'tty'>, ...extra: string[]): Promise<{ out: string; err: string }> {
  const got = { out: '', err: '' };
  const ctx: CommandContext = {
    io: { ...io, cwd: dir, stdout: (s) => void (got.out += s), stderr: (s) => void (got.err += s) },
    exitCode: 0,
  };
  const program = new Command('halite').option('--config <file>').option('--no-color').exitOverride();
  registerHighstate(program, ctx, { runner: () => async (h) => result(h.id) });
  await program.parseAsync([...extra, 'highstate', '--all'], { from: 'user' });
  return got;
}

const SGR = /\x1b\[[0-9;]*m/;
const CURSOR = /\x1b\[\d*[AK]/;

t.test('a job into a pipe or a CI log: one plain line per host event', async (t) => {
  for (const io of [{ env: {} }, { env: { CI: '1' }, tty: term }]) {
    const { out, err } = await highstate(io);
    t.notMatch(err, /\x1b/, 'no escape sequence in the progress');
    t.match(err, /^web1: running$/m);
    t.match(err, /^web1: ok \(1 state, 5 ms\)$/m);
    t.match(err, /^db1: unreachable \(root@10\.9\.0\.2:22: connection refused\)$/m);
    t.equal(err.split('\n').filter((l) => l.startsWith('db1:')).length, 2, 'db1 started, db1 unreachable');
    if (!io.tty) t.notMatch(out, /\x1b/, 'no colour in the output either');
  }
});

t.test('a job on a terminal: redrawn progress; colour unless NO_COLOR or --no-color', async (t) => {
  const coloured = await highstate({ env: {}, tty: term });
  t.match(coloured.err, CURSOR);
  t.match(coloured.err, SGR);
  t.match(coloured.out, SGR, 'host output and summary coloured too');
  for (const [io, extra] of [
    [{ env: { NO_COLOR: '1' }, tty: term }, []],
    [{ env: {}, tty: term }, ['--no-color']],
  ] as const) {
    const plain = await highstate(io, ...extra);
    t.match(plain.err, CURSOR, 'still redrawn in place');
    t.notMatch(plain.err, SGR, `no colour in the progress (${JSON.stringify(io.env)} ${extra.join(' ')})`);
    t.notMatch(plain.out, SGR, 'nor in the output');
  }
  const forced = await highstate({ env: { FORCE_COLOR: '1' } });
  t.notMatch(forced.err, CURSOR, 'FORCE_COLOR into a pipe: colour, never cursor movement');
  t.match(forced.out, SGR);
});
