// `halite run` in-process against a loopback SSH target: a host's output is held to host_max_output
// (and host_max_line a line); past it the command is stopped on the host, what fitted is kept, and
// the host is reported as over the limit with the protocol exit code.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../master/exit-codes.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { halite, targetFixture } from '../fake-master.ts';
import { processEnded } from '../transport/fake-ssh.ts';

const fx = targetFixture(t);
const limits = ['host_max_output: 64KiB', 'host_max_line: 1KiB'];

// endless output: the command runs until the master stops it
const endless = (pidFile: string, body: string) => ['sh', '-c', `echo $$ > '${pidFile}'; exec ${body}`];

t.test('endless output: cut at host_max_output, the command ended, exit code 8', async (t) => {
  const dir = fx.master({ web1: ['level: staging'] }, limits);
  const pidFile = join(dir, 'cmd.pid');
  const r = await halite(dir, [
    'run',
    '--host',
    'web1',
    '--out',
    'json',
    '--',
    ...endless(pidFile, 'yes line-of-output'),
  ]);
  t.equal(r.code, EXIT.PROTOCOL, r.stderr);
  const doc = JSON.parse(r.stdout).web1;
  t.match(doc, {
    status: 'error',
    code: null,
    limit: 'host_max_output',
    error: 'sent more than 64 KiB of output (host_max_output): the command was stopped',
  });
  t.equal(doc.stdout.length, 64 * 1024, 'what fitted is kept, nothing past the limit');
  t.match(doc.stdout, /^(line-of-output\n)+line-of-o/);
  t.ok(await processEnded(Number(readFileSync(pidFile, 'utf8'))), 'the command was stopped on the host');

  const store = JobStore.open(join(dir, 'var/jobs.sqlite'));
  t.teardown(() => store.close());
  const [job] = store.jobs();
  t.same(
    store.hostRuns(job.jid).map((h) => [h.host, h.status, h.errors.map((e) => e.code)]),
    [['web1', 'error', ['PROTOCOL']]],
  );
});

t.test('stdout and stderr count together; the text output says why the host was stopped', async (t) => {
  const dir = fx.master({ web1: ['level: staging'] }, limits);
  const pidFile = join(dir, 'cmd.pid');
  const r = await halite(dir, ['run', '--host', 'web1', '--', ...endless(pidFile, "sh -c 'yes out & yes err >&2'")]);
  t.equal(r.code, EXIT.PROTOCOL, r.stderr);
  t.match(r.stdout, /^web1:\n/);
  t.match(r.stdout, /\n {4}\(sent more than 64 KiB of output \(host_max_output\): the command was stopped\)\n$/);
  const kept = r.stdout.split('\n').filter((l) => /^ {4}(out|err)$/.test(l)).length;
  t.ok(kept > 0 && kept * 4 <= 64 * 1024, `${kept} lines kept, within the limit`);
});

t.test('a line longer than host_max_line stops the command', async (t) => {
  const dir = fx.master({ web1: ['level: staging'] }, limits);
  const r = await halite(dir, [
    'run',
    '--host',
    'web1',
    '--out',
    'json',
    '--',
    'sh',
    '-c',
    "echo short; head -c 5000 /dev/zero | tr '\\0' x; echo",
  ]);
  t.equal(r.code, EXIT.PROTOCOL, r.stderr);
  const doc = JSON.parse(r.stdout).web1;
  t.match(doc, {
    status: 'error',
    limit: 'host_max_line',
    error: 'sent a line longer than 1 KiB (host_max_line): the command was stopped',
  });
  t.equal(doc.stdout, `short\n${'x'.repeat(1024)}`, 'the line is kept up to the limit');
});

t.test('output within the limits is untouched', async (t) => {
  const dir = fx.master({ web1: ['level: staging'] }, limits);
  const r = await halite(dir, [
    'run',
    '--host',
    'web1',
    '--out',
    'json',
    '--',
    'sh',
    '-c',
    `head -c 60000 /dev/zero | tr '\\0' 'y' | fold -w 1000`,
  ]);
  t.equal(r.code, EXIT.OK, r.stderr);
  const doc = JSON.parse(r.stdout).web1;
  t.same({ ...doc, stdout: doc.stdout.length }, { status: 'ok', code: 0, stdout: 60000 + 59, stderr: '' });
});
