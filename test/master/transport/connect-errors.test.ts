// How a failed login is told: what was offered, and an ssh-agent that cannot be reached.
import t from 'tap';
import { classifyConnectError } from '../../../master/transport/ssh.ts';

const hop = { address: '10.0.0.5', port: 22, user: 'root' };

t.test('a refusal names what was offered', async (t) => {
  const refused = Object.assign(new Error('All configured authentication methods failed'), {
    level: 'client-authentication',
  });
  const e = classifyConnectError(refused, 'web1', hop, 1000, true, "the key and the ssh-agent's keys");
  t.equal(e.kind, 'auth');
  t.equal(e.message, "web1: authentication as root failed (the server refused the key and the ssh-agent's keys)");
  t.match(classifyConnectError(refused, 'web1', hop, 1000, true).message, /refused the key\)$/);
});

t.test('an ssh-agent that cannot be reached is an auth failure saying so', async (t) => {
  const e = classifyConnectError(new Error('Failed to connect to agent'), 'web1', hop, 1000, true);
  t.equal(e.kind, 'auth');
  t.equal(e.message, 'web1: cannot reach the ssh-agent (SSH_AUTH_SOCK): Failed to connect to agent');
});
