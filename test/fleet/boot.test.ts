import t from 'tap';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { bootArgv, listeningPorts } from './boot.ts';
import { overlayDirs } from './overlay.ts';
import { planFleet } from './plan.ts';

t.test('listening ports are read from the kernel table', async (t) => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  t.ok(listeningPorts(readFileSync('/proc/self/net/tcp', 'utf8')).has(port), `port ${port} is listed`);
  const client = net.connect(port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  t.teardown(() => client.destroy());
  const ports = listeningPorts(readFileSync('/proc/self/net/tcp', 'utf8'));
  t.notOk(ports.has(client.localPort!), 'a connected socket is not listening');
});

t.test('a host boots in its network namespace, with fresh mount, pid, uts and ipc namespaces', async (t) => {
  const plan = planFleet('demo', 0, [{ id: 'web1' }]);
  const argv = bootArgv({
    host: plan.hosts[0],
    dirs: overlayDirs('/o/web1', '/base'),
    repo: '/repo',
    consoleLog: '/x',
  });
  t.same(argv.slice(0, 3), ['nsenter', '--net=/run/netns/halite.demo.web1', '--']);
  for (const flag of ['--mount', '--pid', '--uts', '--ipc', '--fork', '--kill-child']) t.ok(argv.includes(flag), flag);
  t.same(argv.slice(-7), [
    'web1',
    '/base',
    '/o/web1/upper',
    '/o/web1/work',
    '/o/web1/root',
    '/repo',
    '/srv/halite-fleet-repo',
  ]);
});
