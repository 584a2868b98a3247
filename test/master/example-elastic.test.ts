// The shipped elastic formula compiles, through the real CLI, to the configuration alone on the
// example levels (elastic:install False) and, with install True, to the repository, the package
// and a service that starts after its configuration and restarts when it changes.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LowChunk } from '../../agent/protocol.ts';
import { REPO, shippedExample } from '../shipped.ts';

const CLI = join(REPO, 'master/cli.ts');
const TSX = import.meta.resolve('tsx');

function show(dir: string, host: string): LowChunk[] {
  const out = execFileSync(
    process.execPath,
    ['--import', TSX, CLI, 'show', 'lowstate', '--host', host, '--out', 'json'],
    { cwd: dir, encoding: 'utf8' },
  );
  return JSON.parse(out) as LowChunk[];
}
const elastic = (chunks: LowChunk[]) => chunks.filter((c) => c.sls === 'elastic');
const byId = (chunks: LowChunk[], state: string, id: string) => chunks.find((c) => c.state === state && c.id === id)!;

/** A copy of the shipped example whose elastic pillar installs the package. */
function installing(): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-elastic-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(shippedExample(), dir, { recursive: true });
  const file = join(dir, 'pillar/roles/elastic.sls');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}install: False$/m, '  install: True'));
  return dir;
}

t.test('the example levels get the configuration only: no repository, package or service', async (t) => {
  const chunks = elastic(show(shippedExample(), 'elastic1.staging'));
  t.same(
    chunks.map((c) => c.tag),
    [
      'group_|-elastic-group_|-elasticsearch_|-present',
      'user_|-elastic-user_|-elasticsearch_|-present',
      'file_|-elastic-config-dir_|-/etc/elasticsearch_|-directory',
      'file_|-elastic-jvm-options-dir_|-/etc/elasticsearch/jvm.options.d_|-directory',
      'file_|-elastic-config_|-/etc/elasticsearch/elasticsearch.yml_|-managed',
      'file_|-elastic-heap_|-/etc/elasticsearch/jvm.options.d/heap.options_|-managed',
    ],
  );
  t.match(byId(chunks, 'file', 'elastic-config').args, {
    group: 'elasticsearch',
    mode: '0660',
    context: { elastic: { cluster_name: 'platform-staging', node_name: 'elastic1.staging', install: false } },
  });
  t.match(byId(chunks, 'file', 'elastic-heap').args, { context: { heap: '512m' } });
});

t.test('each level names its own cluster and heap', async (t) => {
  const chunks = show(shippedExample(), 'elastic3.production');
  t.match(byId(chunks, 'file', 'elastic-config').args, {
    context: { elastic: { cluster_name: 'platform-production', node_name: 'elastic3.production' } },
  });
  t.match(byId(chunks, 'file', 'elastic-heap').args, { context: { heap: '4g' } });
});

t.test(
  'with install True: the repository with its signed-by keyring, the package after it, the service after its configuration',
  async (t) => {
    const chunks = elastic(show(installing(), 'elastic1.staging'));
    const repo = byId(chunks, 'pkgrepo', 'elastic-repo');
    t.equal(
      repo.name,
      'deb [signed-by=/etc/apt/keyrings/elasticsearch.gpg] https://artifacts.elastic.co/packages/8.x/apt stable main',
    );
    t.match(repo.args, { file: '/etc/apt/sources.list.d/elastic-8.x.list' });
    t.equal(
      repo.args.key_text,
      readFileSync(join(REPO, 'states/elastic/files/elasticsearch.asc'), 'utf8').trimEnd(),
      'the key is the file shipped in the state tree',
    );
    const pkg = byId(chunks, 'pkg', 'elasticsearch');
    t.equal(pkg.tag, 'pkg_|-elasticsearch_|-elasticsearch_|-installed');
    t.same(pkg.requisites.require, [
      'pkgrepo_|-elastic-repo_|-deb [signed-by=/etc/apt/keyrings/elasticsearch.gpg] https://artifacts.elastic.co/packages/8.x/apt stable main_|-managed',
      'user_|-elastic-user_|-elasticsearch_|-present',
      'file_|-elastic-config_|-/etc/elasticsearch/elasticsearch.yml_|-managed',
      'file_|-elastic-heap_|-/etc/elasticsearch/jvm.options.d/heap.options_|-managed',
    ]);
    const service = byId(chunks, 'service', 'elasticsearch');
    t.equal(service.tag, 'service_|-elasticsearch_|-elasticsearch_|-running');
    t.same(service.requisites, {
      require: [
        'pkg_|-elasticsearch_|-elasticsearch_|-installed',
        'sysctl_|-elastic-max-map-count_|-vm.max_map_count_|-present',
      ],
      watch: [
        'file_|-elastic-config_|-/etc/elasticsearch/elasticsearch.yml_|-managed',
        'file_|-elastic-heap_|-/etc/elasticsearch/jvm.options.d/heap.options_|-managed',
      ],
    });
    t.match(service.args, { enable: true });
    t.match(byId(chunks, 'sysctl', 'elastic-max-map-count'), {
      args: { value: 262144 },
      requisites: { require: ['pkg_|-elasticsearch_|-elasticsearch_|-installed'] },
    });
  },
);
