// pip, npm, gem and pecl states on a real Debian VM with no route out: every package comes from a
// local source the test makes itself (wheels it assembles, npm tarballs, a gem built on the host
// with `gem build`, a PECL package whose C extension pecl builds), the tools (python3-pip,
// python3-venv, npm, ruby, php-pear and php-dev) from the fleet's apt
// repository through pkg.installed states the language states require, as Salt users write them.
// A second run changes nothing; without its tool a state fails naming it.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, type Fleet } from '../fleet/index.ts';
import { applyLocal, changed, putAgent, putFiles, REMOTE, results } from './support.ts';
import { GEM_FILES, npmTarball, peclPackage, wheel } from './lang-package-sources.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const HOST = 'langpkg1';
const PKGS = '/srv/pkgs';
let fleet: Fleet;

const FIND = ['    - no_index: True', `    - find_links: ${PKGS}/wheels`];
const VENV = '/opt/app/venv';

const SLS = {
  // what Salt users write: the tool from a package, the language states requiring it
  'langpkgs/init.sls': [
    'python-tools:',
    '  pkg.installed:',
    '    - pkgs: [python3-pip, python3-venv]',
    'app-venv:',
    '  cmd.run:',
    `    - name: python3 -m venv ${VENV}`,
    `    - creates: ${VENV}/bin/pip`,
    '    - require:',
    '      - pkg: python-tools',
    'halitedemo:',
    '  pip.installed:',
    '    - name: halitedemo >= 1.0, < 1.1',
    `    - bin_env: ${VENV}`,
    ...FIND,
    '    - require:',
    '      - cmd: app-venv',
    'app-requirements:',
    '  pip.installed:',
    '    - requirements: salt://langpkgs/requirements.txt',
    `    - bin_env: ${VENV}`,
    ...FIND,
    '    - require:',
    '      - cmd: app-venv',
    // Debian 12 marks its Python externally managed (PEP 668): system-wide, pip needs the flag
    'system-cli:',
    '  pip.installed:',
    '    - pkgs: [halitecli]',
    ...FIND,
    '    - extra_args: [--break-system-packages]',
    '    - require:',
    '      - pkg: python-tools',
    'npm:',
    '  pkg.installed: []',
    'halite-left-global:',
    '  npm.installed:',
    `    - name: ${PKGS}/npm/halite-left-1.0.0.tgz`,
    '    - require:',
    '      - pkg: npm',
    '/opt/app/web:',
    '  file.directory: []',
    'halite-right-in-dir:',
    '  npm.installed:',
    `    - pkgs: [${PKGS}/npm/halite-right-2.1.0.tgz]`,
    '    - dir: /opt/app/web',
    '    - require:',
    '      - pkg: npm',
    '      - file: /opt/app/web',
    'ruby:',
    '  pkg.installed: []',
    'build-gem:',
    '  cmd.run:',
    '    - name: gem build halitedemo.gemspec',
    `    - cwd: ${PKGS}/gem`,
    `    - creates: ${PKGS}/gem/halitedemo-1.0.0.gem`,
    '    - require:',
    '      - pkg: ruby',
    'halitedemo-gem:',
    '  gem.installed:',
    `    - name: ${PKGS}/gem/halitedemo-1.0.0.gem`,
    '    - require:',
    '      - cmd: build-gem',
    'php-build:',
    '  pkg.installed:',
    '    - pkgs: [php-pear, php-dev]',
    'halitedemo-ext:',
    '  pecl.installed:',
    `    - name: ${PKGS}/pecl/halitedemo-1.0.0.tgz`,
    '    - require:',
    '      - pkg: php-build',
    '',
  ].join('\n'),
  'langpkgs/requirements.txt': 'halitetools==2.0\n',
  'upgrade.sls': ['halitedemo:', '  pip.installed:', '    - upgrade: True', `    - bin_env: ${VENV}`, ...FIND, ''].join(
    '\n',
  ),
  'removal.sls': [
    'halitedemo:',
    '  pip.removed:',
    `    - bin_env: ${VENV}`,
    'halite-left:',
    '  npm.removed: []',
    'halite-right:',
    '  npm.removed:',
    '    - dir: /opt/app/web',
    'halitedemo-gem:',
    '  gem.removed:',
    '    - name: halitedemo',
    'halitedemo-ext:',
    '  pecl.removed:',
    '    - name: halitedemo',
    '',
  ].join('\n'),
  'missing.sls': [
    'nothing-yet:',
    '  pip.installed:',
    '    - name: halitedemo',
    'no-npm:',
    '  npm.installed:',
    '    - name: halite-left',
    'no-gem:',
    '  gem.installed:',
    '    - name: halitedemo',
    'no-pecl:',
    '  pecl.installed:',
    '    - name: redis',
    '',
  ].join('\n'),
  'top.sls': "base:\n  '*':\n    - langpkgs\n",
};

t.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-langpkgs-'));
  try {
    const files: Record<string, Buffer | string> = {};
    for (const [name, version] of [
      ['halitedemo', '1.0'],
      ['halitedemo', '1.1'],
      ['halitetools', '2.0'],
      ['halitecli', '0.3'],
    ]) {
      const f = wheel(dir, name, version);
      files[`wheels/${f}`] = readFileSync(join(dir, f));
    }
    for (const [name, version] of [
      ['halite-left', '1.0.0'],
      ['halite-right', '2.1.0'],
    ]) {
      const f = npmTarball(dir, name, version);
      files[`npm/${f}`] = readFileSync(join(dir, f));
    }
    for (const [rel, text] of Object.entries(GEM_FILES)) files[`gem/${rel}`] = text;
    const pecl = peclPackage(dir);
    files[`pecl/${pecl}`] = readFileSync(join(dir, pecl));
    fleet = await up({
      name: 'pkgmod-x',
      replace: true,
      hosts: [{ id: HOST, roles: ['memcache'], level: 'staging' }],
    });
    await putAgent(fleet, HOST);
    await putFiles(fleet, HOST, PKGS, files);
    await putFiles(fleet, HOST, `${REMOTE}/states`, SLS);
    await putFiles(fleet, HOST, `${REMOTE}/pillar`, { 'top.sls': "base:\n  '*': []\n" });
    await putFiles(fleet, HOST, REMOTE, { 'grains.yaml': 'level: staging\nroles: [memcache]\n' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
t.teardown(async () => fleet?.down());

const PIP = 'pip_|-halitedemo_|-halitedemo >= 1.0, < 1.1_|-installed';
const REQS = 'pip_|-app-requirements_|-app-requirements_|-installed';
const SYSTEM = 'pip_|-system-cli_|-system-cli_|-installed';
const NPM_GLOBAL = `npm_|-halite-left-global_|-${PKGS}/npm/halite-left-1.0.0.tgz_|-installed`;
const NPM_DIR = 'npm_|-halite-right-in-dir_|-halite-right-in-dir_|-installed';
const GEM = `gem_|-halitedemo-gem_|-${PKGS}/gem/halitedemo-1.0.0.gem_|-installed`;
const PECL = `pecl_|-halitedemo-ext_|-${PKGS}/pecl/halitedemo-1.0.0.tgz_|-installed`;

t.test('without their tools the states fail, naming the tool and the package that brings it', async (t) => {
  const run = await applyLocal(fleet, HOST, ['missing']);
  const r = results(run, HOST);
  t.equal(run.code, 2, 'exit code 2: states failed');
  const pip = r['pip_|-nothing-yet_|-halitedemo_|-installed'];
  t.equal(pip.result, false);
  t.match(pip.comment, /No module named pip.*pkg\.installed: python3-pip/s);
  const npm = r['npm_|-no-npm_|-halite-left_|-installed'];
  t.equal(npm.result, false);
  t.match(npm.comment, /npm is not installed.*pkg\.installed: npm/s);
  const gem = r['gem_|-no-gem_|-halitedemo_|-installed'];
  t.equal(gem.result, false);
  t.match(gem.comment, /gem is not installed.*pkg\.installed: ruby/s);
  const pecl = r['pecl_|-no-pecl_|-redis_|-installed'];
  t.equal(pecl.result, false);
  t.match(pecl.comment, /pecl is not installed.*pkg\.installed: php-pear/s);
});

t.test('test mode on the fresh host plans the language packages behind their pending tools', async (t) => {
  const run = await applyLocal(fleet, HOST, ['langpkgs', '--test']);
  const r = results(run, HOST);
  t.equal(run.code, 0, run.stderr);
  for (const tag of [PIP, REQS, SYSTEM, NPM_GLOBAL, NPM_DIR, GEM, PECL]) {
    t.equal(r[tag].result, null, `${tag} would change`);
    t.match(r[tag].comment, /not available yet|would|set to be|will be processed/, tag);
  }
  const dpkg = await fleet.exec(HOST, ['dpkg-query', '-W', '-f', '${Status}', 'npm'], { reject: false });
  t.notMatch(dpkg.stdout, /install ok installed/, 'test mode installed nothing');
});

t.test('the first run installs the tools and every package from the local sources', async (t) => {
  const run = await applyLocal(fleet, HOST, ['langpkgs']);
  const r = results(run, HOST);
  t.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  t.same(r[PIP].changes, { 'halitedemo==1.0': 'Installed' }, 'the newest version the specifier allows');
  t.equal(r[PIP].comment, 'All packages were successfully installed');
  t.same(r[REQS].changes, { requirements: true });
  t.equal(r[REQS].comment, 'Successfully processed requirements file salt://langpkgs/requirements.txt.');
  t.same(r[SYSTEM].changes, { 'halitecli==0.3': 'Installed' });
  t.same(r[NPM_GLOBAL].changes, { old: [], new: [`${PKGS}/npm/halite-left-1.0.0.tgz`] });
  t.same(r[NPM_DIR].changes, { old: [], new: [`${PKGS}/npm/halite-right-2.1.0.tgz`] });
  t.same(r[GEM].changes, { halitedemo: 'Installed' });
  t.equal(r[GEM].comment, 'Installed Gem');
  const py = await fleet.exec(HOST, [
    `${VENV}/bin/python`,
    '-c',
    'import halitedemo, halitetools; print(halitedemo.VERSION, halitetools.VERSION)',
  ]);
  t.equal(py.stdout.trim(), '1.0 2.0', 'the venv imports both packages');
  const sys = await fleet.exec(HOST, ['python3', '-c', 'import halitecli; print(halitecli.VERSION)']);
  t.equal(sys.stdout.trim(), '0.3', 'the system python imports the system-wide package');
  const left = await fleet.exec(HOST, [
    'sh',
    '-c',
    'node -e "console.log(require(process.argv[1]))" "$(npm root -g)/halite-left"',
  ]);
  t.equal(left.stdout.trim(), 'halite-left 1.0.0', 'the global package loads');
  const right = await fleet.exec(HOST, [
    'sh',
    '-c',
    'cd /opt/app/web && node -e "console.log(require(\'halite-right\'))"',
  ]);
  t.equal(right.stdout.trim(), 'halite-right 2.1.0', 'the package installed in dir loads from there');
  const gem = await fleet.exec(HOST, ['ruby', '-e', 'require "halitedemo"; puts Halitedemo::VERSION']);
  t.equal(gem.stdout.trim(), '1.0.0', 'the gem loads');
  t.same(r[PECL].changes, { [`${PKGS}/pecl/halitedemo-1.0.0.tgz`]: 'Installed' });
  const ext = await fleet.exec(HOST, ['php', '-d', 'extension=halitedemo.so', '-r', 'echo halitedemo_version();']);
  t.equal(ext.stdout.trim(), '1.0.0', 'the extension pecl built loads into PHP');
});

t.test('a second run changes nothing', async (t) => {
  const run = await applyLocal(fleet, HOST, ['langpkgs']);
  t.equal(run.code, 0, run.stderr);
  t.same(changed(run, HOST), [], 'no changes');
  const r = results(run, HOST);
  t.match(r[PIP].comment, /All specified packages are already installed/);
  t.equal(r[REQS].comment, 'Requirements were already installed.');
  t.match(r[NPM_GLOBAL].comment, /satisfied by halite-left@1\.0\.0/);
  t.equal(r[GEM].comment, 'Gem is already installed.');
  t.equal(r[PECL].comment, `Pecl extension ${PKGS}/pecl/halitedemo-1.0.0.tgz is already installed.`);
});

t.test('upgrade takes the newest wheel find_links offers, once', async (t) => {
  const test = results(await applyLocal(fleet, HOST, ['upgrade', '--test']), HOST);
  const tag = 'pip_|-halitedemo_|-halitedemo_|-installed';
  t.equal(test[tag].result, null);
  t.equal(test[tag].comment, 'Python package halitedemo is set to be installed');
  const run = await applyLocal(fleet, HOST, ['upgrade']);
  t.equal(run.code, 0, run.stderr);
  t.same(results(run, HOST)[tag].changes, { 'halitedemo==1.1': 'Installed' });
  const again = await applyLocal(fleet, HOST, ['upgrade']);
  t.same(changed(again, HOST), [], 'already at the newest version');
  t.match(results(again, HOST)[tag].comment, /already installed and up-to-date/);
});

t.test('the removed states uninstall each package, then change nothing', async (t) => {
  const run = await applyLocal(fleet, HOST, ['removal']);
  const r = results(run, HOST);
  t.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  t.same(r['pip_|-halitedemo_|-halitedemo_|-removed'].changes, { halitedemo: 'Removed' });
  t.same(r['npm_|-halite-left_|-halite-left_|-removed'].changes, { 'halite-left': 'Removed' });
  t.same(r['npm_|-halite-right_|-halite-right_|-removed'].changes, { 'halite-right': 'Removed' });
  t.same(r['gem_|-halitedemo-gem_|-halitedemo_|-removed'].changes, { halitedemo: 'Removed' });
  t.same(r['pecl_|-halitedemo-ext_|-halitedemo_|-removed'].changes, { halitedemo: 'Removed' });
  const gone = await fleet.exec(HOST, [`${VENV}/bin/python`, '-c', 'import halitedemo'], { reject: false });
  t.not(gone.exitCode, 0, 'halitedemo is gone from the venv');
  const again = await applyLocal(fleet, HOST, ['removal']);
  t.same(changed(again, HOST), [], 'nothing left to remove');
  t.equal(results(again, HOST)['gem_|-halitedemo-gem_|-halitedemo_|-removed'].comment, 'Gem is not installed.');
});
