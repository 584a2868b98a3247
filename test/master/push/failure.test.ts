// How a job that ended early is reported, and what a login without the rights to run the agent is told.
import t from 'tap';
import type { ErrorData } from '../../../agent/errors.ts';
import { endedEarly, explainLogin, tail } from '../../../master/push/failure.ts';
import type { HostTarget } from '../../../master/transport/target.ts';

const target = (user: string, sudo: boolean): HostTarget => ({
  id: 'web1',
  address: '10.0.0.5',
  port: 22,
  user,
  sudo,
  jump: null,
});

t.test('before the agent said hello the host cannot run it; after, the agent died', async (t) => {
  t.same(endedEarly('web1', { code: 1, stdout: '', stderr: '' }, false, 'mkdir: Permission denied'), {
    code: 'BOOTSTRAP',
    host: 'web1',
    message: 'web1: the bootstrap exited with status 1 before finishing the run: mkdir: Permission denied',
  });
  t.equal(
    endedEarly('web1', { code: 2, stdout: '', stderr: '' }, true, 'Error: x\n    at y').message,
    'web1: the agent exited with status 2 before finishing the run:\nError: x\n    at y',
  );
  t.same(endedEarly('web1', { code: null, signal: 'SIGKILL', stdout: '', stderr: '' }, true, ''), {
    code: 'INTERNAL',
    host: 'web1',
    message: 'web1: the agent was killed by SIGKILL before finishing the run',
  });
  // over a resident agent's socket the transport reports code 0 when it closes: that is no exit status
  t.equal(
    endedEarly('web1', { code: 0, stdout: '', stderr: '', via: 'socket' }, true, '').message,
    'web1: the agent closed its connection (the resident agent was killed or crashed) before finishing the run',
  );
});

t.test('a non-root login without sudo that was refused access is told to use sudo', async (t) => {
  const denied: ErrorData[] = [
    {
      code: 'BOOTSTRAP',
      host: 'web1',
      message:
        "web1: the bootstrap exited with status 1 before finishing the run:\nmkdir: cannot create directory '/var/lib/halite': Permission denied",
    },
    { code: 'INTERNAL', host: 'web1', message: "EACCES: permission denied, open '/var/lib/halite/files/x.tmp'" },
  ];
  const out = explainLogin(denied, target('ops', false));
  t.same(
    out.map((e) => e.code),
    ['BOOTSTRAP', 'BOOTSTRAP'],
  );
  for (const e of out)
    t.match(
      e.message,
      /\n\(logged in as ops without sudo: set `sudo: true` for web1 in the roster, or log in as root\)$/,
    );
  t.same(explainLogin(denied, target('root', false)), denied, 'root is told nothing');
  t.same(explainLogin(denied, target('ops', true)), denied, 'with sudo the cause is elsewhere');
  const other: ErrorData[] = [
    { code: 'SLS_NOT_FOUND', host: 'web1', message: 'permission denied in a name' },
    { code: 'INTERNAL', host: 'web1', message: 'ENOSPC' },
  ];
  t.same(explainLogin(other, target('ops', false)), other, 'other errors stay as they are');
});

t.test('sudo asking for a password is named as such', async (t) => {
  const e: ErrorData = {
    code: 'BOOTSTRAP',
    host: 'web1',
    message: 'web1: the bootstrap exited with status 1 before finishing the run:\nsudo: a password is required',
  };
  const [out] = explainLogin([e], target('deploy', true));
  t.equal(out.code, 'BOOTSTRAP');
  t.match(
    out.message,
    /sudo asks deploy for a password: halite needs passwordless sudo, e\.g\. `deploy ALL=\(ALL\) NOPASSWD:ALL` in \/etc\/sudoers\.d/,
  );
  t.same(explainLogin([e], target('deploy', false)), [e]);
});

t.test('tail keeps the last lines', async (t) => {
  t.equal(tail('a\nb\nc\n\n', 2), 'b\nc');
  t.equal(tail(Array.from({ length: 30 }, (_, i) => String(i)).join('\n')).split('\n').length, 20);
});
