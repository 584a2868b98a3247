// Execution functions real trees call from templates, answered on the host (salt['cmd.run'],
// file.file_exists, network.ip_addrs) or from the master's knowledge (publish.publish); on the
// master, a host function is an error that says why.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
