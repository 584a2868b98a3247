import t from 'tap';
import { nsenterArgv, shellQuote, sshArgv } from './exec.ts';
import { run } from './run.ts';

t.test('quoting for the remote shell keeps every argument intact', async (t) => {
  const argv = ['printf', '%s\\n', 'plain', 'two words', "it's", '$HOME', '`id`', 'a"b', '', '*'];
  const res = await run(['sh', '-c', shellQuote(argv)]);
  t.equal(res.stdout, `${argv.slice(2).join('\n')}\n`);
});

t.test('ssh command lines use the fleet config and pass the command after --', async (t) => {
  t.same(sshArgv('/s/ssh_config', 'web1'), ['ssh', '-F', '/s/ssh_config', 'web1']);
  t.same(sshArgv('/s/ssh_config', 'web1', ['echo', 'a b']), ['ssh', '-F', '/s/ssh_config', 'web1', '--', "echo 'a b'"]);
});

t.test('commands entered into a host get exactly the given environment', async (t) => {
  const argv = nsenterArgv(42, ['hostname'], { PATH: '/usr/bin', HOME: '/root' });
  t.same(argv.slice(0, 3), ['nsenter', '--target', '42']);
  t.same(argv.slice(argv.indexOf('--')), ['--', '/usr/bin/env', '-i', 'PATH=/usr/bin', 'HOME=/root', 'hostname']);
  t.throws(() => nsenterArgv(42, ['A=b']), /must not contain "="/);
});
