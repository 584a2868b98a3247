// The sources host converged by the shipped state tree through the jump box, first of its level: it
// serves the fleet's package repository over HTTP and every other host installs from it alone; the
// platform's bare repository takes a clone and a push over SSH with the deploy key of the private
// pillar, and nothing else: another key is refused, the account has no shell, and a key taken out
// of the private pillar is revoked at the next highstate.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  changedTags,
  failures,
  parseHighstate,
  secondRunChangesNothing,
  sh,
  withPrivatePillar,
} from './platform-support.ts';
import { cliFor, fleetSuite } from './workspace.ts';

const HOSTS = ['sources1', 'mail1', 'memcache1'];
const suite = fleetSuite('platform-sources', [
  { id: 'sources1', roles: ['sources'], level: 'staging' },
  { id: 'mail1', roles: ['mail'], level: 'staging' },
  { id: 'memcache1', roles: ['memcache'], level: 'staging' },
]);
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;

/** A fresh deploy key in the workspace, and a configuration whose private pillar authorizes only it. */
function deployKey(name: string): { key: string; config: string } {
  const key = join(suite.ws.dir, `deploy-${name}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').trim();
  const config = withPrivatePillar(suite.ws, `deploy-${name}`, {
    'accounts/sources.sls': (text) => text.replace(/^(\s+platform-deploy:) .*$/m, `$1 ${pub}`),
  });
  return { key, config };
}

/** Puts a private key on memcache1 and runs a git command there with it against the sources host. */
async function gitAs(key: string, script: string): Promise<{ code: number; out: string }> {
  await suite.fleet.exec('memcache1', ['sh', '-c', 'umask 077 && cat > /root/deploy-key'], {
    input: readFileSync(key),
  });
  const ssh =
    'ssh -i /root/deploy-key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/root/sources-known-hosts';
  const r = await suite.fleet.exec('memcache1', ['sh', '-c', script], {
    env: { GIT_SSH_COMMAND: ssh, SOURCES: addr('sources1') },
    reject: false,
    timeoutMs: 60_000,
  });
  return { code: r.exitCode ?? -1, out: `${r.stdout}${r.stderr}` };
}

let first: ReturnType<typeof deployKey>;

t.test(
  'a first highstate converges sources before the others with no failed state; then nothing changes',
  async (t) => {
    first = deployKey('first');
    const halite = cliFor(suite.ws, first.config);
    const r = await halite('highstate', '--level', 'staging', '--out', 'json');
    t.same(failures(parseHighstate(r)), []);
    t.equal(r.code, 0, r.err);
    await secondRunChangesNothing(t, () => halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
  },
);

t.test("every other host's only apt source is the sources host, over HTTP", async (t) => {
  const line = `deb [trusted=yes] http://${addr('sources1')}/debian ./`;
  for (const h of ['mail1', 'memcache1']) {
    const sources = await sh(
      suite.fleet,
      h,
      'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v "^#" | grep .',
    );
    t.equal(sources.trim(), line, `${h}: only the mirror`);
  }
  t.match(
    await sh(suite.fleet, 'sources1', 'cat /etc/apt/sources.list'),
    /^deb \[trusted=yes\] file:\/srv\/halite-fleet-repo \.\/$/m,
    'the sources host keeps its upstream',
  );
  t.equal(
    (
      await sh(suite.fleet, 'sources1', 'cmp /srv/halite-fleet-repo/Packages /srv/mirror/debian/Packages && echo same')
    ).trim(),
    'same',
    "the mirror holds the fleet's repository",
  );
});

t.test('a package not installed yet is fetched from the sources host, as its access log shows', async (t) => {
  const before = await suite.fleet.exec('memcache1', ['dpkg-query', '-W', '-f=${Status}', 'git'], { reject: false });
  t.notMatch(before.stdout, /install ok installed/, 'git is not installed on memcache1');
  await suite.fleet.exec('memcache1', ['apt-get', 'update', '-q']);
  const install = await suite.fleet.exec('memcache1', ['apt-get', 'install', '-y', '-q', 'git'], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: 300_000,
  });
  t.match(
    install.stdout,
    new RegExp(`Get:\\d+ http://${addr('sources1').replace(/\./g, '\\.')}/debian \\./ git `),
    'downloaded over HTTP from sources1',
  );
  const log = await sh(suite.fleet, 'sources1', 'cat /var/log/nginx/mirror.access.log');
  const from = (re: string) =>
    new RegExp(`^${addr('memcache1').replace(/\./g, '\\.')} .*"GET /debian/${re} HTTP/1\\.1" 200 `, 'm');
  t.match(log, from('(\\./)?Packages(\\.gz)?'), 'memcache1 read the package index from the mirror');
  t.match(log, from('(\\./)?pool/git_[^ ]+\\.deb'), 'and the package');
  t.match(
    log,
    new RegExp(
      `^${addr('mail1').replace(/\./g, '\\.')} .*"GET /debian/(\\./)?pool/opendkim_[^ ]+\\.deb HTTP/1\\.1" 200 `,
      'm',
    ),
    'the mail host installed its packages from the mirror during the highstate',
  );
  const put = await suite.fleet.exec('memcache1', [
    'node',
    '-e',
    `
    const r = require('http').request({ host: process.argv[1], path: '/debian/Packages', method: 'PUT' }, (res) => console.log(res.statusCode));
    r.end('x');`,
    addr('sources1'),
  ]);
  t.equal(put.stdout.trim(), '403', 'the mirror is read-only');
});

t.test('the platform repository takes a clone and a push over SSH with the deploy key', async (t) => {
  const push = await gitAs(
    first.key,
    `set -e
    rm -rf /tmp/work /tmp/again
    git clone -q git@$SOURCES:platform.git /tmp/work 2>&1
    cd /tmp/work
    echo hello > README
    git add README
    git -c user.name=Probe -c user.email=probe@example.invalid commit -q -m 'first commit'
    git push -q origin HEAD:main 2>&1
    git clone -q git@$SOURCES:platform.git /tmp/again 2>&1
    cat /tmp/again/README`,
  );
  t.equal(push.code, 0, push.code ? push.out : 'clone, commit, push and a second clone');
  t.match(push.out, /hello\n$/, 'a second clone has what was pushed');
  t.equal(
    (await sh(suite.fleet, 'sources1', 'git --git-dir=/srv/git/platform.git log --format=%s main')).trim(),
    'first commit',
  );
  t.equal(
    (
      await sh(suite.fleet, 'sources1', 'stat -c "%U %a" /srv/git /srv/git/.ssh/authorized_keys /srv/git/platform.git')
    ).trim(),
    'git 750\ngit 600\ngit 755',
  );
  t.equal((await sh(suite.fleet, 'sources1', 'getent passwd git | cut -d: -f7')).trim(), '/usr/bin/git-shell');

  const shell = await gitAs(first.key, '$GIT_SSH_COMMAND git@$SOURCES id 2>&1');
  t.not(shell.code, 0, 'the deploy key gets no shell');
  t.match(shell.out, /unrecognized command 'id'/, 'git-shell refuses commands');

  const again = parseHighstate(
    await cliFor(suite.ws, first.config)('highstate', '--level', 'staging', '--host', 'sources1', '--out', 'json'),
  );
  t.same(changedTags(again, 'sources1'), [], 'a highstate leaves the pushed repository alone');
  t.equal(
    (await sh(suite.fleet, 'sources1', 'git --git-dir=/srv/git/platform.git log --format=%s main')).trim(),
    'first commit',
  );
});

t.test('another key is refused, and a key taken out of the private pillar is revoked', async (t) => {
  const second = deployKey('second');
  const refused = await gitAs(second.key, 'git ls-remote git@$SOURCES:platform.git 2>&1');
  t.not(refused.code, 0);
  t.match(refused.out, /Permission denied \(publickey\)/, 'a key not in the private pillar cannot log in');

  const r = await cliFor(suite.ws, second.config)(
    'highstate',
    '--level',
    'staging',
    '--host',
    'sources1',
    '--out',
    'json',
  );
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.same(
    changedTags(doc, 'sources1'),
    ['file_|-git-deploy-keys_|-/srv/git/.ssh/authorized_keys_|-managed'],
    'only the keys file changes',
  );
  t.notMatch(r.out, /ssh-ed25519/, 'no key is shown');
  t.match(
    (await gitAs(second.key, 'git ls-remote git@$SOURCES:platform.git')).out,
    /\trefs\/heads\/main\n/,
    'the new key reads the repository',
  );
  t.match(
    (await gitAs(first.key, 'git ls-remote git@$SOURCES:platform.git 2>&1')).out,
    /Permission denied \(publickey\)/,
    'the old key is revoked',
  );
});
