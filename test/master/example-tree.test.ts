// The shipped infrastructure compiles to what each role needs, through the command line
// (in-process, from the example's directory).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LowChunk } from '../../agent/protocol.ts';
import { main } from '../../master/cli.ts';
import { shippedExample } from '../shipped.ts';

const example = shippedExample();

async function show(host: string): Promise<LowChunk[]> {
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s), env: {}, cwd: example };
  const code = await main(['show', 'lowstate', '--host', host, '--out', 'json'], io);
  if (code !== 0) throw new Error(`halite show lowstate --host ${host}: exit ${code}\n${err}`);
  return JSON.parse(out) as LowChunk[];
}

t.test('memcache host: package, templated config, service watching the config', async (t) => {
  const chunks = await show('memcache1.staging');
  const tags = chunks.map((c) => c.tag);
  t.same(
    tags.filter((tag) => tag.includes('memcached')),
    [
      'pkg_|-memcached_|-memcached_|-installed',
      'file_|-memcached_|-/etc/memcached.conf_|-managed',
      'service_|-memcached_|-memcached_|-running',
    ],
  );
  t.ok(
    tags.includes('file_|-base-motd_|-/etc/motd_|-managed') && tags.includes('service_|-postfix_|-postfix_|-running'),
    'and the base every host gets',
  );
  const conf = chunks.find((c) => c.tag === 'file_|-memcached_|-/etc/memcached.conf_|-managed')!;
  t.match(conf.args, {
    source: 'salt://memcached/files/memcached.conf.jinja',
    template: 'jinja',
    context: { memcached: { memory: 64, port: 11211 } },
  });
  t.same(chunks.find((c) => c.tag === 'service_|-memcached_|-memcached_|-running')!.requisites, {
    require: ['pkg_|-memcached_|-memcached_|-installed'],
    watch: ['file_|-memcached_|-/etc/memcached.conf_|-managed'],
  });
});

t.test('production pillar sizes memcached differently from staging', async (t) => {
  const conf = (await show('memcache1.production')).find((c) => c.state === 'file' && c.id === 'memcached');
  t.match(conf?.args, { context: { memcached: { memory: 1024, max_connections: 4096 } } });
});

t.test('sessions host: memcached and redis, the redis password redacted', async (t) => {
  const chunks = await show('sessions1.staging');
  t.same(
    chunks.map((c) => c.id).filter((id) => id === 'memcached' || id === 'redis'),
    ['memcached', 'memcached', 'memcached', 'redis', 'redis', 'redis'],
  );
  const redis = chunks.find((c) => c.state === 'file' && c.id === 'redis');
  t.match(redis?.args, { context: { redis: { password: '**REDACTED**', maxmemory: '512mb' } } });
  t.notMatch(JSON.stringify(chunks), /demo-redis-session-secret/, 'the secret never appears');
  t.match(chunks.find((c) => c.state === 'file' && c.id === 'memcached')?.args, {
    context: { memcached: { memory: 128 } },
  });
});

t.test('a memcache host never gets the sessions secret in its pillar', async (t) => {
  const chunks = await show('memcache1.staging');
  t.notMatch(JSON.stringify(chunks), /redis|demo-redis-session-secret/);
});

t.test(
  'app host: nginx and PHP-FPM reloaded by their own files only, the configuration root:app with its secrets redacted',
  async (t) => {
    const chunks = (await show('app1.staging')).filter((c) => c.sls === 'app');
    const byId = (id: string, state: string) => chunks.find((c) => c.id === id && c.state === state)!;
    t.same(byId('app-fpm', 'service').requisites.watch, [
      'file_|-app-fpm-pool_|-/etc/php/8.2/fpm/pool.d/app.conf_|-managed',
      'file_|-app-fpm-default-pool_|-/etc/php/8.2/fpm/pool.d/www.conf_|-absent',
    ]);
    t.same(byId('app-nginx', 'service').requisites.watch, [
      'file_|-app-site_|-/etc/nginx/sites-available/app_|-managed',
      'file_|-app-site-enabled_|-/etc/nginx/sites-enabled/app_|-symlink',
      'file_|-app-default-site_|-/etc/nginx/sites-enabled/default_|-absent',
    ]);
    for (const id of ['app-fpm', 'app-nginx']) t.match(byId(id, 'service').args, { enable: true, reload: true });
    const config = byId('app-config', 'file');
    t.match(config.args, { user: 'root', group: 'app', mode: '0640', show_changes: false });
    t.match(config.args, {
      context: {
        app: { database: 'platform', db_user: 'platform', db_password: '**REDACTED**', redis_password: '**REDACTED**' },
      },
    });
    t.match(byId('app-fpm-pool', 'file').args, { mode: '0600' }, "the pool holds Redis's password");
    t.notMatch(
      JSON.stringify(chunks),
      /example-only-platform-db-password|demo-redis-session-secret/,
      'no secret in the compiled states',
    );
  },
);

t.test('sources host: git hosting with the deploy keys redacted, and the package mirror', async (t) => {
  const chunks = await show('sources1.staging');
  const tags = chunks.map((c) => c.tag);
  t.ok(
    tags.includes('user_|-git-hosting_|-git_|-present') && tags.includes('service_|-mirror-service_|-nginx_|-running'),
  );
  t.match(chunks.find((c) => c.tag === 'user_|-git-hosting_|-git_|-present')?.args, {
    system: true,
    shell: '/usr/bin/git-shell',
    home: '/srv/git',
  });
  const keys = chunks.find((c) => c.id === 'git-deploy-keys');
  t.equal(
    keys?.args.contents,
    '# managed by halite: the deploy keys (private pillar sources:git:deploy_keys)\nrestrict **REDACTED**\n',
  );
  t.notMatch(JSON.stringify(chunks), /AAAAC3NzaC1lZDI1NTE5AAAAIEVg9VRX/, 'the deploy key never appears');
  const repo = chunks.find((c) => c.id === 'git-repository-platform.git');
  t.equal(repo?.name, 'git init --quiet --bare --initial-branch=main /srv/git/platform.git');
  t.match(repo?.meta, { runas: 'git', creates: '/srv/git/platform.git/HEAD' });
  t.match(
    chunks.find((c) => c.id === 'mirror-sync-debian' && c.state === 'cmd')?.name,
    'rsync -a --delete-after --delay-updates /srv/halite-fleet-repo/ /srv/mirror/debian/',
  );
  t.notOk(
    tags.some((tag) => tag.startsWith('pkgrepo_')),
    'the sources host keeps the apt sources it was installed with',
  );
});

t.test('only sources hosts get the deploy keys; no host names a mirror before a sources host has run', async (t) => {
  const chunks = await show('memcache1.staging');
  t.notOk(
    chunks.some((c) => c.sls.startsWith('sources')),
    'no sources states',
  );
  t.notOk(
    chunks.some((c) => c.state === 'pkgrepo'),
    'no mirror in an empty inventory: the apt sources stay as installed',
  );
  t.notMatch(JSON.stringify(chunks), /deploy/);
});

t.test('a production host of each role gets production pillar and nothing of staging', async (t) => {
  const roster = parse(readFileSync(join(example, 'roster.yaml'), 'utf8')) as Record<
    string,
    { level: string; roles: string[] }
  >;
  const firstOfRole = new Map<string, string>();
  for (const [id, h] of Object.entries(roster))
    if (h.level === 'production' && !firstOfRole.has(h.roles[0])) firstOfRole.set(h.roles[0], id);
  t.equal(firstOfRole.size, 8, 'every role');
  for (const id of firstOfRole.values()) {
    let text = '';
    const io = { stdout: (o: string) => void (text += o), stderr: () => undefined, env: {}, cwd: example };
    t.equal(await main(['show', 'pillar', '--host', id], io), 0, `${id}: show pillar`);
    t.match(parse(text), { infra: { level: 'production', domain: 'example.internal' } }, id);
    t.notMatch(text, /staging/, `${id}: no staging value`);
  }
});
