// The system states on a real Debian VM: timezone.system, locale.present/system (the locales
// package from the fleet's repository), alternatives.install/set/auto/remove, archive.extracted
// (a tarball and a zip this test builds, shipped in the state tree), mount.mounted (tmpfs and a
// bind mount, inside the VM's own mount namespace) and mount.unmounted. Test mode first changes
// nothing; the first run converges; the second run changes nothing.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, type Fleet } from '../fleet/index.ts';
import { applyLocal, changed, putAgent, putFiles, REMOTE, results } from './support.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const HOST = 'sys1';
let fleet: Fleet;

/** The app-1.0 tarball and app.zip, built here from a few files. */
function archives(): { tgz: Buffer; zip: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'halite-sysstates-'));
  try {
    mkdirSync(join(dir, 'app-1.0/bin'), { recursive: true });
    writeFileSync(join(dir, 'app-1.0/README'), 'app 1.0\n');
    writeFileSync(join(dir, 'app-1.0/bin/app'), '#!/bin/sh\necho app\n', { mode: 0o755 });
    execFileSync('tar', ['-czf', 'app.tgz', 'app-1.0'], { cwd: dir });
    const zip = [
      'import zipfile',
      "z = zipfile.ZipFile('app.zip', 'w')",
      "z.write('app-1.0/')",
      "z.write('app-1.0/README')",
      "z.write('app-1.0/bin/')",
      "z.write('app-1.0/bin/app')",
      'z.close()',
    ].join('\n');
    execFileSync('python3', ['-c', zip], { cwd: dir });
    return { tgz: readFileSync(join(dir, 'app.tgz')), zip: readFileSync(join(dir, 'app.zip')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SLS = `
system-packages:
  pkg.installed:
    - pkgs: [locales, unzip]

Europe/Paris:
  timezone.system:
    - utc: True

generated-locale:
  locale.present:
    - name: en_US.UTF-8
    - require:
      - pkg: system-packages

default-locale:
  locale.system:
    - name: en_US.UTF-8
    - require:
      - locale: generated-locale

{% for tool in ['a', 'b'] %}
/opt/tool-{{ tool }}:
  file.managed:
    - contents: "#!/bin/sh\\necho {{ tool }}"
    - mode: '0755'
{% endfor %}

tool-a:
  alternatives.install:
    - name: halite-tool
    - link: /usr/local/bin/halite-tool
    - path: /opt/tool-a
    - priority: 10
    - require:
      - file: /opt/tool-a

tool-b:
  alternatives.install:
    - name: halite-tool
    - link: /usr/local/bin/halite-tool
    - path: /opt/tool-b
    - priority: 20
    - require:
      - file: /opt/tool-b

tool-pinned:
  alternatives.set:
    - name: halite-tool
    - path: /opt/tool-a
    - require:
      - alternatives: tool-a
      - alternatives: tool-b

halite-auto:
  alternatives.auto: []

halite-rm:
  alternatives.remove:
    - path: /opt/tool-b

/srv/app:
  archive.extracted:
    - source: salt://system/app-1.0.tar.gz
    - source_hash: salt://system/SHA256SUMS
    - user: www-data
    - group: www-data

/srv/zipapp:
  archive.extracted:
    - source: salt://system/app.zip
    - require:
      - pkg: system-packages

/etc/halite-cache.conf:
  file.managed:
    - source: salt://system/cache.conf

/mnt/halite-cache:
  mount.mounted:
    - device: tmpfs
    - fstype: tmpfs
    - opts: size=2m,mode=755
    - mkmnt: True
    - watch:
      - file: /etc/halite-cache.conf

/mnt/halite-app:
  mount.mounted:
    - device: /srv/app/app-1.0
    - fstype: none
    - opts: bind
    - mkmnt: True
    - require:
      - archive: /srv/app

/mnt/halite-old:
  mount.unmounted:
    - persist: True
`;

const sh = async (cmd: string): Promise<string> => (await fleet.exec(HOST, ['sh', '-c', cmd])).stdout.trim();

t.before(async () => {
  fleet = await up({ name: 'sysmod-x', replace: true, hosts: [{ id: HOST, roles: [], level: 'staging' }] });
  await putAgent(fleet, HOST);
  const { tgz, zip } = archives();
  const sum = createHash('sha256').update(tgz).digest('hex');
  await putFiles(fleet, HOST, `${REMOTE}/states`, {
    'top.sls': "base:\n  '*':\n    - system\n",
    'system/init.sls': SLS,
    'system/app-1.0.tar.gz': tgz,
    'system/app.zip': zip,
    'system/SHA256SUMS': `${sum}  app-1.0.tar.gz\n`,
    'system/cache.conf': 'rev 1\n',
  });
  await putFiles(fleet, HOST, `${REMOTE}/pillar`, { 'top.sls': "base:\n  '*': []\n" });
  await putFiles(fleet, HOST, REMOTE, { 'grains.yaml': 'level: staging\nroles: []\n' });
  // what the states find: a clock in local time, two alternative groups set up by hand (one in
  // manual mode, one with the alternative to remove), a mount to take away with its fstab line
  await sh(
    [
      "printf '0.0 0 0.0\\n0\\nLOCAL\\n' > /etc/adjtime",
      "printf '#!/bin/sh\\n' > /opt/pre-a && printf '#!/bin/sh\\n' > /opt/pre-b && chmod 755 /opt/pre-a /opt/pre-b",
      'mkdir -p /opt && cp /opt/pre-a /opt/tool-a && cp /opt/pre-b /opt/tool-b',
      'update-alternatives --install /usr/local/bin/halite-auto halite-auto /opt/tool-a 5 >/dev/null',
      'update-alternatives --install /usr/local/bin/halite-auto halite-auto /opt/tool-b 50 >/dev/null',
      'update-alternatives --set halite-auto /opt/tool-a >/dev/null',
      'update-alternatives --install /usr/local/bin/halite-rm halite-rm /opt/tool-a 1 >/dev/null',
      'update-alternatives --install /usr/local/bin/halite-rm halite-rm /opt/tool-b 2 >/dev/null',
      'mkdir -p /mnt/halite-old && mount -t tmpfs -o size=1m tmpfs /mnt/halite-old',
      "printf 'tmpfs /mnt/halite-old tmpfs size=1m 0 0\\n' >> /etc/fstab",
    ].join(' && '),
  );
});
t.teardown(async () => fleet?.down());

const tag = (state: string, id: string, name: string, fun: string): string => `${state}_|-${id}_|-${name}_|-${fun}`;
const TZ = tag('timezone', 'Europe/Paris', 'Europe/Paris', 'system');
const LOCALE = tag('locale', 'generated-locale', 'en_US.UTF-8', 'present');
const ARCHIVE = tag('archive', '/srv/app', '/srv/app', 'extracted');
const CACHE = tag('mount', '/mnt/halite-cache', '/mnt/halite-cache', 'mounted');

t.test('test mode reports what would change and changes nothing', async (t) => {
  const run = await applyLocal(fleet, HOST, ['--test']);
  const r = results(run, HOST);
  const failing = Object.entries(r).filter(([, v]) => v.result === false);
  t.same(failing, [], 'no state fails in test mode, those whose requisites would change included');
  t.equal(run.code, 0, run.stderr);
  t.equal(
    r[tag('alternatives', 'tool-pinned', 'halite-tool', 'set')].comment,
    'Alternative for halite-tool will be set to path /opt/tool-a',
  );
  t.equal(r[TZ].result, null);
  t.equal(r[TZ].comment, 'Timezone Europe/Paris needs to be set, UTC needs to be set to True');
  t.equal(r[LOCALE].result, null, 'locale would be generated (locales not installed yet)');
  t.equal(r[ARCHIVE].result, null);
  t.match(r[ARCHIVE].comment, /^Archive salt:\/\/system\/app-1.0.tar.gz would be extracted to \/srv\/app\//);
  t.equal(r[CACHE].comment, '/mnt/halite-cache would be created and mounted');
  t.equal(await sh('cat /etc/timezone'), 'Etc/UTC', 'zone unchanged');
  t.equal(await sh('test -e /srv/app && echo yes || echo no'), 'no', 'nothing extracted');
  t.equal(await sh('grep -c halite-cache /proc/self/mountinfo || true'), '0', 'nothing mounted');
});

t.test('the first run converges every state', async (t) => {
  const run = await applyLocal(fleet, HOST);
  const r = results(run, HOST);
  t.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(r, null, 1)}`);
  for (const [k, v] of Object.entries(r)) t.equal(v.result, true, `${k}: ${v.comment}`);
  t.same(r[TZ].changes, { timezone: 'Europe/Paris', utc: true });
  t.equal(await sh('readlink /etc/localtime'), '/usr/share/zoneinfo/Europe/Paris');
  t.equal(await sh('cat /etc/timezone'), 'Europe/Paris');
  t.equal(await sh('sed -n 3p /etc/adjtime'), 'UTC');
  t.match(await sh('date +%Z'), /^CES?T$/, 'the C library reads the new zone');

  t.match(await sh('locale -a'), /^en_US\.utf8$/m, 'the locale was generated');
  t.match(await sh('cat /etc/locale.gen'), /^en_US\.UTF-8 UTF-8$/m);
  t.match(await sh('cat /etc/default/locale'), /^LANG=en_US\.UTF-8$/m);
  t.equal(await sh('LANG=en_US.UTF-8 locale 2>&1 >/dev/null | wc -l'), '0', 'the system locale is usable');

  t.equal(await sh('readlink -f /usr/local/bin/halite-tool'), '/opt/tool-a', 'set pins the lower priority');
  t.match(await sh('update-alternatives --query halite-tool'), /^Status: manual$/m);
  t.match(await sh('update-alternatives --query halite-auto'), /^Status: auto$/m);
  t.equal(await sh('readlink -f /usr/local/bin/halite-auto'), '/opt/tool-b', 'auto follows the highest priority');
  t.equal(await sh('update-alternatives --list halite-rm'), '/opt/tool-a', 'the removed alternative is gone');
  t.same(r[tag('alternatives', 'halite-rm', 'halite-rm', 'remove')].changes, { path: '/opt/tool-a' });

  t.equal(await sh('cat /srv/app/app-1.0/README'), 'app 1.0');
  t.equal(await sh('stat -c %U:%G /srv/app/app-1.0/bin/app'), 'www-data:www-data', 'ownership enforced recursively');
  t.equal(await sh('/srv/zipapp/app-1.0/bin/app'), 'app', 'the zip was extracted with its modes');

  t.match(await sh('grep " /mnt/halite-cache " /proc/self/mountinfo'), /tmpfs tmpfs rw,size=2048k,mode=755/);
  t.equal(await sh('cat /mnt/halite-app/README'), 'app 1.0', 'the bind mount shows the extracted tree');
  t.match(await sh('cat /etc/fstab'), /^tmpfs\t\t\/mnt\/halite-cache\ttmpfs\tsize=2m,mode=755\t0 0$/m);
  t.match(await sh('cat /etc/fstab'), /^\/srv\/app\/app-1.0\t\t\/mnt\/halite-app\tnone\tbind\t0 0$/m);
  t.equal(await sh('grep -c halite-old /proc/self/mountinfo /etc/fstab | cut -d: -f2 | paste -sd+'), '0+0');
});

t.test('a second run changes nothing', async (t) => {
  const run = await applyLocal(fleet, HOST);
  const r = results(run, HOST);
  t.equal(run.code, 0, run.stderr);
  t.same(changed(run, HOST), [], 'no state reports changes');
  for (const [k, v] of Object.entries(r)) t.equal(v.result, true, `${k}: ${v.comment}`);
  t.equal(r[ARCHIVE].comment, 'All files in archive are already present');
  t.equal(r[CACHE].comment, 'Target was already mounted. Entry already exists in the fstab.');
});

t.test('drift is put back: a remounted tmpfs, a dropped file, a zone changed by hand', async (t) => {
  await sh(
    'mount -o remount,size=1m /mnt/halite-cache && rm /srv/app/app-1.0/README && ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime',
  );
  const run = await applyLocal(fleet, HOST);
  t.equal(run.code, 0, run.stderr);
  t.same(changed(run, HOST), [ARCHIVE, CACHE, TZ].sort());
  const r = results(run, HOST);
  t.equal(r[CACHE].changes.umount, 'Forced remount because options (size=2m) changed');
  t.match(r[ARCHIVE].comment, /due to absence of one or more files\/dirs$/);
  t.match(await sh('grep " /mnt/halite-cache " /proc/self/mountinfo'), /size=2048k/);
  t.same(changed(await applyLocal(fleet, HOST), HOST), [], 'and the next run changes nothing');
});

t.test('a change of a watched file remounts the tmpfs (mod_watch)', async (t) => {
  await putFiles(fleet, HOST, `${REMOTE}/states`, { 'system/cache.conf': 'rev 2\n' });
  const run = await applyLocal(fleet, HOST);
  t.equal(run.code, 0, run.stderr);
  const r = results(run, HOST);
  t.same(changed(run, HOST), [tag('file', '/etc/halite-cache.conf', '/etc/halite-cache.conf', 'managed')]);
  t.equal(r[CACHE].result, true);
  t.equal(r[CACHE].comment, '/mnt/halite-cache remounted');
  t.match(await sh('grep " /mnt/halite-cache " /proc/self/mountinfo'), /size=2048k,mode=755/, 'still mounted as asked');
});
