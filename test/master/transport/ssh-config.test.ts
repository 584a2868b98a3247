import t from 'tap';
import { configValue, renderSshConfig } from '../../../master/transport/ssh-config.ts';
import type { HostTarget } from '../../../master/transport/target.ts';

const opts = { key: '/keys/id', knownHosts: '/etc/halite/known_hosts' };

t.test('values: % doubled in paths, blanks quoted, quotes refused', async (t) => {
  t.equal(configValue('/a/%h/b', { tokens: true }), '/a/%%h/b');
  t.equal(configValue('/a b/c', { tokens: true }), '"/a b/c"');
  t.throws(() => configValue('/a"b'));
});

t.test('one block per jump host, shared by its hosts; clashing names made distinct', async (t) => {
  const j1 = { address: '10.0.0.1', port: 22, user: 'root' };
  const j2 = { address: '10.0.0.1', port: 2222, user: 'root' };
  const hosts: HostTarget[] = [
    { id: 'a', address: '10.1.0.1', port: 22, user: 'root', jump: j1 },
    { id: 'b', address: 'fd00::2', port: 2200, user: 'admin', jump: j1 },
    { id: 'c', address: '10.1.0.3', port: 22, user: 'root', jump: j2, key: '/keys/c' },
    { id: 'd', address: '10.1.0.4', port: 22, user: 'root', jump: null },
  ];
  const text = renderSshConfig(hosts, opts);
  t.equal(text.match(/^Host halite-jump-10\.0\.0\.1$/gm)?.length, 1);
  t.equal(text.match(/^Host halite-jump-10\.0\.0\.1-2222$/gm)?.length, 1);
  t.match(text, 'Host a\n  HostName 10.1.0.1\n  Port 22\n  User root\n  ProxyJump halite-jump-10.0.0.1\n');
  t.match(text, 'Host b\n  HostName fd00::2\n  Port 2200\n  User admin\n  ProxyJump halite-jump-10.0.0.1\n');
  t.match(text, '  HostKeyAlias [fd00::2]:2200\n');
  t.match(
    text,
    'Host c\n  HostName 10.1.0.3\n  Port 22\n  User root\n  ProxyJump halite-jump-10.0.0.1-2222\n  IdentityFile /keys/c\n',
  );
  t.match(text, 'Host d\n  HostName 10.1.0.4\n  Port 22\n  User root\n  IdentityFile /keys/id\n');
  t.equal(text.match(/UserKnownHostsFile \/etc\/halite\/known_hosts/g)?.length, 6, 'every block pins the same file');
});

t.test('without a key file (ssh-agent alone): no IdentityFile, so ssh offers the agent keys', async (t) => {
  const text = renderSshConfig([{ id: 'web1', address: '10.0.0.5', port: 22, user: 'root', jump: null }], {
    knownHosts: '/srv/known_hosts',
    connectTimeout: 10,
    title: 't',
  });
  t.notMatch(text, /IdentityFile|IdentitiesOnly/);
  t.match(text, /Host web1\n/);
});
