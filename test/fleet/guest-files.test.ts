import t from 'tap';
import { guestFiles, hostsFile } from './guest-files.ts';
import { planFleet } from './plan.ts';

const plan = planFleet('demo', 0, [{ id: 'web1' }, { id: 'db1' }]);

t.test('every host knows the fleet by name at internal addresses', async (t) => {
  const text = hostsFile(plan, plan.hosts[0]);
  t.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  t.match(text, /^10\.77\.1\.1\tjump$/m);
  t.match(text, /^10\.77\.1\.10\tweb1$/m);
  t.match(text, /^10\.77\.1\.11\tdb1$/m);
  t.notMatch(text, /10\.77\.0\./, 'a role host is not told about the master side');
  t.match(hostsFile(plan, plan.jump), /^10\.77\.0\.2\tjump$/m, 'the jump also has its outside address');
});

t.test('the files that make a host', async (t) => {
  const files = new Map(guestFiles(plan, plan.hosts[1], 'ssh-ed25519 AAAAkey master').map((f) => [f.path, f]));
  t.equal(files.get('/etc/hostname')?.content, 'db1\n');
  t.equal(files.get('/root/.ssh/authorized_keys')?.content, 'ssh-ed25519 AAAAkey master\n');
  t.equal(files.get('/root/.ssh/authorized_keys')?.mode, 0o600);
  t.equal(
    files
      .get('/etc/apt/sources.list')
      ?.content.split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join(),
    'deb [trusted=yes] file:/srv/halite-fleet-repo ./',
  );
  const sshd = files.get('/etc/ssh/sshd_config.d/halite-fleet.conf')!.content;
  t.match(sshd, /^PermitRootLogin prohibit-password$/m);
  t.match(sshd, /^PasswordAuthentication no$/m);
  t.match(sshd, /^HostKey \/etc\/ssh\/ssh_host_ed25519_key$/m);
  for (const exe of ['/usr/sbin/init', '/usr/sbin/runlevel']) {
    t.equal(files.get(exe)?.mode, 0o755, `${exe} is executable`);
    t.match(files.get(exe)?.content, /^#!\/bin\/sh\n/);
  }
  for (const f of files.values()) {
    t.notMatch(f.path, /^\/(bin|sbin|lib|lib64)\//, `${f.path} avoids the base's merged-/usr symlinks`);
  }
});

t.test('the init pieces behave as invoke-rc.d needs', async (t) => {
  const { run } = await import('./run.ts');
  const files = new Map(guestFiles(plan, plan.jump, 'k').map((f) => [f.path, f.content]));
  t.equal((await run(['sh', '-c', files.get('/usr/sbin/runlevel')!])).stdout, 'N 2\n');
  t.notOk(
    files.has('/usr/sbin/policy-rc.d'),
    'no policy-rc.d: invoke-rc.d starts what the runlevel starts, as on a booted machine',
  );
  t.equal((await run(['sh', '-n', '-c', files.get('/usr/sbin/init')!])).exitCode, 0, 'init parses');
});
