// pkg aggregation: pending pkg chunks folded into one call, then one apt-get install.
import t from 'tap';
import { modules } from '../../../../agent/states/index.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import type { LowChunk } from '../../../../agent/protocol.ts';
import { Recorded } from './recorded.ts';

const installed = modules.pkg.installed;

function chunk(id: string, args: Record<string, unknown> = {}, extra: Partial<LowChunk> = {}): LowChunk {
  const fun = extra.fun ?? 'installed';
  const name = (args.name as string | undefined) ?? id;
  return {
    tag: `pkg_|-${id}_|-${name}_|-${fun}`,
    state: 'pkg',
    fun,
    id,
    name,
    sls: 'web',
    env: 'base',
    order: 10000,
    args: { name, ...args },
    meta: {},
    requisites: {},
    ...extra,
  };
}

t.test('pending pkg.installed chunks merge into pkgs', async (t) => {
  const agg = installed.aggregate;
  if (!agg) throw new Error('pkg.installed has no aggregate');
  const self = chunk('memcached');
  const others = [
    self,
    chunk('nginx-light', { version: '1.22.*' }),
    chunk('tools', { pkgs: ['curl', { bash: '>=5' }] }),
    chunk('held', { hold: true }),
    chunk('other-repo', { fromrepo: 'bookworm-backports' }),
    chunk('gated', {}, { meta: { unless: 'true' } }),
    chunk('removed', {}, { fun: 'removed' }),
    chunk('waits', {}, { requisites: { require: ['cmd_|-setup_|-setup_|-run'] } }),
    { ...chunk('setup'), tag: 'cmd_|-setup_|-setup_|-run', state: 'cmd', fun: 'run' },
    chunk('after-done', {}, { requisites: { require: ['file_|-done_|-/etc/x_|-managed'] } }),
  ];
  const merged = agg(self, others);
  t.ok(merged, 'something merged');
  t.same(merged?.args.pkgs, ['memcached', { 'nginx-light': '1.22.*' }, 'curl', { bash: '>=5' }, 'after-done']);
  t.same(merged?.absorbed, [
    'pkg_|-nginx-light_|-nginx-light_|-installed',
    'pkg_|-tools_|-tools_|-installed',
    'pkg_|-after-done_|-after-done_|-installed',
  ]);
  t.equal(merged?.args.name, 'memcached');
  t.same(agg(chunk('held', { hold: true }), others), undefined, 'a holding chunk does not aggregate');
  t.same(agg(self, [self]), undefined, 'nothing to merge');
});

t.test('the merged chunk makes one policy read and one apt-get install', async (t) => {
  const merged = installed.aggregate?.(chunk('memcached'), [chunk('memcached'), chunk('nginx-light'), chunk('bash')]);
  if (!merged) throw new Error('no merge');
  const rec = new Recorded([
    { run: 'dpkg-query *', stdout: '@dpkg-query-bookworm.txt' },
    { run: 'apt-cache policy memcached nginx-light', stdout: '@apt-cache-policy-memcached_nginx-light.txt' },
    {
      run: 'apt-get -q -y -o DPkg::Options::=--force-confold -o DPkg::Options::=--force-confdef install memcached nginx-light',
    },
    {
      run: 'dpkg-query *',
      stdout: '@dpkg-query-bookworm.txt',
      stdout_append:
        'memcached\t1.6.18-1+deb12u1\tinstall ok installed\tamd64\nnginx-light\t1.22.1-9+deb12u11\tinstall ok installed\tamd64\nnginx-common\t1.22.1-9+deb12u11\tinstall ok installed\tall\n',
    },
  ]);
  const ctx = makeContext({ root: '/nonexistent-root', run: rec.run, log: silentLogger });
  const plan = await installed.check(merged.args, ctx);
  t.equal(plan.status, 'pending');
  t.equal(plan.comment, 'The following packages would be installed/updated: memcached, nginx-light');
  const out = await installed.apply(plan, ctx);
  t.equal(out.result ?? true, true);
  t.same(
    out.changes,
    {
      memcached: { old: '', new: '1.6.18-1+deb12u1' },
      'nginx-common': { old: '', new: '1.22.1-9+deb12u11' },
      'nginx-light': { old: '', new: '1.22.1-9+deb12u11' },
    },
    'dependencies appear in changes, as in Salt',
  );
  t.equal(
    out.comment,
    '2 targeted packages were installed/updated. The following packages were already installed: bash',
  );
  t.equal(rec.commands().filter((c) => c.startsWith('apt-get')).length, 1, 'one apt-get call');
  t.equal(rec.commands().filter((c) => c.startsWith('apt-cache')).length, 1, 'one apt-cache call');
  t.same(rec.unexpected, []);
  const env = rec.calls.find((c) => c.cmd.startsWith('apt-get'))?.env;
  t.equal(env?.DEBIAN_FRONTEND, 'noninteractive');
  t.equal((await installed.check(merged.args, ctx)).status, 'converged', 're-check converged from the fresh dpkg read');
});
