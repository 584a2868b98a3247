// A private key that cannot be used is a configuration error (exit 5) found before any connection,
// one message naming the key file and where it was set; not a failed or unreachable host.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../master/exit-codes.ts';
import { halite, targetFixture } from '../fake-master.ts';

const fx = targetFixture(t);

function fleet(hosts: Record<string, string[]>): string {
  const dir = fx.master(hosts);
  mkdirSync(join(dir, 'states'));
  mkdirSync(join(dir, 'roles'));
  return dir;
}

/** The configuration with ssh.key pointing at `key` (line 2 of halite.yaml). */
function withKey(dir: string, key: string): void {
  writeFileSync(
    join(dir, 'halite.yaml'),
    ['ssh:', `  key: ${key}`, '  known_hosts: known_hosts', '  persist: 0', 'levels:', '  staging: {}', ''].join('\n'),
  );
}

t.test('a missing ssh.key: one configuration error, no connection, whatever the command', async (t) => {
  const dir = fleet({ web1: ['level: staging'], web2: ['level: staging'] });
  withKey(dir, 'keys/missing');
  const before = fx.target.connections;
  const expected = `${join(dir, 'halite.yaml')}:2: ssh.key: cannot read private key ${join(dir, 'keys/missing')}: no such file (needed for 2 hosts: web1, web2) (CONFIG)\n`;
  for (const args of [
    ['run', '--level', 'staging', '--', 'true'],
    ['highstate', '--level', 'staging'],
  ]) {
    const r = await halite(dir, args);
    t.equal(r.code, EXIT.CONFIG_ERROR, args[0]);
    t.equal(r.stderr, expected, `${args[0]}: one message naming the file and where it was set`);
    t.equal(r.stdout, '', `${args[0]}: no host reported`);
  }
  const ssh = await halite(dir, ['ssh', 'web1', '--', 'true']);
  t.equal(ssh.code, EXIT.CONFIG_ERROR);
  t.match(
    ssh.stderr,
    /halite\.yaml:2: ssh\.key: cannot read private key .*: no such file \(needed for host web1\) \(CONFIG\)\n$/,
  );
  t.equal(fx.target.connections, before, 'no connection was tried');
});

t.test('a roster priv that is missing or not a key: the roster line, once per key file', async (t) => {
  const dir = fleet({
    web1: ['level: staging', 'priv: keys/web'],
    web2: ['level: staging', 'priv: keys/web'],
    db1: ['level: staging', 'priv: notakey'],
  });
  writeFileSync(join(dir, 'notakey'), 'hello\n');
  const r = await halite(dir, ['run', '--level', 'staging', '--', 'true']);
  t.equal(r.code, EXIT.CONFIG_ERROR);
  const roster = join(dir, 'roster.yaml');
  t.equal(
    r.stderr,
    `${roster}:5: web1: priv: cannot read private key ${join(dir, 'keys/web')}: no such file (needed for 2 hosts: web1, web2) (ROSTER)\n` +
      `${roster}:15: db1: priv: cannot use private key ${join(dir, 'notakey')}: not a usable private key (Unsupported key format) (needed for host db1) (ROSTER)\n`,
  );
  const one = await halite(dir, ['run', '--host', 'web2', '--', 'true']);
  t.match(
    one.stderr,
    /^[^\n]*roster\.yaml:10: web2: priv: cannot read private key .*keys\/web: no such file \(needed for host web2\) \(ROSTER\)\n$/,
    'only the keys the selected hosts need',
  );
});

t.test('the default key is not needed when every host names its own and none goes through a jump host', async (t) => {
  const dir = fleet({ web1: ['level: staging', 'priv: id_ed25519'] });
  withKey(dir, 'keys/missing');
  const r = await halite(dir, ['run', '--host', 'web1', '--', 'echo', 'hi']);
  t.equal(r.code, EXIT.OK, r.stderr);
  t.equal(r.stdout, 'web1:\n    hi\n');
});
