// `halite run` in-process against a loopback SSH target: a command out of --timeout is reported as
// timeout (text, JSON, job store, exit code 7), apart from unreachable hosts, and is ended on the host.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../master/exit-codes.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { halite, targetFixture } from '../fake-master.ts';
import { closedPort, processEnded } from '../transport/fake-ssh.ts';

const fx = targetFixture(t);

async function fleet(): Promise<string> {
  return fx.master({ web1: ['level: staging'], down1: ['level: staging', `port: ${await closedPort()}`] });
}

const slow = (pidFile: string) => ['sh', '-c', `echo started; sleep 60 & echo $! > '${pidFile}'; wait`];

t.test('--timeout expiring: status timeout, its own exit code, the command ended on the host', async (t) => {
  const dir = await fleet();
  const pidFile = join(dir, 'bg.pid');
  const r = await halite(dir, ['run', '--host', 'web1', '--timeout', '1', '--', ...slow(pidFile)]);
  t.equal(r.code, EXIT.TIMEOUT, r.stderr);
  t.equal(r.stdout, 'web1:\n    started\n    (timeout after 1 s: the command was stopped)\n');
  t.notMatch(r.stdout, /unreachable/);
  t.ok(await processEnded(Number(readFileSync(pidFile, 'utf8'))), 'the background child of the command ended too');
  t.match(fx.target.commands.at(-1), /^timeout -k 5s 1s sh -c /, 'the host enforces the deadline too');

  const store = JobStore.open(join(dir, 'var/jobs.sqlite'));
  t.teardown(() => store.close());
  const [job] = store.jobs();
  t.match(job, { kind: 'run', status: 'timeout' });
  t.same(
    store.hostRuns(job.jid).map((h) => [h.host, h.status, h.errors.map((e) => [e.code, e.message])]),
    [['web1', 'timeout', [['TIMEOUT', 'timeout after 1 s: the command was stopped']]]],
  );
});

t.test('--out json: the timeout is its own status, beside an unreachable host', async (t) => {
  const dir = await fleet();
  const r = await halite(dir, [
    'run',
    '--level',
    'staging',
    '--timeout',
    '1.5',
    '--out',
    'json',
    '--',
    ...slow(join(dir, 'bg.pid')),
  ]);
  t.equal(r.code, EXIT.UNREACHABLE, 'an unreachable host counts before a timeout');
  const doc = JSON.parse(r.stdout);
  t.same(doc.web1, {
    status: 'timeout',
    code: null,
    stdout: 'started\n',
    stderr: '',
    error: 'timeout after 1.5 s: the command was stopped',
  });
  t.equal(doc.down1.status, 'unreachable');
  t.match(doc.down1.error, /ECONNREFUSED/);
});

t.test('a command that ends in time is unaffected by --timeout', async (t) => {
  const dir = await fleet();
  const r = await halite(dir, [
    'run',
    '--host',
    'web1',
    '--timeout',
    '30',
    '--out',
    'json',
    '--',
    'sh',
    '-c',
    'echo out; echo err >&2; exit 3',
  ]);
  t.equal(r.code, EXIT.STATE_FAILURE);
  t.same(JSON.parse(r.stdout).web1, { status: 'failed', code: 3, stdout: 'out\n', stderr: 'err\n' });
});
