// The shipped infrastructure compiles to what each role needs, through the real CLI.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { LowChunk } from '../../agent/protocol.ts';
import { REPO, shippedExample } from '../shipped.ts';

const example = shippedExample();
const CLI = join(REPO, 'master/cli.ts');
const TSX = import.meta.resolve('tsx');

function show(host: string): LowChunk[] {
  const out = execFileSync(process.execPath, ['--import', TSX, CLI, 'show', 'highstate', '--host', host, '--out', 'json'], { cwd: example, encoding: 'utf8' });
  return JSON.parse(out) as LowChunk[];
}

t.test('memcache host: package, templated config, service watching the config', async (t) => {
  const chunks = show('memcache1.staging');
  const tags = chunks.map((c) => c.tag);
  t.same(tags.filter((tag) => tag.includes('memcached')), [
    'pkg_|-memcached_|-memcached_|-installed',
    'file_|-memcached_|-/etc/memcached.conf_|-managed',
    'service_|-memcached_|-memcached_|-running',
  ]);
  t.ok(tags.includes('file_|-base-motd_|-/etc/motd_|-managed') && tags.includes('service_|-postfix_|-postfix_|-running'), 'and the base every host gets');
  const conf = chunks.find((c) => c.tag === 'file_|-memcached_|-/etc/memcached.conf_|-managed')!;
  t.match(conf.args, { source: 'salt://memcached/files/memcached.conf.jinja', template: 'jinja', context: { memcached: { memory: 64, port: 11211 } } });
  t.same(chunks.find((c) => c.tag === 'service_|-memcached_|-memcached_|-running')!.requisites, {
    require: ['pkg_|-memcached_|-memcached_|-installed'],
    watch: ['file_|-memcached_|-/etc/memcached.conf_|-managed'],
  });
});

t.test('production pillar sizes memcached differently from staging', async (t) => {
  const conf = show('memcache1.production').find((c) => c.state === 'file' && c.id === 'memcached');
  t.match(conf?.args, { context: { memcached: { memory: 1024, max_connections: 4096 } } });
});

t.test('sessions host: memcached and redis, the redis password redacted', async (t) => {
  const chunks = show('sessions1.staging');
  t.same(chunks.map((c) => c.id).filter((id) => id === 'memcached' || id === 'redis'), ['memcached', 'memcached', 'memcached', 'redis', 'redis', 'redis']);
  const redis = chunks.find((c) => c.state === 'file' && c.id === 'redis');
  t.match(redis?.args, { context: { redis: { password: '**REDACTED**', maxmemory: '512mb' } } });
  t.notMatch(JSON.stringify(chunks), /demo-redis-session-secret/, 'the secret never appears');
  t.match(chunks.find((c) => c.state === 'file' && c.id === 'memcached')?.args, { context: { memcached: { memory: 128 } } });
});

t.test('a memcache host never gets the sessions secret in its pillar', async (t) => {
  const chunks = show('memcache1.staging');
  t.notMatch(JSON.stringify(chunks), /redis|demo-redis-session-secret/);
});
