// renderSls: locating the file, Salt's sls variables, the render pipe, and the project's own tree.
import t from 'tap';
import { join } from 'node:path';
import { FsTree, MemTree } from '../../../agent/store/tree.ts';
import { renderSls, slsVars, renderPipe } from '../../../agent/render/sls.ts';
import type { RenderContext } from '../../../agent/render/context.ts';
import { environmentFor } from '../../../agent/render/env.ts';
import { renderTemplate } from '../../../agent/render/template.ts';

const ctx: RenderContext = { grains: { id: 'm1', os_family: 'Debian' }, pillar: {}, saltenv: 'base' };

t.test('slsVars as Salt sets them', async (t) => {
  t.same(slsVars('web.nginx', 'web/nginx.sls', false, 'base'), {
    sls: 'web.nginx',
    slspath: 'web',
    slsdotpath: 'web',
    slscolonpath: 'web',
    tpldir: 'web',
    tpldot: 'web',
    tplfile: 'web/nginx.sls',
    tplpath: 'web/nginx.sls',
    saltenv: 'base',
  });
  t.same(slsVars('web.nginx', 'web/nginx/init.sls', true, 'base').slspath, 'web/nginx');
  t.same(slsVars('top', 'top.sls', false, 'base').tpldir, '.');
});

t.test('renders an SLS and keeps top-level key lines', async (t) => {
  const tree = new MemTree({
    'web/init.sls':
      "{% set pkgs = ['nginx', 'curl'] %}\n{% for p in pkgs %}\n{{ p }}:\n  pkg.installed: []\n{% endfor %}\nsls-name:\n  test.nop:\n    - name: {{ sls }} {{ slspath }} {{ tpldir }}\n",
  });
  const r = renderSls(tree, 'web', ctx);
  t.same(r.errors, []);
  t.equal(r.file, 'web/init.sls');
  t.ok(r.isInit);
  t.same(r.data, {
    nginx: { 'pkg.installed': [] },
    curl: { 'pkg.installed': [] },
    'sls-name': { 'test.nop': [{ name: 'web web web' }] },
  });
  // lines of the rendered text (the loop repeats lines 3-4 of the source)
  t.same(r.lines, { nginx: 3, curl: 6, 'sls-name': 9 });
});

t.test('missing SLS', async (t) => {
  const r = renderSls(new MemTree({}), 'a.b', ctx);
  t.equal(r.errors[0].code, 'SLS_NOT_FOUND');
  t.match(r.errors[0].message, /a\/b\.sls and a\/b\/init\.sls/);
});

t.test('render pipe from the shebang line', async (t) => {
  t.same(renderPipe('a: 1'), { jinja: true, source: 'a: 1' });
  t.equal(renderPipe('#!yaml\na: {{ x }}').jinja, false);
  t.equal(renderPipe('#!jinja|yaml\na: 1').jinja, true);
  t.match(renderPipe('#!py\n').error, /unsupported renderer '#!py'/);
  const tree = new MemTree({
    'raw.sls': '#!yaml\nk: "{{ not rendered }}"\n',
    'py.sls': '#!py\ndef run(): pass\n',
    'j.sls': '#!jinja|yaml\n\nk: {{ nope }}\n',
  });
  t.same(renderSls(tree, 'raw', ctx).data, { k: '{{ not rendered }}' });
  t.equal(renderSls(tree, 'py', ctx).errors[0].line, 1);
  const j = renderSls(tree, 'j', ctx);
  t.equal(j.errors[0].line, 3, 'the shebang line still counts');
});

t.test('the project state tree renders', async (t) => {
  const tree = new FsTree(join(import.meta.dirname, '../../../states'));
  const minion: RenderContext = {
    grains: {
      id: 'cache1',
      os_family: 'Debian',
      ipv4: ['127.0.0.1', '10.1.0.5'],
      roles: ['sessions'],
      level: 'staging',
    },
    pillar: { memcached: { memory: 128 }, redis: { maxmemory: '512mb' } },
    saltenv: 'base',
  };
  const mc = renderSls(tree, 'memcached', minion);
  t.same(mc.errors, []);
  const ctxArg = (
    (mc.data as Record<string, Record<string, unknown[]>>).memcached['file.managed'][3] as {
      context: { memcached: Record<string, unknown> };
    }
  ).context;
  t.same(ctxArg.memcached, {
    config: '/etc/memcached.conf',
    listen: '10.1.0.5',
    max_connections: 1024,
    memory: 128,
    package: 'memcached',
    port: 11211,
    service: 'memcached',
    user: 'memcache',
  });
  const redis = renderSls(tree, 'redis', minion);
  t.same(redis.errors, []);
  const conf = tree.read('redis/files/redis.conf.jinja')!;
  const redisCtx = (
    (redis.data as Record<string, Record<string, unknown[]>>).redis['file.managed'][3] as {
      context: Record<string, unknown>;
    }
  ).context;
  const out = renderTemplate(tree, 'redis/files/redis.conf.jinja', conf, minion, redisCtx);
  t.equal(out.error, undefined);
  t.match(out.text, /^bind 127\.0\.0\.1 10\.1\.0\.5$/m);
  t.match(out.text, /^maxmemory 512mb$/m);
});

t.test('compiled templates are cached per tree and source', async (t) => {
  const tree = new MemTree({ 'lib/m.jinja': '{% set x = 1 %}' });
  const env = environmentFor(tree);
  t.equal(environmentFor(tree), env, 'one environment per tree');
  const a = env.template('a.sls', 'x: {{ 1 }}');
  t.equal(env.template('a.sls', 'x: {{ 1 }}'), a, 'same source, same compiled template');
  t.not(env.template('a.sls', 'x: {{ 2 }}'), a, 'changed source recompiles');
  renderTemplate(tree, 'b.sls', "{% from 'lib/m.jinja' import x %}", ctx);
  const imported = env.getTemplate('lib/m.jinja');
  renderTemplate(tree, 'c.sls', "{% from 'lib/m.jinja' import x %}", ctx);
  t.equal(env.getTemplate('lib/m.jinja'), imported, 'imported template reused across renders');
});

t.test('renders are independent: globals of one render do not leak into the next', async (t) => {
  const tree = new MemTree({ 'lib/g.jinja': '{% set seen = grains.id %}' });
  const a = renderTemplate(tree, 'a.sls', "{% from 'lib/g.jinja' import seen %}{{ seen }}", {
    ...ctx,
    grains: { id: 'A' },
  });
  const b = renderTemplate(tree, 'b.sls', "{% from 'lib/g.jinja' import seen %}{{ seen }}", {
    ...ctx,
    grains: { id: 'B' },
  });
  t.equal(a.text, 'A');
  t.equal(b.text, 'B');
  t.equal(environmentFor(tree).globals.grains, undefined);
});
