// The base every VM gets, converged by the shipped state tree through the jump box: administrator
// accounts with their keys and sudo, /etc/hosts from the inventory, chrony, unattended security
// upgrades, logrotate and a Postfix satellite; a repeated highstate changes nothing.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './support.ts';
import { changedTags, secondRunChangesNothing, failures, parseHighstate, sh } from './platform-support.ts';
import { fleetSuite } from './workspace.ts';

const suite = fleetSuite(
  'platform-base',
  [
    { id: 'memcache1', roles: ['memcache'], level: 'staging' },
    { id: 'sessions1', roles: ['sessions'], level: 'staging' },
  ],
  async (s) => {
    // the fleet names its hosts in /etc/hosts: start from Debian's file, so the names come from halite
    for (const h of s.fleet.hosts)
      await s.fleet.exec(h.id, [
        'sh',
        '-c',
        'printf "127.0.0.1\\tlocalhost\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n" > /etc/hosts',
      ]);
  },
);
const HOSTS = ['memcache1', 'sessions1'];
const admins = parse(readFileSync(join(REPO, 'pillar-private/accounts/admins.sls'), 'utf8')).admins as Record<
  string,
  { ssh_keys: string[] }
>;
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;

t.test('a first highstate converges the base on every host with no failed state', async (t) => {
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  t.same(Object.keys(doc).sort(), HOSTS);
  for (const h of HOSTS) {
    t.ok(changedTags(doc, h).includes('service_|-chrony_|-chrony_|-running'), `${h}: chrony started`);
    const status = await sh(
      suite.fleet,
      h,
      "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' chrony unattended-upgrades logrotate cron postfix bsd-mailx sudo",
    );
    t.same(
      status
        .trim()
        .split('\n')
        .filter((l) => l.endsWith(' installed')).length,
      7,
      `${h}: the base packages are installed`,
    );
  }
});

t.test('the second run changes nothing, though memcache and sessions share a wave', async (t) => {
  // neither had reported when the first run started: /etc/hosts named both by their roster addresses
  await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
});

t.test('/etc/hosts names every other host of the level by the address it reported', async (t) => {
  for (const h of HOSTS) {
    const hosts = await sh(suite.fleet, h, 'cat /etc/hosts');
    for (const o of HOSTS.filter((x) => x !== h))
      t.match(hosts, new RegExp(`^${addr(o).replace(/\./g, '\\.')}\\s+${o}$`, 'm'), `${h} names ${o}`);
  }
});

t.test('administrators: accounts with their keys, in group sudo, sudo without a password', async (t) => {
  for (const [name, a] of Object.entries(admins)) {
    t.match(await sh(suite.fleet, 'memcache1', `id -nG ${name}`), /\bsudo\b/, `${name} is in group sudo`);
    const keys = await sh(
      suite.fleet,
      'memcache1',
      `cat /home/${name}/.ssh/authorized_keys; stat -c '%U %a' /home/${name}/.ssh/authorized_keys`,
    );
    for (const k of a.ssh_keys) t.ok(keys.includes(k), `${name}'s key is authorized`);
    t.match(keys, new RegExp(`^${name} 600$`, 'm'), 'owned by the admin, private');
    t.equal(
      (await sh(suite.fleet, 'memcache1', `su - ${name} -c 'sudo -n id -u'`)).trim(),
      '0',
      `${name} gets root with sudo -n`,
    );
    t.match(
      await sh(suite.fleet, 'memcache1', `getent shadow ${name} | cut -d: -f2`),
      /^[!*]/,
      'no password: key-only login',
    );
  }
  t.equal(
    (await sh(suite.fleet, 'memcache1', 'visudo -c >/dev/null && echo valid')).trim(),
    'valid',
    'sudoers is valid',
  );
});

t.test(
  "chrony runs with the level's servers; logrotate and unattended-upgrades configurations are valid",
  async (t) => {
    for (const h of HOSTS) {
      t.equal(
        (await suite.fleet.exec(h, ['service', 'chrony', 'status'], { reject: false })).exitCode,
        0,
        `${h}: chronyd runs`,
      );
      t.match(await sh(suite.fleet, h, 'chronyc -n sources'), /192\.0\.2\.123/, `${h}: following the pillar's server`);
    }
    const lr = await suite.fleet.exec('memcache1', ['logrotate', '--debug', '/etc/logrotate.conf'], { reject: false });
    t.equal(lr.exitCode, 0, 'logrotate accepts the configuration');
    t.match(lr.stderr, /rotating pattern: \/var\/log\/chrony\/\*\.log/, "packages' rules are included");
    t.match(
      await sh(suite.fleet, 'memcache1', 'apt-config dump APT::Periodic'),
      /APT::Periodic::Unattended-Upgrade "1";/,
    );
    const uu = await suite.fleet.exec('memcache1', ['unattended-upgrade', '--dry-run', '--debug'], {
      reject: false,
      timeoutMs: 120_000,
    });
    t.equal(uu.exitCode, 0, 'unattended-upgrade accepts the configuration');
    t.match(
      uu.stdout + uu.stderr,
      /Allowed origins are: origin=Debian,codename=bookworm-security,label=Debian-Security/,
    );
    t.match(
      await sh(suite.fleet, 'memcache1', 'ls /etc/cron.daily'),
      /\bapt-compat\b/,
      "apt's daily job runs from cron",
    );
  },
);

t.test('postfix is a satellite: loopback only, no local delivery', async (t) => {
  for (const h of HOSTS) {
    t.equal(
      (await suite.fleet.exec(h, ['service', 'postfix', 'status'], { reject: false })).exitCode,
      0,
      `${h}: postfix runs`,
    );
    const listen = await sh(suite.fleet, h, "ss -Hltn 'sport = :25' | awk '{print $4}' | sort");
    t.same(
      listen.trim().split('\n').sort(),
      ['127.0.0.1:25', '[::1]:25'].filter((a) => listen.includes(a)),
      `${h}: listens on loopback only`,
    );
    t.notMatch(listen, addr(h), `${h}: not on its fleet address`);
    t.match(await sh(suite.fleet, h, 'postconf -h inet_interfaces mydestination'), /^loopback-only\n\n$/);
  }
});
