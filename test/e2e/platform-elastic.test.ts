// Elasticsearch for the platform, converged by the shipped state tree through the jump box, as far
// as a fleet without internet allows: Elastic's package cannot be installed here, and is not faked.
// What is checked: the configuration every elastic host gets (cluster of the level's elastic
// hosts, own private address, heap), the example levels' `elastic:install: False` converging and
// then changing nothing; with install True, the test-mode plan (repository, package, sysctl,
// service, each after what it requires), the repository and its signed-by keyring really written,
// the package failing because the repository cannot be reached and the service then not touched;
// and the shipped placeholder key refused before anything reaches apt.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO } from './support.ts';
import {
  changedTags,
  failures,
  parseHighstate,
  secondRunChangesNothing,
  sh,
  withPillar,
  type HighstateDoc,
} from './platform-support.ts';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const suite = fleetSuite('platform-elastic', [
  { id: 'elastic1', roles: ['elastic'], level: 'staging' },
  { id: 'elastic2', roles: ['elastic'], level: 'staging' },
]);
const HOSTS = ['elastic1', 'elastic2'];
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;
const KEYS = join(REPO, 'test/agent/states/pkg/fixtures/output');
const REPO_LINE =
  'deb [signed-by=/etc/apt/keyrings/elasticsearch.gpg] https://artifacts.elastic.co/packages/8.x/apt stable main';
const TAG = {
  repo: `pkgrepo_|-elastic-repo_|-${REPO_LINE}_|-managed`,
  pkg: 'pkg_|-elasticsearch_|-elasticsearch_|-installed',
  sysctl: 'sysctl_|-elastic-max-map-count_|-vm.max_map_count_|-present',
  service: 'service_|-elasticsearch_|-elasticsearch_|-running',
};

/** A configuration with the elastic pillar's install switched on and, when given, another key in the state tree. */
function installing(name: string, key?: string): string {
  const pillar = parse(
    readFileSync(
      withPillar(suite.ws, name, { 'roles/elastic.sls': (s) => s.replace(/^ {2}install: False$/m, '  install: True') }),
      'utf8',
    ),
  ).pillar;
  const base = key ? withStates(suite.ws, name, { 'elastic/files/elasticsearch.asc': key }) : suite.ws.config;
  const config = join(suite.ws.dir, `halite-${name}-both.yaml`);
  writeFileSync(config, stringify({ ...parse(readFileSync(base, 'utf8')), pillar }));
  return config;
}
const outcome = (doc: HighstateDoc, host: string, tag: string) =>
  (doc[host] as Record<string, { result: boolean | null; changes: Record<string, unknown>; comment?: string }>)[tag];

t.test('the example levels converge the configuration alone, with no failed state; then nothing changes', async (t) => {
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  for (const h of HOSTS)
    t.ok(changedTags(doc, h).includes('file_|-elastic-config_|-/etc/elasticsearch/elasticsearch.yml_|-managed'), h);
  await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
  for (const h of HOSTS) {
    t.equal(
      (await suite.fleet.exec(h, ['test', '-e', '/etc/apt/sources.list.d/elastic-8.x.list'], { reject: false }))
        .exitCode,
      1,
      `${h}: no repository`,
    );
    t.equal(
      (await suite.fleet.exec(h, ['dpkg', '-s', 'elasticsearch'], { reject: false })).exitCode,
      1,
      `${h}: no package`,
    );
  }
});

t.test("every node of the level's cluster is configured from pillar and the inventory", async (t) => {
  for (const h of HOSTS) {
    const yml = await sh(suite.fleet, h, 'cat /etc/elasticsearch/elasticsearch.yml');
    t.match(yml, /^cluster\.name: "platform-staging"$/m, h);
    t.match(yml, new RegExp(`^node\\.name: "${h}"$`, 'm'));
    t.match(yml, new RegExp(`^network\\.host: "${addr(h).replace(/\./g, '\\.')}"$`, 'm'), 'the private address');
    const seeds = [...yml.matchAll(/^ {2}- "([\d.]+):9300"$/gm)].map((m) => m[1]);
    t.same(seeds, HOSTS.map(addr), 'the seed hosts are every elastic host of the level, by address');
    t.match(yml, /^cluster\.initial_master_nodes:\n {2}- "elastic1"\n {2}- "elastic2"$/m);
    t.match(yml, /^xpack\.security\.enabled: false$/m);
    t.notMatch(yml, /discovery\.type/);
    t.equal(
      await sh(suite.fleet, h, 'cat /etc/elasticsearch/jvm.options.d/heap.options | grep -v "^#"'),
      '-Xms512m\n-Xmx512m\n',
      'the heap from the staging pillar',
    );
    t.equal(
      await sh(
        suite.fleet,
        h,
        'stat -c "%U:%G %a" /etc/elasticsearch /etc/elasticsearch/elasticsearch.yml /etc/elasticsearch/jvm.options.d/heap.options',
      ),
      'root:elasticsearch 2750\nroot:elasticsearch 660\nroot:elasticsearch 660\n',
      'owned as the package ships them',
    );
    t.match(
      await sh(suite.fleet, h, 'getent passwd elasticsearch'),
      /^elasticsearch:x:\d{3}:\d+::\/nonexistent:\/bin\/false$/m,
      'a system account',
    );
  }
});

t.test(
  'with install True, the test-mode plan: repository, then package, sysctl and service, nothing written',
  async (t) => {
    const config = installing('plan', readFileSync(join(KEYS, 'example-repo-key.asc'), 'utf8'));
    const r = await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--test', '--out', 'json');
    const doc = parseHighstate(r);
    t.same(failures(doc), [], 'nothing would fail');
    for (const h of HOSTS) {
      const repo = outcome(doc, h, TAG.repo);
      t.match(
        repo,
        { result: null, changes: { repo: REPO_LINE, keyring: '/etc/apt/keyrings/elasticsearch.gpg' } },
        `${h}: the repository would be configured`,
      );
      t.match(
        outcome(doc, h, TAG.pkg),
        { result: null, changes: { elasticsearch: { old: '', new: 'installed' } } },
        'the package would be installed',
      );
      t.match(
        outcome(doc, h, TAG.pkg).comment,
        /would be installed\/updated: elasticsearch .*repository this state requires is set to change first/,
      );
      t.match(outcome(doc, h, TAG.sysctl), { result: null, comment: /vm\.max_map_count set to be changed to 262144/ });
      t.match(
        outcome(doc, h, TAG.service),
        { result: null, comment: 'Service elasticsearch is set to start' },
        'the service would be started',
      );
      t.same(changedTags(doc, h).sort(), [TAG.pkg, TAG.repo].sort(), 'nothing else would change');
      t.equal(
        (await suite.fleet.exec(h, ['test', '-e', '/etc/apt/keyrings/elasticsearch.gpg'], { reject: false })).exitCode,
        1,
        'nothing written',
      );
    }
  },
);

t.test('the shipped key file holds no key: the repository is refused and nothing after it runs', async (t) => {
  const r = await cliFor(suite.ws, installing('placeholder'))('highstate', '--host', 'elastic2', '--out', 'json');
  const doc = parseHighstate(r);
  t.not(r.code, 0);
  t.match(outcome(doc, 'elastic2', TAG.repo), {
    result: false,
    comment: /key_text is not an ASCII-armored OpenPGP key/,
  });
  t.match(outcome(doc, 'elastic2', TAG.pkg), { result: false, comment: /One or more requisite failed/ });
  t.match(outcome(doc, 'elastic2', TAG.service), { result: false, comment: /One or more requisite failed/ });
  t.equal(
    (await suite.fleet.exec('elastic2', ['test', '-e', '/etc/apt/sources.list.d/elastic-8.x.list'], { reject: false }))
      .exitCode,
    1,
    'no repository written',
  );
});

t.test(
  'a real apply with a key writes the repository; the package cannot be installed here, so the service is left alone',
  async (t) => {
    const mapCount = readFileSync('/proc/sys/vm/max_map_count', 'utf8');
    const r = await cliFor(suite.ws, installing('apply', readFileSync(join(KEYS, 'example-repo-key.asc'), 'utf8')))(
      'highstate',
      '--host',
      'elastic1',
      '--out',
      'json',
    );
    const doc = parseHighstate(r);
    t.not(r.code, 0);
    t.match(
      outcome(doc, 'elastic1', TAG.repo),
      { result: true, changes: { repo: REPO_LINE } },
      'configured, the package lists refreshed',
    );
    t.match(outcome(doc, 'elastic1', TAG.pkg), {
      result: false,
      comment: 'The following packages are not available from any configured source: elasticsearch',
    });
    t.match(outcome(doc, 'elastic1', TAG.sysctl), { result: false, comment: /One or more requisite failed/ });
    t.match(outcome(doc, 'elastic1', TAG.service), { result: false, comment: /One or more requisite failed/ });
    t.same(
      failures(doc).filter((f) => !f.includes('requisite failed')),
      [`elastic1: ${TAG.pkg}: The following packages are not available from any configured source: elasticsearch`],
      'only the package failed of itself',
    );
    t.equal(await sh(suite.fleet, 'elastic1', 'cat /etc/apt/sources.list.d/elastic-8.x.list'), `${REPO_LINE}\n`);
    const keyring = (await suite.fleet.exec('elastic1', ['base64', '-w0', '/etc/apt/keyrings/elasticsearch.gpg']))
      .stdout;
    t.ok(
      Buffer.from(keyring, 'base64').equals(readFileSync(join(KEYS, 'example-repo-key.gpg'))),
      'the signed-by keyring is the shipped key, de-armored',
    );
    t.equal(await sh(suite.fleet, 'elastic1', 'stat -c "%U %a" /etc/apt/keyrings/elasticsearch.gpg'), 'root 644\n');
    t.match(
      await sh(suite.fleet, 'elastic1', 'apt-get -q update 2>&1; echo "exit $?"'),
      /artifacts\.elastic\.co[\s\S]*exit 0\n$/,
      'apt reads the source; other packages still install',
    );
    t.equal(readFileSync('/proc/sys/vm/max_map_count', 'utf8'), mapCount, 'the kernel setting was not applied');
  },
);
