import t from 'tap';
import { readCommandLine } from '../../../master/client/command-line.ts';

t.test('the command, the configuration and the daemon flags, wherever they stand before --', async (t) => {
  t.same(readCommandLine(['highstate', '--level', 'staging']), {
    mode: 'auto',
    informational: false,
    command: 'highstate',
  });
  t.same(readCommandLine(['--config', 'run', 'sls', 'memcached']), {
    mode: 'auto',
    informational: false,
    config: 'run',
    command: 'sls',
  });
  t.match(readCommandLine(['highstate', '--config=/etc/h.yaml', '--no-daemon']), {
    command: 'highstate',
    config: '/etc/h.yaml',
    mode: 'never',
  });
  t.match(readCommandLine(['--daemon', 'run', '--role', 'db', '--', 'halite', '--no-daemon', '--help']), {
    command: 'run',
    mode: 'always',
    informational: false,
  });
  t.match(readCommandLine(['highstate', '--help']), { informational: true });
  t.match(readCommandLine(['-V']), { informational: true, command: undefined });
});
