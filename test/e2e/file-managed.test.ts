// file.managed on a real Debian VM (a namespace host of the test fleet): check_cmd refuses a broken
// script and the installed one stays, attrs are set with the host's chattr on its root file system,
// and a source_hash that does not match leaves the file alone.
import t from 'tap';
import { createHash } from 'node:crypto';
import { up, type Fleet } from '../fleet/index.ts';
import { applyLocal, putAgent, putFiles, REMOTE, results } from './support.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

const HOST = 'files1';
const SCRIPT = 'file_|-script_|-/usr/local/bin/hello_|-managed';
const CONF = 'file_|-conf_|-/etc/hello.conf_|-managed';
const GOOD = '#!/bin/sh\necho hello\n';
const BROKEN = '#!/bin/sh\nif then fi\n';

let fleet: Fleet;

/** The state tree: the script checked by `sh -n`, and a config with attributes and a source hash. */
async function states(script: string, confHash: string): Promise<void> {
  await putFiles(fleet, HOST, `${REMOTE}/states`, {
    'top.sls': "base:\n  '*':\n    - files\n",
    'hello.sh': script,
    'hello.conf': 'greeting = hello\n',
    'files.sls': [
      'script:',
      '  file.managed:',
      '    - name: /usr/local/bin/hello',
      '    - source: salt://hello.sh',
      "    - mode: '0755'",
      '    - check_cmd: sh -n',
      'conf:',
      '  file.managed:',
      '    - name: /etc/hello.conf',
      '    - source: salt://hello.conf',
      `    - source_hash: sha256=${confHash}`,
      '    - attrs: A',
      '',
    ].join('\n'),
  });
}

const CONF_HASH = createHash('sha256').update('greeting = hello\n').digest('hex');

t.before(async () => {
  fleet = await up({ name: 'file-typed-x', replace: true, hosts: [{ id: HOST, roles: ['files'], level: 'staging' }] });
  await putAgent(fleet, HOST);
  await putFiles(fleet, HOST, REMOTE, { 'grains.yaml': 'level: staging\nroles: [files]\n', 'pillar/top.sls': '{}\n' });
});
t.teardown(async () => fleet?.down());

const cat = async (path: string): Promise<string> => (await fleet.exec(HOST, ['cat', path])).stdout;

t.test('the script passes sh -n and is installed; the config gets its attribute', async (t) => {
  await states(GOOD, CONF_HASH);
  const run = await applyLocal(fleet, HOST);
  const r = results(run, HOST);
  t.equal(run.code, 0, run.stderr);
  t.equal(r[SCRIPT].result, true, r[SCRIPT].comment);
  t.equal(await cat('/usr/local/bin/hello'), GOOD);
  t.equal(r[CONF].result, true, r[CONF].comment);
  const attrs = (await fleet.exec(HOST, ['lsattr', '-d', '/etc/hello.conf'])).stdout;
  t.match(attrs.split(/\s+/)[0], /A/, 'lsattr shows the attribute');
  const again = results(await applyLocal(fleet, HOST), HOST);
  t.same(again[CONF].changes, {}, 'a second run has nothing to change');
});

t.test('test mode does not run check_cmd: the broken script is reported as a change', async (t) => {
  await states(BROKEN, CONF_HASH);
  const r = results(await applyLocal(fleet, HOST, ['--test']), HOST);
  t.equal(r[SCRIPT].result, null, r[SCRIPT].comment);
  t.equal(await cat('/usr/local/bin/hello'), GOOD);
});

t.test('a script sh -n refuses fails the state; the installed one stays', async (t) => {
  await states(BROKEN, CONF_HASH);
  const run = await applyLocal(fleet, HOST);
  const r = results(run, HOST);
  t.equal(r[SCRIPT].result, false);
  t.match(r[SCRIPT].comment, /^check_cmd execution failed\n.*Syntax error: "then" unexpected/s);
  t.same(r[SCRIPT].changes, {});
  t.equal(await cat('/usr/local/bin/hello'), GOOD);
});

t.test('a source whose hash does not match fails the state and leaves the file', async (t) => {
  await putFiles(fleet, HOST, `${REMOTE}/states`, { 'hello.conf': 'greeting = tampered\n' });
  const r = results(await applyLocal(fleet, HOST), HOST);
  t.equal(r[CONF].result, false);
  t.match(r[CONF].comment, /^Specified sha256 checksum for salt:\/\/hello.conf/);
  t.equal(await cat('/etc/hello.conf'), 'greeting = hello\n');
});
