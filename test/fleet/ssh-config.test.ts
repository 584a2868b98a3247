import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';
import { renderKnownHosts, renderSshConfig, type SshTarget } from './ssh-config.ts';

const targets: SshTarget[] = [
  { alias: 'jump', address: '10.77.0.2', port: 22, hostKey: 'ssh-ed25519 AAAAjump root@jump' },
  { alias: 'web1', address: '10.77.1.10', port: 22, proxyJump: 'jump', hostKey: 'ssh-ed25519 AAAAweb1 root@web1' },
  { alias: 'odd', address: '10.77.1.11', port: 2222, proxyJump: 'jump', hostKey: 'ssh-ed25519 AAAAodd' },
];

t.test('the ssh client resolves the config: role hosts through the jump, pinned keys only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet ssh-'));
  const config = join(dir, 'ssh_config');
  writeFileSync(config, renderSshConfig('demo', targets, join(dir, 'id_ed25519'), join(dir, 'known_hosts')));
  const resolve = async (host: string) => {
    const out = (await run(['ssh', '-G', '-F', config, host])).stdout;
    return Object.fromEntries(out.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  };
  const web1 = await resolve('web1');
  t.equal(web1.hostname, '10.77.1.10');
  t.equal(web1.proxyjump, 'jump');
  t.equal(web1.user, 'root');
  t.equal(web1.stricthostkeychecking, 'true');
  t.equal(web1.batchmode, 'yes');
  t.equal(web1.identityfile, join(dir, 'id_ed25519'), 'a path with a space survives');
  t.equal(web1.userknownhostsfile, join(dir, 'known_hosts'));
  const jump = await resolve('jump');
  t.equal(jump.hostname, '10.77.0.2');
  t.equal(jump.proxyjump, undefined, 'the jump host is reached directly');
  t.equal((await resolve('odd')).port, '2222');
});

t.test('known_hosts names each host by id and address, with the port when not 22', async (t) => {
  t.equal(
    renderKnownHosts(targets),
    'jump,10.77.0.2 ssh-ed25519 AAAAjump\nweb1,10.77.1.10 ssh-ed25519 AAAAweb1\n[odd]:2222,[10.77.1.11]:2222 ssh-ed25519 AAAAodd\n',
  );
});
