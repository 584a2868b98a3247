// Execution functions real trees call from templates, answered on the host (salt['cmd.run'],
// file.file_exists, network.ip_addrs) or from the master's knowledge (publish.publish); on the
// master, a host function is an error that says why.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostFunctions } from '../../../agent/render/host-functions.ts';
import { ctx, render } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'halite-hostfn-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'etc/app'), { recursive: true });
writeFileSync(join(root, 'etc/app/app.conf'), 'x\n');

let used = 0;
const onHost = { ...ctx, functions: hostFunctions({ root, used: () => void used++ }) };
const text = (src: string): string => {
  const r = render(src, {}, 'app/init.sls', onHost);
  if (r.error) throw new Error(r.error.message);
  return r.text;
};

t.test('cmd functions run the line in a shell and return what Salt returns', async (t) => {
  t.equal(
    text("{{ salt['cmd.run']('echo out; echo err >&2') }}"),
    'out\nerr',
    'cmd.run: stdout and stderr, trailing blanks stripped',
  );
  t.equal(text("{{ salt['cmd.run_stdout']('echo out; echo err >&2') }}"), 'out');
  t.equal(text("{{ salt['cmd.retcode']('exit 3') }}"), '3');
  t.equal(text("{{ salt['cmd.shell']('echo $((1 + 2))') }}"), '3');
  t.equal(text("{{ salt['cmd.run']('pwd', cwd='/tmp') }}"), '/tmp');
  t.equal(text("{{ salt['cmd.run']('echo $GREETING', env={'GREETING': 'hi'}) }}"), 'hi');
  t.equal(text("{{ salt['cmd.run_all']('echo a; exit 2').retcode }}"), '2');
  t.ok(used >= 7, 'each call is noted, so the compile is not cached');
});

t.test('arguments that would change what runs are refused, not ignored', async (t) => {
  const r = render("{{ salt['cmd.run']('id', runas='nobody') }}", {}, 'app/init.sls', onHost);
  t.match(r.error?.message, /cmd\.run: argument 'runas' is not supported here/);
});

t.test('file and network functions look at the host', async (t) => {
  t.equal(text("{{ salt['file.file_exists']('/etc/app/app.conf') }}"), 'True');
  t.equal(text("{{ salt['file.file_exists']('/etc/app') }}"), 'False', 'a directory is not a file');
  t.equal(text("{{ salt['file.directory_exists']('/etc/app') }}"), 'True');
  t.equal(text("{{ salt['file.file_exists']('/etc/app/missing') }}"), 'False');
  t.match(text("{{ salt['network.ip_addrs'](include_loopback=True) | join(',') }}"), /127\.0\.0\.1/);
  t.notMatch(text("{{ salt['network.ip_addrs']() | join(',') }}"), /127\.0\.0\.1/, 'loopback left out by default');
  t.equal(text("{{ salt['network.interface_ip']('lo') }}"), '127.0.0.1');
});

t.test('without the host (the master compiling), a host function is an error that says why', async (t) => {
  const r = render("{{ salt['cmd.run']('id') }}");
  t.match(r.error?.message, /salt function 'cmd\.run' asks the host itself/);
  const other = render("{{ salt['nosuch.thing']() }}");
  t.match(other.error?.message, /salt function 'nosuch\.thing' is not available/);
});

t.test('publish.publish is answered from what hosts reported', async (t) => {
  const withGrains = {
    ...ctx,
    mine: {
      ...ctx.mine,
      db2: { 'network.ip_addrs': ['10.0.1.8'], 'grains.items': { os: 'Debian', osrelease: '12', mem: { total: 4 } } },
    },
  };
  const r = (src: string) => render(src, {}, 'app/init.sls', withGrains);
  t.equal(r("{{ salt['publish.publish']('db*', 'grains.get', 'osrelease') | json }}").text, '{"db1": "", "db2": "12"}');
  t.equal(r("{{ salt['publish.publish']('db2', 'grains.get', 'mem:total') }}").text, "{'db2': 4}");
  t.equal(
    r("{{ salt['publish.publish']('db*', 'network.ip_addrs') | json }}").text,
    '{"db1": ["10.0.1.7"], "db2": ["10.0.1.8"]}',
  );
  t.equal(
    r("{{ salt['publish.publish']('db1,web1', 'test.ping', tgt_type='list') | json }}").text,
    '{"db1": true}',
    'hosts that reported grains answer',
  );
  t.match(
    r("{{ salt['publish.publish']('*', 'cmd.run', 'id') }}").error?.message,
    /publish\.publish: 'cmd\.run' is not answered here/,
  );
});

t.test('user.info, cmd.has_exec, alternatives.show_current and file.contains_regex look at the host', async (t) => {
  // salt/modules/useradd.py info, cmd.has_exec (salt.utils.path.which), alternatives.show_current,
  // file.contains_regex: what formulas (users, php, openssh) call while rendering
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/bash\nann:x:1001:1001:Ann A,1,2:/home/ann:/bin/sh\n',
  );
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nann:x:1001:\nadm:x:4:ann\n');
  mkdirSync(join(root, 'etc/alternatives'), { recursive: true });
  rmSync(join(root, 'etc/alternatives/php'), { force: true });
  symlinkSync('/usr/bin/php8.2', join(root, 'etc/alternatives/php'));
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(join(root, 'usr/bin/tool'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(root, 'usr/bin/data'), 'x\n', { mode: 0o644 });
  writeFileSync(join(root, 'etc/app/sshd_config'), 'Port 22\n#\tTabbed yes\n');
  t.equal(text("{{ salt.user.info('ann').home }} {{ salt['user.info']('ann').groups }}"), "/home/ann ['adm', 'ann']");
  t.equal(text("{{ salt['user.info']('nobody') }}"), '{}', 'an unknown user is an empty dict');
  t.equal(
    text("{{ salt['cmd.has_exec']('tool') }} {{ salt['cmd.has_exec']('data') }} {{ salt['cmd.has_exec']('nope') }}"),
    'True False False',
    'on the PATH and executable',
  );
  t.equal(text("{{ salt['alternatives.show_current']('php') }}"), '/usr/bin/php8.2');
  t.equal(text("{{ salt['alternatives.show_current']('nope') }}"), 'False');
  t.equal(text("{{ salt['file.contains_regex']('/etc/app/sshd_config', '^\\\\s*Port') }}"), 'True');
  t.equal(
    text("{{ salt['file.contains_regex']('/etc/app/sshd_config', '^\\t', lchar='#') }}"),
    'True',
    'lchar stripped',
  );
  t.equal(text("{{ salt['file.search']('/etc/app/sshd_config', '^Tabbed') }}"), 'False');
  t.equal(text("{{ salt['file.contains_regex']('/etc/app/missing', 'x') }}"), 'False');
});
